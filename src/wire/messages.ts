/**
 * The peer wire messages (BEP 3, BEP 5 `port`, BEP 6 fast extension, BEP 10
 * extended) as a discriminated union on `type`, and their message ids.
 *
 * @module
 */

/** The message id byte of each message type (keep-alive has none). */
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
  },
);

/** A message with no payload. */
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

/** A message naming one piece: `have`, and BEP 6 `suggest` and `allowedFast`. */
export interface PieceIndexMessage {
  /** Which one. */
  type: "have" | "suggest" | "allowedFast";
  /** Zero-based piece index. */
  index: number;
}

/** The pieces a peer has: bit 7 of byte 0 is piece 0. */
export interface BitfieldMessage {
  /** Bitfield. */
  type: "bitfield";
  /** One bit per piece, high bit first, spare bits at the end clear. */
  bits: Uint8Array;
}

/** A block named by piece, offset and length: `request`, `cancel`, BEP 6 `reject`. */
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

/** A block of data. */
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

/** BEP 5: the port the sender's DHT node listens on. */
export interface PortMessage {
  /** Port. */
  type: "port";
  /** UDP port, 0 to 65535. */
  port: number;
}

/** BEP 10: an extension message; id 0 is the extension handshake. */
export interface ExtendedMessage {
  /** Extended. */
  type: "extended";
  /** Extended message id, 0 to 255, as the receiver assigned it. */
  id: number;
  /** The extension's payload. */
  payload: Uint8Array;
}

/** Any peer wire message. */
export type Message =
  | BareMessage
  | PieceIndexMessage
  | BitfieldMessage
  | BlockMessage
  | PieceMessage
  | PortMessage
  | ExtendedMessage;

/** The name of a message type. */
export type MessageType = Message["type"];
