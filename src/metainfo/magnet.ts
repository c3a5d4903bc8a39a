/**
 * Magnet URIs for BitTorrent (BEP 9, BEP 52 `btmh`, BEP 53 `so`): parse and
 * format.
 *
 * @module
 */

import { toHex } from "../bytes.ts";
import { MagnetError } from "../errors.ts";
import { decodeBase32 } from "./base32.ts";

/**
 * A parsed magnet link.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { formatMagnet, type Magnet, parseMagnet } from "./magnet.ts";
 *
 * const magnet: Magnet = {
 *   infoHash: "c".repeat(40),
 *   infoHashV2: null,
 *   name: "demo",
 *   trackers: ["udp://127.0.0.1:6969"],
 *   webSeeds: [],
 *   peers: ["127.0.0.1:6881"],
 *   select: null,
 *   length: null,
 *   extra: [],
 * };
 * deepStrictEqual(parseMagnet(formatMagnet(magnet)), magnet);
 * ```
 */
export interface Magnet {
  /** v1 info hash (`xt=urn:btih:`) as lower-case hex (40), or `null`. */
  infoHash: string | null;
  /** v2 info hash (`xt=urn:btmh:1220...`): lower-case hex (64) of the SHA-256 digest, without the multihash prefix, or `null`. */
  infoHashV2: string | null;
  /** Display name (`dn`), or `null`. */
  name: string | null;
  /** Tracker URLs (`tr`), in order, without duplicates. */
  trackers: string[];
  /** Web seed URLs (`ws`), in order, without duplicates. */
  webSeeds: string[];
  /** Peer addresses (`x.pe`) as given: `host:port` or `[v6]:port`. */
  peers: string[];
  /** Selected file indexes (`so`), expanded, sorted and unique, or `null`. */
  select: number[] | null;
  /** Exact length in bytes (`xl`), or `null`. */
  length: number | null;
  /** Unknown parameters (and non-BitTorrent `xt`s) as `[key, value]`, in order. */
  extra: [string, string][];
}

/** Most file indexes one magnet may select (counted before merging ranges). */
const MAX_SELECT = 1_000_000;
/** Keys with a field of their own; an index suffix (`tr.1`) is ignored. */
const KNOWN = /^(xt|dn|tr|ws|x\.pe|so|xl)(?:\.\d+)?$/;
const BT_XT = /^urn:bt(?:ih|mh):/i;
const HOST = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?$/;

/**
 * Whether some text is a magnet URI, judged by its scheme alone.
 *
 * @param text Any text, such as a command-line argument.
 * @returns `true` when it starts with `magnet:` in any case.
 *
 * @example
 * ```ts
 * import { isMagnet } from "./magnet.ts";
 * console.assert(isMagnet("MAGNET:?xt=urn:btih:..."));
 * console.assert(!isMagnet("file.torrent"));
 * ```
 */
export function isMagnet(text: string): boolean {
  return /^magnet:/i.test(text);
}

/**
 * Parses a BitTorrent magnet URI. Values are percent-decoded with `+` as a
 * space; indexed keys (`tr.1`, `xt.2`) count as the plain key; repeated
 * `tr`, `ws` and `x.pe` values are kept once; the first `dn` wins.
 *
 * @param uri The magnet URI.
 * @returns The parsed magnet.
 * @throws {MagnetError} When the URI is malformed, has no BitTorrent `xt`,
 * or has a bad `xt`, `x.pe`, `so` or `xl`; the message names the parameter.
 *
 * @example
 * ```ts
 * import { parseMagnet } from "./magnet.ts";
 * const m = parseMagnet(
 *   "magnet:?xt=urn:btih:C12FE1C06BBA254A9DC9F519B335AA7C1367A88A&dn=a+b&so=0,2-3",
 * );
 * console.assert(m.infoHash === "c12fe1c06bba254a9dc9f519b335aa7c1367a88a");
 * console.assert(m.name === "a b" && m.select?.join() === "0,2,3");
 * ```
 */
