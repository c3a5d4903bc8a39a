/**
 * BEP 11 `ut_pex` messages: peers added and dropped since the last message,
 * IPv4 and IPv6, each added peer with a flags byte. A pure codec.
 *
 * @module
 */

import type { PeerAddress } from "../../../transports/mod.ts";
import { concatBytes } from "../../bytes.ts";
import { BencodeError } from "../../errors.ts";
import { parseCompactPeers } from "../../discovery/_compact.ts";
import { ipBytes } from "../../discovery/_ip.ts";
import { decodeBencode, encodeBencode } from "../../metainfo/bencode.ts";
import type { BencodeDict, BencodeValue } from "../../metainfo/types.ts";
import { WireError } from "../wire_error.ts";

/** The extension's name in the BEP 10 handshake. */
export const UT_PEX = "ut_pex";

/** BEP 11 flags of an added peer. */
export const PexFlags = Object.freeze({
  /** Prefers encrypted connections. */
  encryption: 0x01,
  /** A seed (upload only). */
  seed: 0x02,
  /** Speaks uTP. */
  utp: 0x04,
  /** Speaks ut_holepunch. */
  holepunch: 0x08,
  /** Reachable: we connected out to it. */
  reachable: 0x10,
});

/** An added peer and its flags. */
export interface PexPeer {
  /** Where it is. */
  address: PeerAddress;
  /** Sum of {@link PexFlags}. */
  flags: number;
}

/** A decoded `ut_pex` message. */
export interface PexMessage {
  /** Peers added since the last message. */
  added: PexPeer[];
  /** Peers gone since the last message. */
  dropped: PeerAddress[];
}

/**
 * Encodes a `ut_pex` message; addresses that are not IP literals are left out.
 *
 * @param message Added and dropped peers, IPv4 and IPv6 mixed.
 * @returns The payload.
 *
 * @example
 * ```ts
 * import { decodePexMessage, encodePexMessage, PexFlags } from "./ut_pex.ts";
 * const bytes = encodePexMessage({
 *   added: [{ address: { host: "::1", port: 6881 }, flags: PexFlags.seed }],
 *   dropped: [{ host: "127.0.0.1", port: 6882 }],
 * });
 * const back = decodePexMessage(bytes, 50);
 * console.assert(back.added[0]?.address.host === "::1" && back.added[0]?.flags === 2);
 * console.assert(back.dropped[0]?.port === 6882);
 * ```
 */
export function encodePexMessage(message: PexMessage): Uint8Array {
  const added = split(message.added.map((p) => ({ ...p })));
  const dropped = split(message.dropped.map((address) => ({ address, flags: 0 })));
  return encodeBencode({
    added: added[4].addresses,
    "added.f": added[4].flags,
    added6: added[6].addresses,
    "added6.f": added[6].flags,
    dropped: dropped[4].addresses,
    dropped6: dropped[6].addresses,
  });
}

/**
 * Decodes a `ut_pex` message.
 *
 * @param payload The extended message's payload.
 * @param maxPeers Most added plus dropped peers accepted in one message.
 * @returns Added (with flags; 0 where the flags are missing) and dropped peers.
 * @throws {WireError} `bad-extension-message` for a payload that is not a
 * dictionary, compact peers of the wrong length, or more peers than `maxPeers`.
 */
export function decodePexMessage(payload: Uint8Array, maxPeers: number): PexMessage {
  let value: BencodeValue;
  try {
    value = decodeBencode(payload, { maxBencodeDepth: 4 }).value;
  } catch (error) {
    if (error instanceof BencodeError) fail(error.message);
    throw error;
  }
  if (typeof value !== "object" || value instanceof Uint8Array || Array.isArray(value)) {
    fail("not a dictionary");
  }
  const added = [...withFlags(value, "added", 4), ...withFlags(value, "added6", 6)];
  const dropped = [...compact(value, "dropped", 4), ...compact(value, "dropped6", 6)];
  if (added.length + dropped.length > maxPeers) {
    fail(`${added.length + dropped.length} peers in one message, over ${maxPeers}`);
  }
  return { added, dropped };
}

function split(peers: PexPeer[]) {
  const out = {
    4: { addresses: [] as Uint8Array[], flags: [] as number[] },
    6: { addresses: [] as Uint8Array[], flags: [] as number[] },
  };
  for (const { address, flags } of peers) {
    const ip = ipBytes(address.host);
    if (!ip) continue;
    const family = out[ip.length === 4 ? 4 : 6];
    family.addresses.push(ip, Uint8Array.of(address.port >> 8, address.port & 0xff));
    family.flags.push(flags);
  }
  return {
    4: { addresses: concatBytes(out[4].addresses), flags: Uint8Array.from(out[4].flags) },
    6: { addresses: concatBytes(out[6].addresses), flags: Uint8Array.from(out[6].flags) },
  };
}

function compact(dict: BencodeDict, key: string, family: 4 | 6): PeerAddress[] {
  const bytes = dict[key];
  if (bytes === undefined) return [];
  if (!(bytes instanceof Uint8Array)) fail(`${key} is not a byte string`);
  const peers = parseCompactPeers(bytes, family);
  if (!peers) fail(`${key} is ${bytes.length} bytes, not whole peers`);
  return peers;
}

function withFlags(dict: BencodeDict, key: string, family: 4 | 6): PexPeer[] {
  const bytes = dict[key];
  const flags = dict[`${key}.f`];
  const flagBytes = flags instanceof Uint8Array ? flags : new Uint8Array();
  const size = family === 4 ? 6 : 18;
  const out: PexPeer[] = [];
  // Flags follow the compact entries one for one; entries with port 0 are skipped when parsing.
  if (bytes instanceof Uint8Array && bytes.length % size === 0) {
    for (let i = 0; i * size < bytes.length; i++) {
      const [address] = parseCompactPeers(bytes.subarray(i * size, (i + 1) * size), family)!;
      if (address) out.push({ address, flags: flagBytes[i] ?? 0 });
    }
    return out;
  }
  return compact(dict, key, family).map((address) => ({ address, flags: 0 }));
}

function fail(detail: string): never {
  throw new WireError("bad-extension-message", `ut_pex: ${detail}`);
}
