/**
 * The BitTorrent peer wire protocol: a pure codec (handshake, messages, a
 * streaming decoder, BEP 10 extension handshakes, peer ids) and
 * {@link PeerWire}, one connection over a `Conn`.
 *
 * @example
 * ```ts
 * import { encodeMessage, MessageDecoder } from "./mod.ts";
 * const bytes = encodeMessage({ type: "request", index: 1, begin: 0, length: 16384 });
 * const [message] = new MessageDecoder().push(bytes);
 * console.assert(message?.type === "request" && message.length === 16384);
 * ```
 *
 * @module
 */

export { WireError, type WireErrorReason } from "./wire_error.ts";
export {
  encodeHandshake,
  type Handshake,
  HANDSHAKE_BYTES,
  type HandshakeFlags,
  parseHandshake,
  readFlags,
  reservedBytes,
} from "./handshake.ts";
export type {
  BareMessage,
  BitfieldMessage,
  BlockMessage,
  ExtendedMessage,
  HashesMessage,
  HashRequestMessage,
  Message,
  MessageType,
  PieceIndexMessage,
  PieceMessage,
  PortMessage,
} from "./messages.ts";
export { MessageId } from "./messages.ts";
export { encodeMessage, encodePieceHeader, PIECE_HEADER_BYTES } from "./encode.ts";
export { type DecoderOptions, MessageDecoder } from "./decoder.ts";
export {
  decodeExtensionHandshake,
  encodeExtensionHandshake,
  type ExtensionHandshake,
} from "./extension_handshake.ts";
export { clientName, makePeerId } from "./peer_id.ts";
export { PeerState, type PeerStateOptions, type PeerStatus } from "./peer_state.ts";
export { checkBlock, checkIndex, pieceSize, type TorrentShape } from "./torrent_shape.ts";
export { MessageSender } from "./message_sender.ts";
export { PeerWire } from "./peer_wire.ts";
export type {
  AcceptOptions,
  AcceptTorrent,
  CloseInfo,
  CloseReason,
  ConnectOptions,
  PeerWireOptions,
  TorrentSettings,
} from "./peer_wire_options.ts";
