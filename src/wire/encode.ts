/**
 * Encodes peer wire messages into the exact bytes sent: a 4-byte big-endian
 * length, the message id, the payload.
 *
 * @module
 */

import { HASH_REQUEST_BYTES } from "./_frame.ts";
import { type HashRequestMessage, type Message, MessageId } from "./messages.ts";

/**
 * Bytes before a `piece` message's block: length, id, index, begin.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeMessage, PIECE_HEADER_BYTES } from "./encode.ts";
 *
 * const block = new Uint8Array(100);
 * const bytes = encodeMessage({ type: "piece", index: 0, begin: 0, block });
 * strictEqual(bytes.length, PIECE_HEADER_BYTES + block.length);
 * ```
 */
export const PIECE_HEADER_BYTES = 13;

const KEEP_ALIVE = new Uint8Array(4);

/**
 * Encodes one message into a new buffer. A `piece` block is copied once,
 * straight into place.
 *
 * @param message The message.
 * @returns The bytes to send.
 * @throws {RangeError} When a number does not fit its field (a piece index,
 * offset or length outside 0 to 2^32 - 1, a port or extended id out of range).
 *
 * @example
 * ```ts
 * import { encodeMessage } from "./encode.ts";
 * const bytes = encodeMessage({ type: "have", index: 258 });
 * console.assert(bytes.join() === "0,0,0,5,4,0,0,1,2");
 * ```
 */
export function encodeMessage(message: Message): Uint8Array {
  switch (message.type) {
    case "keepAlive":
      return KEEP_ALIVE.slice();
    case "choke":
    case "unchoke":
    case "interested":
    case "notInterested":
    case "haveAll":
    case "haveNone":
      return frame(MessageId[message.type], 0);
    case "have":
    case "suggest":
    case "allowedFast": {
      const out = frame(MessageId[message.type], 4);
      put32(out, 5, message.index, "index");
      return out;
    }
    case "bitfield": {
      const out = frame(MessageId.bitfield, message.bits.length);
      out.set(message.bits, 5);
      return out;
    }
    case "request":
    case "cancel":
    case "reject": {
      const out = frame(MessageId[message.type], 12);
      put32(out, 5, message.index, "index");
      put32(out, 9, message.begin, "begin");
      put32(out, 13, message.length, "length");
      return out;
    }
    case "piece": {
      const out = new Uint8Array(PIECE_HEADER_BYTES + message.block.length);
      writePieceHeader(out, message.index, message.begin, message.block.length);
      out.set(message.block, PIECE_HEADER_BYTES);
      return out;
    }
    case "port": {
      const out = frame(MessageId.port, 2);
      checkRange(message.port, 0xffff, "port");
      out[5] = message.port >>> 8;
      out[6] = message.port & 0xff;
      return out;
    }
    case "extended": {
      checkRange(message.id, 0xff, "extended id");
      const out = frame(MessageId.extended, 1 + message.payload.length);
      out[5] = message.id;
      out.set(message.payload, 6);
      return out;
    }
    case "hashRequest":
    case "hashReject":
      return hashFrame(message, new Uint8Array(0));
    case "hashes":
      return hashFrame(message, message.hashes);
  }
}

/** A BEP 52 hash message: the request's fields, then `hashes`. */
function hashFrame(
  message: Omit<HashRequestMessage, "type"> & { type: HashRequestMessage["type"] | "hashes" },
  hashes: Uint8Array,
): Uint8Array {
  if (message.piecesRoot.length !== 32) throw new RangeError("pieces root must be 32 bytes");
  const out = frame(MessageId[message.type], HASH_REQUEST_BYTES + hashes.length);
  out.set(message.piecesRoot, 5);
  put32(out, 37, message.baseLayer, "base layer");
  put32(out, 41, message.index, "index");
  put32(out, 45, message.length, "length");
  put32(out, 49, message.proofLayers, "proof layers");
  out.set(hashes, 5 + HASH_REQUEST_BYTES);
  return out;
}

/**
 * Encodes just the 13-byte header of a `piece` message, so a block can be
 * sent after it without being copied.
 *
 * @param index Piece index.
 * @param begin Offset of the block within the piece.
 * @param blockLength Length of the block that follows.
 * @returns 13 bytes.
 * @throws {RangeError} When a number does not fit 32 bits.
 *
 * @example
 * ```ts
 * import { encodePieceHeader } from "./encode.ts";
 * const header = encodePieceHeader(1, 16384, 16384);
 * console.assert(header.join() === "0,0,64,9,7,0,0,0,1,0,0,64,0");
 * ```
 */
export function encodePieceHeader(index: number, begin: number, blockLength: number): Uint8Array {
  const out = new Uint8Array(PIECE_HEADER_BYTES);
  writePieceHeader(out, index, begin, blockLength);
  return out;
}

function writePieceHeader(out: Uint8Array, index: number, begin: number, blockLength: number) {
  put32(out, 0, 9 + blockLength, "block length");
  out[4] = MessageId.piece;
  put32(out, 5, index, "index");
  put32(out, 9, begin, "begin");
}

/** A buffer holding the length prefix and id for a payload of `payloadLength`. */
function frame(id: number, payloadLength: number): Uint8Array {
  const out = new Uint8Array(5 + payloadLength);
  put32(out, 0, 1 + payloadLength, "message length");
  out[4] = id;
  return out;
}

function put32(out: Uint8Array, at: number, value: number, field: string): void {
  checkRange(value, 0xffffffff, field);
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

function checkRange(value: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`Cannot encode peer wire message: ${field} ${value} is not in 0..${max}`);
  }
}
