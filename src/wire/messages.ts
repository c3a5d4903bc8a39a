/**
 * The peer wire messages (BEP 3, BEP 5 `port`, BEP 6 fast extension, BEP 10
 * extended, BEP 52 hash messages) as a discriminated union on `type`, and
 * their message ids.
 *
 * @module
 */

/**
 * The message id byte of each message type (keep-alive has none).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeMessage } from "./encode.ts";
 * import { MessageId } from "./messages.ts";
 *
 * strictEqual(MessageId.extended, 20);
 * strictEqual(encodeMessage({ type: "unchoke" })[4], MessageId.unchoke);
 * ```
 */
export const MessageId: Readonly<Record<Exclude<MessageType, "keepAlive">, number>> = Object.freeze(
  {
    choke: 0,
    unchoke: 1,
    interested: 2,
    notInterested: 3,
    have: 4,
    bitfield: 5,
    request: 6,
    piece: 7,
    cancel: 8,
    port: 9,
    suggest: 13,
    haveAll: 14,
    haveNone: 15,
    reject: 16,
    allowedFast: 17,
    extended: 20,
    hashRequest: 21,
    hashes: 22,
    hashReject: 23,
  },
);

/**
 * A message with no payload.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { MessageDecoder } from "./decoder.ts";
 * import { encodeMessage } from "./encode.ts";
 * import type { BareMessage } from "./messages.ts";
 *
 * const interested: BareMessage = { type: "interested" };
 * deepStrictEqual(encodeMessage(interested), new Uint8Array([0, 0, 0, 1, 2]));
 * deepStrictEqual(new MessageDecoder().push(encodeMessage(interested)), [interested]);
 * ```
 */
export interface BareMessage {
  /** Which one. */
  type:
    | "keepAlive"
    | "choke"
    | "unchoke"
    | "interested"
    | "notInterested"
    | "haveAll"
    | "haveNone";
}

/**
 * A message naming one piece: `have`, and BEP 6 `suggest` and `allowedFast`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { MessageDecoder } from "./decoder.ts";
 * import { encodeMessage } from "./encode.ts";
 * import type { PieceIndexMessage } from "./messages.ts";
 *
 * const have: PieceIndexMessage = { type: "have", index: 3 };
 * deepStrictEqual(new MessageDecoder().push(encodeMessage(have)), [have]);
 * ```
 */
export interface PieceIndexMessage {
  /** Which one. */
  type: "have" | "suggest" | "allowedFast";
  /** Zero-based piece index. */
  index: number;
}

/**
 * The pieces a peer has: bit 7 of byte 0 is piece 0.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { MessageDecoder } from "./decoder.ts";
 * import { encodeMessage } from "./encode.ts";
 * import type { BitfieldMessage } from "./messages.ts";
 *
 * // Pieces 0 and 9 of 10: the 6 spare bits at the end stay clear.
 * const bitfield: BitfieldMessage = { type: "bitfield", bits: new Uint8Array([0x80, 0x40]) };
 * deepStrictEqual(new MessageDecoder({ pieceCount: 10 }).push(encodeMessage(bitfield)), [bitfield]);
 * ```
 */
export interface BitfieldMessage {
  /** Bitfield. */
  type: "bitfield";
  /** One bit per piece, high bit first, spare bits at the end clear. */
  bits: Uint8Array;
}

/**
 * A block named by piece, offset and length: `request`, `cancel`, BEP 6 `reject`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { MessageDecoder } from "./decoder.ts";
 * import { encodeMessage } from "./encode.ts";
 * import type { BlockMessage } from "./messages.ts";
 *
 * const request: BlockMessage = { type: "request", index: 2, begin: 16384, length: 16384 };
 * deepStrictEqual(new MessageDecoder().push(encodeMessage(request)), [request]);
 * ```
 */
export interface BlockMessage {
  /** Which one. */
  type: "request" | "cancel" | "reject";
  /** Zero-based piece index. */
  index: number;
  /** Byte offset of the block within the piece. */
  begin: number;
  /** Block length in bytes. */
  length: number;
}

/**
 * A block of data.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { MessageDecoder } from "./decoder.ts";
 * import { encodeMessage } from "./encode.ts";
 * import type { PieceMessage } from "./messages.ts";
 *
 * const piece: PieceMessage = { type: "piece", index: 2, begin: 0, block: new Uint8Array([1, 2, 3]) };
 * deepStrictEqual(new MessageDecoder().push(encodeMessage(piece)), [piece]);
 * ```
 */
export interface PieceMessage {
  /** Piece. */
  type: "piece";
  /** Zero-based piece index. */
  index: number;
  /** Byte offset of the block within the piece. */
  begin: number;
  /** The data; a decoded block may be a view into the received chunk. */
  block: Uint8Array;
}