export function parseMagnet(uri: string): Magnet {
  if (!isMagnet(uri)) {
    throw new MagnetError(`does not start with "magnet:": ${show(uri)}`);
  }
  if (uri[7] !== "?") throw new MagnetError(`expected "?" after "magnet:"`);
  const m: Magnet = {
    infoHash: null,
    infoHashV2: null,
    name: null,
    trackers: [],
    webSeeds: [],
    peers: [],
    select: null,
    length: null,
    extra: [],
  };
  const seen = new Set<string>();
  const addOnce = (list: string[], kind: string, value: string) => {
    if (seen.has(kind + value)) return;
    seen.add(kind + value);
    list.push(value);
  };
  const selection: Selection = { ranges: [], count: 0 };
  for (const part of uri.slice(8).split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = decode(eq < 0 ? part : part.slice(0, eq), "a parameter name");
    const value = decode(eq < 0 ? "" : part.slice(eq + 1), `"${key}"`);
    switch (KNOWN.exec(key)?.[1]) {
      case "xt":
        if (!readXt(m, key, value)) m.extra.push([key, value]);
        break;
      case "dn":
        m.name ??= value;
        break;
      case "tr":
        if (value !== "") addOnce(m.trackers, "tr ", value);
        break;
      case "ws":
        if (value !== "") addOnce(m.webSeeds, "ws ", value);
        break;
      case "x.pe": {
        const problem = peerProblem(value);
        if (problem !== null) {
          throw new MagnetError(`"${key}" ${problem}: ${show(value)}`);
        }
        addOnce(m.peers, "pe ", value);
        break;
      }
      case "so":
        readSelect(selection, key, value);
        break;
      case "xl": {
        const n = /^\d+$/.test(value) ? Number(value) : NaN;
        if (!Number.isSafeInteger(n)) {
          throw new MagnetError(
            `"${key}" must be a non-negative integer: ${show(value)}`,
          );
        }
        if (m.length !== null && m.length !== n) {
          throw new MagnetError(`"${key}" given twice: ${m.length} and ${n}`);
        }
        m.length = n;
        break;
      }
      default:
        m.extra.push([key, value]);
    }
  }
  if (m.infoHash === null && m.infoHashV2 === null) {
    throw new MagnetError(
      `no "xt" parameter with urn:btih: or urn:btmh: (needs an info hash)`,
    );
  }
  if (selection.ranges.length > 0) m.select = expand(selection.ranges);
  return m;
}

/**
 * Formats a magnet as a URI: `xt` (btih, then btmh), `dn`, `xl`, `tr`s,
 * `ws`s, `x.pe`s, `so` (as ranges), then the extra parameters. Parsing the
 * result gives back an equal magnet whenever the magnet is one
 * {@link parseMagnet} could have returned.
 *
 * @param magnet The magnet to write.
 * @returns The magnet URI.
 * @throws {TypeError} When there is no info hash, a hash is not hex of the
 * right length, a peer address is malformed, text is not well-formed Unicode
 * or an extra parameter would be read back as a known field.
 * @throws {RangeError} When `length` or a `select` index is not a
 * non-negative safe integer, or `select` is empty or too large.
 *
 * @example
 * ```ts
 * import { formatMagnet, parseMagnet } from "./magnet.ts";
 * const uri = formatMagnet({
 *   ...parseMagnet("magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a"),
 *   name: "a&b",
 *   select: [0, 2, 3, 4],
 * });
 * console.assert(
 *   uri === "magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&dn=a%26b&so=0,2-4",
 * );
 * ```
 */
