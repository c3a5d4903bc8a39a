/**
 * One peer connection speaking the wire protocol over a `Conn`: handshake
 * (BEP 3, with the BEP 6 and BEP 10 bits and the BEP 10 extension
 * handshake), typed sends with backpressure, received messages as an async
 * iterator, and the checks one connection can make, each ending it with a
 * typed reason.
 *
 * @module
 */

import type { Conn, PeerAddress, TransportName } from "../../transports/mod.ts";
import { Link } from "./_link.ts";
import type { ExtensionHandshake } from "./extension_handshake.ts";
import type { Handshake } from "./handshake.ts";
import { MessageSender } from "./message_sender.ts";
import { MseConn, type PeerEncryption } from "./mse/conn.ts";
import type { Message } from "./messages.ts";
import type { PeerStatus } from "./peer_state.ts";
import type { AcceptOptions, CloseInfo, CloseReason, ConnectOptions } from "./peer_wire_options.ts";
import type { TorrentShape } from "./torrent_shape.ts";

/**
 * A peer connection after a successful handshake; open one with
 * {@link PeerWire.connect} (we dialled) or {@link PeerWire.accept} (they did).
 *
 * Received messages come from an async iterator rather than events: the
 * `Conn` is read only while the owner pulls, so a slow owner slows the peer
 * through the transport's flow control instead of buffering without bound,
 * and the idle timeout counts only time spent waiting on the peer.
 * Keep-alives are consumed here; a later BEP 10 handshake updates
 * {@link PeerWire.peerExtensions} and is delivered too (extended id 0).
 * Iteration ends once the connection is closed and every message already
 * received and checked has been delivered; one consumer at a time.
 *
 * Every fault of the peer closes the connection and {@link PeerWire.closed}
 * says why; after the open promise resolves nothing rejects or throws on
 * the peer's account.
 *
 * @example
 * ```ts
 * import { memoryConnPair } from "../../transports/memory.ts";
 * import { makePeerId, PeerWire } from "./mod.ts";
 * const [a, b] = memoryConnPair();
 * const infoHash = new Uint8Array(20).fill(7);
 * const [ours, theirs] = await Promise.all([
 *   PeerWire.connect(a, { infoHash, peerId: makePeerId() }),
 *   PeerWire.accept(b, { peerId: makePeerId(), accept: () => true }),
 * ]);
 * await ours.interested();
 * for await (const message of theirs) {
 *   console.assert(message.type === "interested");
 *   break;
 * }
 * ours.close();
 * console.assert((await theirs.closed).reason === "connection-closed");
 * ```
 */
export class PeerWire extends MessageSender implements AsyncIterable<Message> {
  #link: Link;
  #remote: Handshake;

  private constructor(link: Link, remote: Handshake) {
    super();
    this.#link = link;
    this.#remote = remote;
  }

  /**
   * Opens a connection we dialled: sends our handshake, checks the peer
   * answers for the same torrent, then swaps BEP 10 handshakes when both
   * sides support BEP 10 (waiting, within the handshake timeout, for the
   * peer's).
   *
   * @param conn The connection.
   * @param options Info hash, peer id, extensions, limits.
   * @returns The open wire.
   * @throws {WireError} Why it failed (`info-hash-mismatch`,
   * `handshake-timeout`, `bad-handshake`, `connection-closed` ...), the
   * connection closed; with `options.signal` aborted, the signal's reason.
   */
  static async connect(conn: Conn, options: ConnectOptions): Promise<PeerWire> {
    const link = new Link(conn, options);
    return new PeerWire(link, await link.open({ infoHash: options.infoHash }));
  }

  /**
   * Opens a connection the peer dialled: reads its handshake, asks
   * `options.accept` about the info hash, answers, then swaps BEP 10
   * handshakes as {@link PeerWire.connect} does.
   *
   * @param conn The connection.
   * @param options Accept callback, peer id, extensions, limits.
   * @returns The open wire.
   * @throws {WireError} Why it failed (`unknown-info-hash` when refused,
   * `handshake-timeout`, `bad-handshake` ...), the connection closed; with
   * `options.signal` aborted, the signal's reason; what `accept` threw.
   */
  static async accept(conn: Conn, options: AcceptOptions): Promise<PeerWire> {
    const link = new Link(conn, options);
    return new PeerWire(link, await link.open({ accept: options.accept }));
  }

  /** The peer's handshake: info hash, reserved bytes, peer id. */
  get remote(): Handshake {
    return this.#remote;
  }

  /** What carries the connection (`tcp`, `utp`, ...). */
  get transport(): TransportName {
    return this.#link.conn.transport;
  }

  /** Message stream encryption on the connection: `rc4`, `handshake` only, or `none`. */
  get encryption(): PeerEncryption {
    const conn = this.#link.conn;
    return conn instanceof MseConn ? conn.encryption : "none";
  }

  /** The peer's address, when the transport knows it. */
  get remoteAddress(): PeerAddress | null {
    return this.#link.conn.remoteAddress;
  }

  /** What was agreed, choke and interest on both sides, queued requests. */
  get status(): PeerStatus {
    return this.#link.inbox.state;
  }

  /** The peer's latest BEP 10 handshake, or `null` without BEP 10. */
  get peerExtensions(): ExtensionHandshake | null {
    return this.#link.inbox.peerExtensions;
  }

  /** Settles, never rejecting, once the connection is closed, with the reason. */
  get closed(): Promise<CloseInfo> {
    return this.#link.closed.promise;
  }

  /**
   * Sets the torrent's shape once known (after a magnet's metadata
   * arrives); later messages are checked against it, earlier ones are not.
   *
   * @param torrent Piece count, and piece lengths to check blocks against.
   */
  setTorrent(torrent: TorrentShape): void {
    this.#link.inbox.state.torrent = torrent;
    this.#link.inbox.decoder.pieceCount = torrent.pieceCount;
  }

  /**
   * Closes the connection at once (unsent bytes are dropped); later calls do nothing.
   *
   * @param reason Why, such as `unrequested-block` when the owner caught the peer.
   * @param message Details for logs.
   */
  close(reason: CloseReason = "local", message = "closed by us"): void {
    this.#link.close(reason, message);
  }

  /**
   * Sends a message (the typed methods such as `have()` call this).
   *
   * @param message The message.
   * @returns `true` once the connection took the bytes, `false` if it was closed.
   * @throws {RangeError} For a number that does not fit its field.
   * @throws {TypeError} For a BEP 6 or BEP 10 message without that extension agreed.
   */
  send(message: Message): Promise<boolean> {
    return this.#link.send(message);
  }

  /** Received messages, in order; one consumer at a time. */
  [Symbol.asyncIterator](): AsyncIterableIterator<Message> {
    const inbox = this.#link.inbox;
    const iterator: AsyncIterableIterator<Message> = {
      next: () => inbox.next(),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