/**
 * BEP 5: the port the sender's DHT node listens on.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { MessageDecoder } from "./decoder.ts";
 * import { encodeMessage } from "./encode.ts";
 * import type { PortMessage } from "./messages.ts";
 *
 * const port: PortMessage = { type: "port", port: 6881 };
 * deepStrictEqual(encodeMessage(port), new Uint8Array([0, 0, 0, 3, 9, 0x1a, 0xe1]));
 * deepStrictEqual(new MessageDecoder().push(encodeMessage(port)), [port]);
 * ```
 */
export interface PortMessage {
  /** Port. */
  type: "port";
  /** UDP port, 0 to 65535. */
  port: number;
}

/**
 * BEP 10: an extension message; id 0 is the extension handshake.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { MessageDecoder } from "./decoder.ts";
 * import { encodeMessage } from "./encode.ts";
 * import type { ExtendedMessage } from "./messages.ts";
 *
 * const payload = new TextEncoder().encode("d1:md6:ut_pexi1eee");
 * const handshake: ExtendedMessage = { type: "extended", id: 0, payload };
 * deepStrictEqual(new MessageDecoder().push(encodeMessage(handshake)), [handshake]);
 * ```
 */
export interface ExtendedMessage {
  /** Extended. */
  type: "extended";
  /** Extended message id, 0 to 255, as the receiver assigned it. */
  id: number;
  /** The extension's payload. */
  payload: Uint8Array;
}

/**
 * BEP 52: which hashes of a file's Merkle tree are asked for (`hashRequest`)
 * or refused (`hashReject`). Layer 0 is the 16 KiB block layer; the uncle
 * hashes of `proofLayers` layers above the base come after the base hashes.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { MessageDecoder } from "./decoder.ts";
 * import { encodeMessage } from "./encode.ts";
 * import type { HashRequestMessage } from "./messages.ts";
 *
 * const request: HashRequestMessage = {
 *   type: "hashRequest",
 *   piecesRoot: new Uint8Array(32).fill(1),
 *   baseLayer: 2,
 *   index: 0,
 *   length: 512,
 *   proofLayers: 3,
 * };
 * deepStrictEqual(new MessageDecoder().push(encodeMessage(request)), [request]);
 * ```
 */
export interface HashRequestMessage {
  /** Asked for, or refused. */
  type: "hashRequest" | "hashReject";
  /** The file's 32-byte `pieces root`. */
  piecesRoot: Uint8Array;
  /** The layer the hashes are from (0: blocks). */
  baseLayer: number;
  /** The first hash's offset in that layer, a multiple of `length`. */
  index: number;
  /** How many hashes of the base layer. */
  length: number;
  /** How many layers above the base layer the proof covers. */
  proofLayers: number;
}

/**
 * BEP 52: hashes answering a {@link HashRequestMessage}: the base layer's,
 * then the uncle hashes, 32 bytes each.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { MessageDecoder } from "./decoder.ts";
 * import { encodeMessage } from "./encode.ts";
 * import type { HashesMessage } from "./messages.ts";
 *
 * const hashes: HashesMessage = {
 *   type: "hashes",
 *   piecesRoot: new Uint8Array(32),
 *   baseLayer: 0,
 *   index: 2,
 *   length: 2,
 *   proofLayers: 0,
 *   hashes: new Uint8Array(64).fill(9),
 * };
 * deepStrictEqual(new MessageDecoder().push(encodeMessage(hashes)), [hashes]);
 * ```
 */
export interface HashesMessage extends Omit<HashRequestMessage, "type"> {
  /** Hashes. */
  type: "hashes";
  /** The hashes, concatenated. */
  hashes: Uint8Array;
}

/**
 * Any peer wire message.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { MessageDecoder } from "./decoder.ts";
 * import { encodeMessage } from "./encode.ts";
 * import type { Message } from "./messages.ts";
 *
 * const sent: Message[] = [{ type: "keepAlive" }, { type: "have", index: 1 }, { type: "unchoke" }];
 * const bytes = new Uint8Array(sent.flatMap((message) => [...encodeMessage(message)]));
 * deepStrictEqual(new MessageDecoder().push(bytes), sent);
 * ```
 */
export type Message =
  | BareMessage
  | PieceIndexMessage
  | BitfieldMessage
  | BlockMessage
  | PieceMessage
  | PortMessage
  | ExtendedMessage
  | HashRequestMessage
  | HashesMessage;

/**
 * The name of a message type.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { MessageDecoder } from "./decoder.ts";
 * import { encodeMessage } from "./encode.ts";
 * import type { MessageType } from "./messages.ts";
 *
 * const bytes = encodeMessage({ type: "haveAll" });
 * const types: MessageType[] = new MessageDecoder().push(bytes).map((message) => message.type);
 * deepStrictEqual(types, ["haveAll"]);
 * ```
 */
export type MessageType = Message["type"];
