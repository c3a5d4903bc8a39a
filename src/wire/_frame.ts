/**
 * Per-type rules for one framed message: which lengths are allowed, and how
 * a complete payload becomes a {@link Message}.
 *
 * @module
 */

import type { Message } from "./messages.ts";
import { WireError } from "./wire_error.ts";

/** BEP 52: a hash request's payload: pieces root, base layer, index, length, proof layers. */
export const HASH_REQUEST_BYTES = 48;

/** Payload bytes (after the id) a type allows: exact, or at least `min`. */
type Rule = { type: Message["type"]; exact: number } | { type: Message["type"]; min: number };

/** Rules by message id; ids not listed are unknown. */
const RULES: ReadonlyMap<number, Rule> = new Map<number, Rule>([
  [0, { type: "choke", exact: 0 }],
  [1, { type: "unchoke", exact: 0 }],
  [2, { type: "interested", exact: 0 }],
  [3, { type: "notInterested", exact: 0 }],
  [4, { type: "have", exact: 4 }],
  [5, { type: "bitfield", min: 0 }],
  [6, { type: "request", exact: 12 }],
  [7, { type: "piece", min: 8 }],
  [8, { type: "cancel", exact: 12 }],
  [9, { type: "port", exact: 2 }],
  [13, { type: "suggest", exact: 4 }],
  [14, { type: "haveAll", exact: 0 }],
  [15, { type: "haveNone", exact: 0 }],
  [16, { type: "reject", exact: 12 }],
  [17, { type: "allowedFast", exact: 4 }],
  [20, { type: "extended", min: 1 }],
  [21, { type: "hashRequest", exact: HASH_REQUEST_BYTES }],
  [22, { type: "hashes", min: HASH_REQUEST_BYTES }],
  [23, { type: "hashReject", exact: HASH_REQUEST_BYTES }],
]);

/** Bytes in the bitfield of `pieceCount` pieces. */
export function bitfieldBytes(pieceCount: number): number {
  return Math.ceil(pieceCount / 8);
}

/**
 * Checks a message's id and length before its payload is buffered.
 *
 * @param id The message id.
 * @param length The length prefix (id byte included), at least 1.
 * @param pieceCount The torrent's piece count, or `null` when unknown.
 * @returns The payload length.
 * @throws {WireError} `unknown-message`, `bad-length` or `bad-bitfield`.
 */
export function checkFrame(id: number, length: number, pieceCount: number | null): number {
  const rule = RULES.get(id);
  if (!rule) throw new WireError("unknown-message", `message id ${id} (length ${length})`);
  const payload = length - 1;
  if (rule.type === "bitfield" && pieceCount !== null && payload !== bitfieldBytes(pieceCount)) {
    throw new WireError(
      "bad-bitfield",
      `${payload} bytes for ${pieceCount} pieces (expected ${bitfieldBytes(pieceCount)})`,
    );
  }
  if (
    "exact" in rule ? payload !== rule.exact : payload < rule.min ||
      (rule.type === "hashes" && (payload - HASH_REQUEST_BYTES) % 32 !== 0)
  ) {
    throw new WireError("bad-length", `${rule.type} with length ${length}`);
  }
  return payload;
}

/**
 * Turns a complete payload into a message. Byte fields are views of
 * `payload`, not copies.
 *
 * @param id A message id that passed {@link checkFrame}.
 * @param payload The bytes after the id.
 * @param pieceCount The torrent's piece count, or `null` when unknown.
 * @returns The message.
 * @throws {WireError} `bad-bitfield` when spare bits are set.
 */
export function parsePayload(id: number, payload: Uint8Array, pieceCount: number | null): Message {
  const type = RULES.get(id)!.type;
  switch (type) {
    case "have":
    case "suggest":
    case "allowedFast":
      return { type, index: read32(payload, 0) };
    case "bitfield":
      if (pieceCount !== null) checkSpareBits(payload, pieceCount);
      return { type, bits: payload };
    case "request":
    case "cancel":
    case "reject":
      return {
        type,
        index: read32(payload, 0),
        begin: read32(payload, 4),
        length: read32(payload, 8),
      };
    case "piece":
      return {
        type,
        index: read32(payload, 0),
        begin: read32(payload, 4),
        block: payload.subarray(8),
      };
    case "port":
      return { type, port: (payload[0]! << 8) | payload[1]! };
    case "extended":
      return { type, id: payload[0]!, payload: payload.subarray(1) };
    case "hashRequest":
    case "hashReject":
      return { type, ...hashRequestFields(payload) };
    case "hashes":
      return {
        type,
        ...hashRequestFields(payload),
        hashes: payload.subarray(HASH_REQUEST_BYTES),
      };
    default:
      return { type };
  }
}

/** Reads a big-endian unsigned 32-bit integer. */
export function read32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>>
    0;
}

function hashRequestFields(payload: Uint8Array) {
  return {
    piecesRoot: payload.subarray(0, 32),
    baseLayer: read32(payload, 32),
    index: read32(payload, 36),
    length: read32(payload, 40),
    proofLayers: read32(payload, 44),
  };
}

function checkSpareBits(bits: Uint8Array, pieceCount: number): void {
  const spare = bits.length * 8 - pieceCount;
  if (spare > 0 && (bits[bits.length - 1]! & ((1 << spare) - 1)) !== 0) {
    throw new WireError("bad-bitfield", `spare bits set after piece ${pieceCount - 1}`);
  }
}
