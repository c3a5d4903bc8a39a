/**
 * Peer ids: making ours in the Azureus style, and naming the client behind
 * someone else's.
 *
 * @module
 */

import { toHex } from "../bytes.ts";

/**
 * Two-letter Azureus-style client codes (`-XX1234-`) and their names. `LT`
 * is Rasterbar's libtorrent (qBittorrent and Deluge embed it but send their
 * own codes); lower-case `lt` is rakshasa's libTorrent, under rTorrent.
 */
const AZUREUS: Readonly<Record<string, string>> = {
  AZ: "Vuze",
  BC: "BitComet",
  BI: "BiglyBT",
  BT: "BitTorrent",
  DE: "Deluge",
  KT: "KTorrent",
  LT: "libtorrent (Rasterbar)",
  lt: "libTorrent (rakshasa)",
  qB: "qBittorrent",
  SE: "seed",
  TR: "Transmission",
  UT: "µTorrent",
  WW: "WebTorrent",
};

/** Shadow-style first letters (`T03I-----`) and their clients. */
const SHADOW: Readonly<Record<string, string>> = {
  A: "ABC",
  O: "Osprey Permaseed",
  Q: "BTQueue",
  R: "Tribler",
  S: "Shadow's client",
  T: "BitTornado",
  U: "UPnP NAT Bit Torrent",
};

/** Digit values in Shadow-style versions: `0`-`9`, `A`-`Z`, `a`-`z`, `.`. */
const SHADOW_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.";

const latin1 = new TextDecoder("latin1");

/**
 * Makes a random Azureus-style peer id: the prefix, then random bytes to 20.
 *
 * @param prefix Client code and version, such as `-SE0001-`; at most 20 bytes of ASCII.
 * @returns 20 bytes.
 * @throws {RangeError} When the prefix is longer than 20 bytes.
 *
 * @example
 * ```ts
 * import { clientName, makePeerId } from "./peer_id.ts";
 * const id = makePeerId("-SE0102-");
 * console.assert(id.length === 20);
 * console.assert(clientName(id) === "seed 0.1.0.2");
 * ```
 */
export function makePeerId(prefix = "-SE0001-"): Uint8Array {
  const head = new TextEncoder().encode(prefix);
  if (head.length > 20) throw new RangeError(`Peer id prefix "${prefix}" is over 20 bytes`);
  const id = new Uint8Array(20);
  id.set(head);
  crypto.getRandomValues(id.subarray(head.length));
  return id;
}

/**
 * Names the client behind a peer id: Azureus style (`-TR2940-` is
 * "Transmission 2.94"), Shadow style (`T03I-----` is "BitTornado 0.3.18"),
 * Mainline (`M7-4-3--`) and aria2 (`A2-1-35-0-`); anything else is the id
 * in hexadecimal.
 *
 * @param peerId The 20-byte peer id.
 * @returns A display name with the version when it is known.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { clientName } from "./peer_id.ts";
 *
 * strictEqual(clientName(new TextEncoder().encode("-TR2940-k8hj0wgej6ch")), "Transmission 2.94");
 * strictEqual(clientName(new TextEncoder().encode("-qB4630-k8hj0wgej6ch")), "qBittorrent 4.6.3");
 * strictEqual(clientName(new Uint8Array(20).fill(0xab)), "ab".repeat(20));
 * ```
 */
export function clientName(peerId: Uint8Array): string {
  const text = latin1.decode(peerId);
  const azureus = /^-([A-Za-z0-9~]{2})([0-9A-Za-z]{4})-/.exec(text);
  if (azureus) return azureusName(azureus[1]!, azureus[2]!);
  const dashed = /^(M|A2-)(\d+)-(\d+)-(\d+)-/.exec(text);
  if (dashed) return `${dashed[1] === "M" ? "BitTorrent" : "aria2"} ${dashed.slice(2).join(".")}`;
  const shadow = /^([AOQRSTU])([0-9A-Za-z.]{3})---/.exec(text);
  if (shadow) {
    const parts = [...shadow[2]!].map((c) => SHADOW_DIGITS.indexOf(c));
    return `${SHADOW[shadow[1]!]} ${parts.join(".")}`;
  }
  return toHex(peerId);
}

function azureusName(code: string, version: string): string {
  const name = AZUREUS[code] ?? code;
  const [a, b, c, d] = [...version].map(digit) as [number, number, number, number];
  if (code === "TR" && a < 4) return `${name} ${a}.${b}${c}`; // -TR2940- is 2.94
  const fourth = /[1-9]/.test(version[3]!) ? `.${d}` : ""; // µTorrent puts a letter here
  return `${name} ${a}.${b}.${c}${fourth}`;
}

/** A version character: `0`-`9`, then `A`-`Z` as 10 to 35 (libtorrent's `-LT20A0-` is 2.0.10). */
function digit(char: string): number {
  const n = parseInt(char, 36);
  return char >= "a" && char <= "z" ? n + 26 : n;
}
