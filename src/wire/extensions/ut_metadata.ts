/**
 * BEP 9 `ut_metadata` messages: request, data and reject for 16 KiB pieces
 * of a torrent's info dictionary. A pure codec; the fetch and serve logic
 * lives with the torrent.
 *
 * @module
 */

import { concatBytes } from "../../bytes.ts";
import { BencodeError } from "../../errors.ts";
import { decodeBencode, encodeBencode } from "../../metainfo/bencode.ts";
import type { BencodeValue } from "../../metainfo/types.ts";
import { WireError } from "../wire_error.ts";

/** The extension's name in the BEP 10 handshake. */
export const UT_METADATA = "ut_metadata";
/** Bytes in every metadata piece but the last. */
export const METADATA_PIECE_BYTES = 16384;
/** Longest bencoded header we look for before a data message's payload. */
const MAX_HEADER_BYTES = 256;

/** A decoded `ut_metadata` message. */
export type MetadataMessage =
  | { type: "request"; piece: number }
  | { type: "data"; piece: number; totalSize: number; data: Uint8Array }
  | { type: "reject"; piece: number };

const TYPE_CODES = { request: 0, data: 1, reject: 2 } as const;

/**
 * Encodes a `ut_metadata` message payload (without the extended header).
 *
 * @param message The message.
 * @returns The payload.
 *
 * @example
 * ```ts
 * import { decodeMetadataMessage, encodeMetadataMessage } from "./ut_metadata.ts";
 * const bytes = encodeMetadataMessage({ type: "request", piece: 2 });
 * console.assert(new TextDecoder().decode(bytes) === "d8:msg_typei0e5:piecei2ee");
 * console.assert(decodeMetadataMessage(bytes).piece === 2);
 * ```
 */
export function encodeMetadataMessage(message: MetadataMessage): Uint8Array {
  const head = { msg_type: TYPE_CODES[message.type], piece: message.piece };
  if (message.type !== "data") return encodeBencode(head);
  return concatBytes([encodeBencode({ ...head, total_size: message.totalSize }), message.data]);
}

/**
 * Decodes a `ut_metadata` message payload.
 *
 * @param payload The extended message's payload.
 * @returns The message; unknown keys are ignored.
 * @throws {WireError} `bad-extension-message` for a payload that is not a
 * valid message (no dictionary, unknown type, missing or negative fields).
 */
export function decodeMetadataMessage(payload: Uint8Array): MetadataMessage {
  const { head, end } = readHead(payload);
  const type = head.msg_type;
  const piece = head.piece;
  if (!isCount(piece)) fail("piece is not a non-negative integer");
  if (type === 0 || type === 2) {
    if (end !== payload.length) fail("bytes after a request or reject");
    return { type: type === 0 ? "request" : "reject", piece };
  }
  if (type !== 1) fail(`unknown msg_type ${String(type)}`);
  const totalSize = head.total_size;
  if (!isCount(totalSize)) fail("data without a non-negative total_size");
  return { type: "data", piece, totalSize, data: payload.subarray(end) };
}

/**
 * The number of pieces metadata of a size is cut into.
 *
 * @param size Bytes in the info dictionary.
 * @returns The piece count.
 */
export function metadataPieceCount(size: number): number {
  return Math.ceil(size / METADATA_PIECE_BYTES);
}

/** Bytes in one metadata piece. */
export function metadataPieceLength(size: number, piece: number): number {
  return Math.min(METADATA_PIECE_BYTES, size - piece * METADATA_PIECE_BYTES);
}

/** The bencoded dictionary at the start: bencode is prefix-free, so exactly one prefix decodes. */
function readHead(payload: Uint8Array): { head: Record<string, BencodeValue>; end: number } {
  const last = Math.min(payload.length, MAX_HEADER_BYTES);
  for (let end = 2; end <= last; end++) {
    if (payload[end - 1] !== 0x65) continue; // a dictionary ends with "e"
    let value: BencodeValue;
    try {
      value = decodeBencode(payload.subarray(0, end), { maxBencodeDepth: 4 }).value;
    } catch (error) {
      if (error instanceof BencodeError) continue;
      throw error;
    }
    if (typeof value !== "object" || value instanceof Uint8Array || Array.isArray(value)) break;
    return { head: value, end };
  }
  fail("no bencoded dictionary at the start");
}

function isCount(value: BencodeValue | undefined): value is number {
  return typeof value === "number" && value >= 0;
}

function fail(detail: string): never {
  throw new WireError("bad-extension-message", `ut_metadata: ${detail}`);
}
