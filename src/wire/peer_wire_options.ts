/**
 * The options and outcomes of a `PeerWire`.
 *
 * @module
 */

import type { Limits } from "../limits.ts";
import type { ExtensionHandshake } from "./extension_handshake.ts";
import type { Handshake, HandshakeFlags } from "./handshake.ts";
import type { TorrentShape } from "./torrent_shape.ts";
import type { WireErrorReason } from "./wire_error.ts";

/** Per-torrent settings, given up front by a dialler or by the receiver's accept callback. */
export interface TorrentSettings {
  /** The torrent's shape, for range checks; leave out while unknown (a magnet). */
  torrent?: TorrentShape | null;
  /**
   * Our BEP 10 handshake, sent when both sides support BEP 10. `reqq`
   * defaults to `limits.maxPeerRequests`.
   */
  extensionHandshake?: ExtensionHandshake;
}

/** Options both sides share. */
export interface PeerWireOptions extends TorrentSettings {
  /** Our 20-byte peer id. */
  peerId: Uint8Array;
  /** Extensions we announce; defaults to BEP 6 and BEP 10 on, DHT and v2 off. */
  flags?: Partial<HandshakeFlags>;
  /** Bounds and timeouts; missing fields take the defaults. */
  limits?: Partial<Limits>;
  /** Abandons the handshake (the open promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** Options for dialling out: we send the handshake first. */
export interface ConnectOptions extends PeerWireOptions {
  /** The 20-byte info hash of the torrent we want. */
  infoHash: Uint8Array;
}

/**
 * Decides whether to serve the torrent a connecting peer asks for, as one
 * listener serves many torrents: `false` refuses (`unknown-info-hash`),
 * `true` accepts with the options given, and an object accepts with that
 * torrent's settings.
 */
export type AcceptTorrent = (
  infoHash: Uint8Array,
  remote: Handshake,
) => boolean | TorrentSettings | Promise<boolean | TorrentSettings>;

/** Options for a connection that came in: the peer sends the handshake first. */
export interface AcceptOptions extends PeerWireOptions {
  /** Called with the info hash the peer asked for, before we answer. */
  accept: AcceptTorrent;
}

/**
 * Why a connection ended: a {@link WireErrorReason}, or one the owner gives
 * to `close()`: `local` (we are done with it), `unrequested-block` (a block
 * we did not ask for), `hash-failure` (its data failed a hash check),
 * `banned`.
 */
export type CloseReason =
  | WireErrorReason
  | "local"
  | "unrequested-block"
  | "hash-failure"
  | "banned";

/** How a connection ended. */
export interface CloseInfo {
  /** The reason code. */
  reason: CloseReason;
  /** What happened, for logs. */
  message: string;
}