export function formatMagnet(magnet: Magnet): string {
  const { infoHash, infoHashV2, name, length, select } = magnet;
  if (infoHash === null && infoHashV2 === null) {
    throw new TypeError("Cannot format magnet: no infoHash or infoHashV2");
  }
  const parts: string[] = [];
  if (infoHash !== null) parts.push(`xt=urn:btih:${hex(infoHash, 40)}`);
  if (infoHashV2 !== null) {
    parts.push(`xt=urn:btmh:1220${hex(infoHashV2, 64)}`);
  }
  if (name !== null) parts.push(`dn=${encode(name)}`);
  if (length !== null) {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`Cannot format magnet: bad length ${length}`);
    }
    parts.push(`xl=${length}`);
  }
  for (const t of magnet.trackers) if (t !== "") parts.push(`tr=${encode(t)}`);
  for (const w of magnet.webSeeds) if (w !== "") parts.push(`ws=${encode(w)}`);
  for (const p of magnet.peers) {
    const problem = peerProblem(p);
    if (problem !== null) {
      throw new TypeError(`Cannot format magnet: peer ${problem}: ${show(p)}`);
    }
    parts.push(`x.pe=${encode(p)}`);
  }
  if (select !== null) parts.push(`so=${compress(select)}`);
  for (const [key, value] of magnet.extra) {
    const known = KNOWN.exec(key)?.[1];
    if (known !== undefined && (known !== "xt" || BT_XT.test(value))) {
      throw new TypeError(
        `Cannot format magnet: extra parameter "${key}" would be read as a field`,
      );
    }
    parts.push(`${encode(key)}=${encode(value)}`);
  }
  return `magnet:?${parts.join("&")}`;
}

/** Reads a BitTorrent `xt` into `m`; returns `false` for other URNs. */
function readXt(m: Magnet, key: string, value: string): boolean {
  const urn = value.slice(0, 9).toLowerCase();
  if (urn === "urn:btih:") {
    const hash = btih(key, value.slice(9));
    if (m.infoHash !== null && m.infoHash !== hash) {
      throw new MagnetError(
        `"${key}" gives a second, different btih: ${m.infoHash} and ${hash}`,
      );
    }
    m.infoHash = hash;
    return true;
  }
  if (urn === "urn:btmh:") {
    const text = value.slice(9);
    if (text.slice(0, 4) !== "1220") {
      throw new MagnetError(
        `"${key}" btmh must be a sha2-256 multihash starting "1220": ${show(text)}`,
      );
    }
    const digest = text.slice(4);
    if (digest.length !== 64 || !/^[0-9a-f]*$/i.test(digest)) {
      throw new MagnetError(
        `"${key}" btmh digest after "1220" must be 64 hex digits, got ${show(digest)}`,
      );
    }
    const hash = digest.toLowerCase();
    if (m.infoHashV2 !== null && m.infoHashV2 !== hash) {
      throw new MagnetError(
        `"${key}" gives a second, different btmh: ${m.infoHashV2} and ${hash}`,
      );
    }
    m.infoHashV2 = hash;
    return true;
  }
  return false;
}

/** A v1 info hash from 40 hex or 32 base32 characters, as lower-case hex. */
function btih(key: string, text: string): string {
  if (text.length === 40) {
    if (/^[0-9a-f]{40}$/i.test(text)) return text.toLowerCase();
    throw new MagnetError(`"${key}" btih is not 40 hex digits: ${show(text)}`);
  }
  if (text.length === 32) {
    try {
      return toHex(decodeBase32(text));
    } catch {
      throw new MagnetError(
        `"${key}" btih is not 32 base32 characters: ${show(text)}`,
      );
    }
  }
  throw new MagnetError(
    `"${key}" btih must be 40 hex or 32 base32 characters, got ${text.length}: ${show(text)}`,
  );
}

/** The `so` ranges read so far, and how many indexes they cover. */
interface Selection {
  ranges: [number, number][];
  count: number;
}

