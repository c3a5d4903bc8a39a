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

/**
 * Per-torrent settings, given up front by a dialler or by the receiver's accept callback.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { memoryConnPair } from "../../transports/memory.ts";
 * import { makePeerId, PeerWire, type TorrentSettings } from "./mod.ts";
 *
 * const [a, b] = memoryConnPair();
 * const settings: TorrentSettings = { extensionHandshake: { extensions: new Map([["ut_pex", 1]]) } };
 * const [ours, theirs] = await Promise.all([
 *   PeerWire.connect(a, { infoHash: new Uint8Array(20), peerId: makePeerId(), ...settings }),
 *   PeerWire.accept(b, { peerId: makePeerId(), accept: () => true }),
 * ]);
 * strictEqual(theirs.peerExtensions?.extensions.get("ut_pex"), 1);
 * ours.close();
 * await theirs.closed;
 * ```
 */
export interface TorrentSettings {
  /** The torrent's shape, for range checks; leave out while unknown (a magnet). */
  torrent?: TorrentShape | null;
  /**
   * Our BEP 10 handshake, sent when both sides support BEP 10. `reqq`
   * defaults to `limits.maxPeerRequests`.
   */
  extensionHandshake?: ExtensionHandshake;
  /** Extensions we announce; defaults to BEP 6 and BEP 10 on, DHT and v2 off. */
  flags?: Partial<HandshakeFlags>;
}

/**
 * Options both sides share.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { memoryConnPair } from "../../transports/memory.ts";
 * import { makePeerId, PeerWire, type PeerWireOptions } from "./mod.ts";
 *
 * const [a, b] = memoryConnPair();
 * const options: PeerWireOptions = { peerId: makePeerId(), flags: { fast: false } };
 * const [ours, theirs] = await Promise.all([
 *   PeerWire.connect(a, { ...options, infoHash: new Uint8Array(20) }),
 *   PeerWire.accept(b, { peerId: makePeerId(), accept: () => true }),
 * ]);
 * strictEqual(theirs.status.fast, false); // BEP 6 needs both sides
 * ours.close();
 * await theirs.closed;
 * ```
 */
export interface PeerWireOptions extends TorrentSettings {
  /** Our 20-byte peer id. */
  peerId: Uint8Array;
  /** Bounds and timeouts; missing fields take the defaults. */
  limits?: Partial<Limits>;
  /** Abandons the handshake (the open promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * Options for dialling out: we send the handshake first.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { memoryConnPair } from "../../transports/memory.ts";
 * import { type ConnectOptions, makePeerId, PeerWire } from "./mod.ts";
 *
 * const [a, b] = memoryConnPair();
 * const options: ConnectOptions = { infoHash: new Uint8Array(20).fill(7), peerId: makePeerId() };
 * const [ours, theirs] = await Promise.all([
 *   PeerWire.connect(a, options),
 *   PeerWire.accept(b, { peerId: makePeerId(), accept: () => true }),
 * ]);
 * deepStrictEqual(theirs.remote.infoHash, options.infoHash);
 * deepStrictEqual(theirs.remote.peerId, options.peerId);
 * ours.close();
 * await theirs.closed;
 * ```
 */
export interface ConnectOptions extends PeerWireOptions {
  /** The 20-byte info hash of the torrent we want. */
  infoHash: Uint8Array;
}

/**
 * Decides whether to serve the torrent a connecting peer asks for, as one
 * listener serves many torrents: `false` refuses (`unknown-info-hash`),
 * `true` accepts with the options given, and an object accepts with that
 * torrent's settings.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { memoryConnPair } from "../../transports/memory.ts";
 * import { type AcceptTorrent, makePeerId, PeerWire } from "./mod.ts";
 *
 * const [a, b] = memoryConnPair();
 * const accept: AcceptTorrent = (infoHash) => infoHash[0] === 7;
 * const dialled = PeerWire.connect(a, { infoHash: new Uint8Array(20).fill(8), peerId: makePeerId() });
 * await rejects(PeerWire.accept(b, { peerId: makePeerId(), accept }), { reason: "unknown-info-hash" });
 * await rejects(dialled);
 * ```
 */
export type AcceptTorrent = (
  infoHash: Uint8Array,
  remote: Handshake,
) => boolean | TorrentSettings | Promise<boolean | TorrentSettings>;

/**
 * Options for a connection that came in: the peer sends the handshake first.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { memoryConnPair } from "../../transports/memory.ts";
 * import { type AcceptOptions, makePeerId, PeerWire } from "./mod.ts";
 *
 * const [a, b] = memoryConnPair();
 * const options: AcceptOptions = { peerId: makePeerId(), accept: () => ({ torrent: { pieceCount: 4 } }) };
 * const [ours, theirs] = await Promise.all([
 *   PeerWire.connect(a, { infoHash: new Uint8Array(20), peerId: makePeerId() }),
 *   PeerWire.accept(b, options),
 * ]);
 * strictEqual(theirs.status.torrent?.pieceCount, 4);
 * ours.close();
 * await theirs.closed;
 * ```
 */
export interface AcceptOptions extends PeerWireOptions {
  /** Called with the info hash the peer asked for, before we answer. */
  accept: AcceptTorrent;
}

/**
 * Why a connection ended: a {@link WireErrorReason}, or one the owner gives
 * to `close()`: `local` (we are done with it), `unrequested-block` (a block
 * we did not ask for), `hash-failure` (its data failed a hash check),
 * `banned`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { memoryConnPair } from "../../transports/memory.ts";
 * import { type CloseReason, makePeerId, PeerWire } from "./mod.ts";
 *
 * const [a, b] = memoryConnPair();
 * const [ours, theirs] = await Promise.all([
 *   PeerWire.connect(a, { infoHash: new Uint8Array(20), peerId: makePeerId() }),
 *   PeerWire.accept(b, { peerId: makePeerId(), accept: () => true }),
 * ]);
 * const reason: CloseReason = "banned";
 * ours.close(reason, "sent data that failed its hash");
 * strictEqual((await ours.closed).reason, "banned");
 * strictEqual((await theirs.closed).reason, "connection-closed");
 * ```
 */
export type CloseReason =
  | WireErrorReason
  | "local"
  | "unrequested-block"
  | "hash-failure"
  | "banned";

/**
 * How a connection ended.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { memoryConnPair } from "../../transports/memory.ts";
 * import { type CloseInfo, makePeerId, PeerWire } from "./mod.ts";
 *
 * const [a, b] = memoryConnPair();
 * const [ours, theirs] = await Promise.all([
 *   PeerWire.connect(a, { infoHash: new Uint8Array(20), peerId: makePeerId() }),
 *   PeerWire.accept(b, { peerId: makePeerId(), accept: () => true }),
 * ]);
 * theirs.close();
 * const info: CloseInfo = await theirs.closed;
 * deepStrictEqual(info, { reason: "local", message: "closed by us" });
 * await ours.closed;
 * ```
 */
export interface CloseInfo {
  /** The reason code. */
  reason: CloseReason;
  /** What happened, for logs. */
  message: string;
}
