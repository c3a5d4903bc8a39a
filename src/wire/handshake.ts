/**
 * The BitTorrent handshake (BEP 3): `\x13BitTorrent protocol`, 8 reserved
 * bytes whose bits announce extensions, the 20-byte info hash and the
 * 20-byte peer id — 68 bytes in all.
 *
 * @module
 */

import { WireError } from "./wire_error.ts";

/**
 * Bytes in a handshake.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeHandshake, HANDSHAKE_BYTES } from "./handshake.ts";
 *
 * const zeros = (n: number) => new Uint8Array(n);
 * const bytes = encodeHandshake({ reserved: zeros(8), infoHash: zeros(20), peerId: zeros(20) });
 * strictEqual(bytes.length, HANDSHAKE_BYTES);
 * ```
 */
export const HANDSHAKE_BYTES = 68;

/** `\x13BitTorrent protocol`: the length-prefixed protocol name. */
const PROTOCOL = new TextEncoder().encode("\x13BitTorrent protocol");

/**
 * Whether some bytes start like a handshake: byte 19, then "BitTorrent protocol".
 *
 * @param bytes At least the first 20 bytes of a stream.
 * @returns True for a plain BitTorrent handshake (and not an MSE one).
 */
export function startsLikeHandshake(bytes: Uint8Array): boolean {
  if (bytes.length < PROTOCOL.length) return false;
  for (let i = 0; i < PROTOCOL.length; i++) if (bytes[i] !== PROTOCOL[i]) return false;
  return true;
}

/**
 * The extension bits of the reserved bytes this library knows.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { type HandshakeFlags, readFlags, reservedBytes } from "./handshake.ts";
 *
 * const flags: HandshakeFlags = { dht: false, fast: true, v2: false, extended: true };
 * deepStrictEqual(readFlags(reservedBytes(flags)), flags);
 * ```
 */
export interface HandshakeFlags {
  /** BEP 5 DHT: `reserved[7] & 0x01`. */
  dht: boolean;
  /** BEP 6 fast extension: `reserved[7] & 0x04`. */
  fast: boolean;
  /** BEP 52 upgrade to v2: `reserved[7] & 0x10`. */
  v2: boolean;
  /** BEP 10 extension protocol: `reserved[5] & 0x10`. */
  extended: boolean;
}

/**
 * A handshake, as sent or received.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { encodeHandshake, type Handshake, parseHandshake, reservedBytes } from "./handshake.ts";
 *
 * const handshake: Handshake = {
 *   reserved: reservedBytes({ extended: true }),
 *   infoHash: new Uint8Array(20).fill(1),
 *   peerId: new Uint8Array(20).fill(2),
 * };
 * deepStrictEqual(parseHandshake(encodeHandshake(handshake)), handshake);
 * ```
 */
export interface Handshake {
  /** The 8 reserved bytes, bits unknown to us included. */
  reserved: Uint8Array;
  /** The 20-byte info hash (a v2 hash truncated to 20 bytes). */
  infoHash: Uint8Array;
  /** The sender's 20-byte peer id. */
  peerId: Uint8Array;
}

/** [byte, mask] of each flag in the reserved bytes. */
const BITS: Record<keyof HandshakeFlags, readonly [number, number]> = {
  dht: [7, 0x01],
  fast: [7, 0x04],
  v2: [7, 0x10],
  extended: [5, 0x10],
};

/**
 * Reserved bytes with the given extension bits set.
 *
 * @param flags The extensions to announce; missing ones are off.
 * @returns 8 bytes.
 *
 * @example
 * ```ts
 * import { reservedBytes } from "./handshake.ts";
 * const reserved = reservedBytes({ fast: true, extended: true });
 * console.assert(reserved[5] === 0x10 && reserved[7] === 0x04);
 * ```
 */
export function reservedBytes(flags: Partial<HandshakeFlags>): Uint8Array {
  const reserved = new Uint8Array(8);
  for (const [name, [at, mask]] of Object.entries(BITS)) {
    if (flags[name as keyof HandshakeFlags]) reserved[at]! |= mask;
  }
  return reserved;
}

/**
 * The extension bits set in some reserved bytes.
 *
 * @param reserved 8 reserved bytes from a handshake.
 * @returns Which known extensions they announce.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { readFlags } from "./handshake.ts";
 *
 * const reserved = new Uint8Array([0, 0, 0, 0, 0, 0x10, 0, 0x05]);
 * deepStrictEqual(readFlags(reserved), { dht: true, fast: true, v2: false, extended: true });
 * ```
 */
export function readFlags(reserved: Uint8Array): HandshakeFlags {
  const has = ([at, mask]: readonly [number, number]) => ((reserved[at] ?? 0) & mask) !== 0;
  return {
    dht: has(BITS.dht),
    fast: has(BITS.fast),
    v2: has(BITS.v2),
    extended: has(BITS.extended),
  };
}

/**
 * Encodes a handshake.
 *
 * @param handshake Reserved bytes (8), info hash (20) and peer id (20).
 * @returns 68 bytes.
 * @throws {RangeError} When a field has the wrong length.
 *
 * @example
 * ```ts
 * import { encodeHandshake, parseHandshake, reservedBytes } from "./handshake.ts";
 * const infoHash = new Uint8Array(20).fill(1);
 * const peerId = new Uint8Array(20).fill(2);
 * const bytes = encodeHandshake({ reserved: reservedBytes({ fast: true }), infoHash, peerId });
 * console.assert(bytes.length === 68 && bytes[0] === 19);
 * console.assert(parseHandshake(bytes).peerId[0] === 2);
 * ```
 */
export function encodeHandshake(handshake: Handshake): Uint8Array {
  const { reserved, infoHash, peerId } = handshake;
  if (reserved.length !== 8 || infoHash.length !== 20 || peerId.length !== 20) {
    throw new RangeError(
      `Cannot encode handshake: reserved, info hash and peer id must be 8, 20 and 20 bytes, ` +
        `got ${reserved.length}, ${infoHash.length} and ${peerId.length}`,
    );
  }
  const out = new Uint8Array(HANDSHAKE_BYTES);
  out.set(PROTOCOL, 0);
  out.set(reserved, 20);
  out.set(infoHash, 28);
  out.set(peerId, 48);
  return out;
}

/**
 * Parses a handshake. The fields are copies, independent of `bytes`.
 *
 * @param bytes Exactly 68 bytes.
 * @returns The reserved bytes, info hash and peer id.
 * @throws {WireError} `bad-handshake` when the length or protocol name is wrong.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { encodeHandshake, parseHandshake } from "./handshake.ts";
 *
 * const infoHash = new Uint8Array(20).fill(1);
 * const bytes = encodeHandshake({ reserved: new Uint8Array(8), infoHash, peerId: new Uint8Array(20) });
 * deepStrictEqual(parseHandshake(bytes).infoHash, infoHash);
 * throws(() => parseHandshake(bytes.subarray(1)), { reason: "bad-handshake" });
 * ```
 */
export function parseHandshake(bytes: Uint8Array): Handshake {
  if (bytes.length !== HANDSHAKE_BYTES) {
    throw new WireError("bad-handshake", `expected 68 bytes, got ${bytes.length}`);
  }
  if (!startsLikeHandshake(bytes)) {
    throw new WireError("bad-handshake", "not the BitTorrent protocol");
  }
  return {
    reserved: bytes.slice(20, 28),
    infoHash: bytes.slice(28, 48),
    peerId: bytes.slice(48, 68),
  };
}