/** Adds the ranges of a BEP 53 `so` list (`0,2,4-6`) to the selection. */
function readSelect(selection: Selection, key: string, value: string) {
  for (const item of value.split(",")) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(item);
    const lo = Number(match?.[1]);
    const hi = match?.[2] === undefined ? lo : Number(match[2]);
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) {
      throw new MagnetError(
        `"${key}" must be indexes and ranges like "0,2,4-6", got ${show(item)} in ${show(value)}`,
      );
    }
    if (hi < lo) {
      throw new MagnetError(`"${key}" has a reversed range ${show(item)}`);
    }
    selection.count += hi - lo + 1;
    if (selection.count > MAX_SELECT) {
      throw new MagnetError(
        `"${key}" selects more than ${MAX_SELECT} files: ${show(value)}`,
      );
    }
    selection.ranges.push([lo, hi]);
  }
}

/** The sorted, unique indexes covered by some ranges. */
function expand(ranges: [number, number][]): number[] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    for (let i = Math.max(lo, next); i <= hi; i++) out.push(i);
    next = Math.max(next, hi + 1);
  }
  return out;
}

/** Writes indexes as a `so` list, runs of three or more as ranges. */
function compress(select: readonly number[]): string {
  for (const i of select) {
    if (!Number.isSafeInteger(i) || i < 0) {
      throw new RangeError(`Cannot format magnet: bad select index ${i}`);
    }
  }
  const sorted = [...new Set(select)].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.length > MAX_SELECT) {
    throw new RangeError(
      `Cannot format magnet: select has ${sorted.length} indexes (1 to ${MAX_SELECT} allowed)`,
    );
  }
  const items: string[] = [];
  for (let i = 0; i < sorted.length;) {
    const lo = sorted[i] as number;
    let j = i;
    while (sorted[j + 1] === (sorted[j] as number) + 1) j++;
    const hi = sorted[j] as number;
    if (hi === lo) items.push(`${lo}`);
    else if (hi === lo + 1) items.push(`${lo}`, `${hi}`);
    else items.push(`${lo}-${hi}`);
    i = j + 1;
  }
  return items.join(",");
}

/** What is wrong with a `host:port` or `[v6]:port` address, or `null`. */
function peerProblem(text: string): string | null {
  let port: string;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    const host = text.slice(1, close);
    if (close < 0 || !isIPv6(host)) return "has a malformed [IPv6] address";
    if (text[close + 1] !== ":") return "has no port";
    port = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(":");
    if (colon < 0) return "has no port";
    const host = text.slice(0, colon);
    if (host.includes(":")) return "needs [brackets] around an IPv6 address";
    if (!HOST.test(host)) return "has a malformed host";
    port = text.slice(colon + 1);
  }
  const n = /^\d{1,5}$/.test(port) ? Number(port) : 0;
  return n >= 1 && n <= 65535 ? null : "port must be 1 to 65535";
}

function isIPv6(host: string): boolean {
  if (!/^[0-9a-f:.]+$/i.test(host) || !host.includes(":")) return false;
  try {
    new URL(`http://[${host}]/`);
    return true;
  } catch {
    return false;
  }
}

/** Percent-decodes a query component with `+` as a space; rejects lone surrogates. */
function decode(raw: string, what: string): string {
  let text: string;
  try {
    text = decodeURIComponent(raw.replaceAll("+", " "));
  } catch {
    throw new MagnetError(
      `malformed percent-encoding in ${what}: ${show(raw)}`,
    );
  }
  if (!text.isWellFormed()) {
    throw new MagnetError(`lone surrogate in ${what}: ${show(raw)}`);
  }
  return text;
}

/** Percent-encodes a query component, leaving `:` `/` `@` `,` readable. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text).replace(
      /%(3A|2F|40|2C)/g,
      (_, code: string) => String.fromCharCode(parseInt(code, 16)),
    );
  } catch {
    throw new TypeError(
      `Cannot format magnet: not well-formed Unicode: ${show(text)}`,
    );
  }
}

function hex(hash: string, digits: number): string {
  if (hash.length !== digits || !/^[0-9a-f]*$/i.test(hash)) {
    throw new TypeError(
      `Cannot format magnet: info hash must be ${digits} hex digits: ${show(hash)}`,
    );
  }
  return hash.toLowerCase();
}

/** Quotes text for an error message, cut to 80 characters. */
function show(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}
