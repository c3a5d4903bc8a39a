/**
 * What one connection knows of its own protocol state, and the checks that
 * need it: choke and interest on both sides, whether the peer has sent its
 * pieces yet, and the requests it has queued with us. Pure: no clock, no I/O.
 *
 * @module
 */

import { defaultLimits, type Limits } from "../limits.ts";
import type { Message, PieceMessage } from "./messages.ts";
import { checkBlock, checkIndex, type TorrentShape } from "./torrent_shape.ts";
import { WireError } from "./wire_error.ts";

/** The messages that need an extension both sides announced. */
const NEEDS = new Map<Message["type"], "fast" | "extended">([
  ["suggest", "fast"],
  ["haveAll", "fast"],
  ["haveNone", "fast"],
  ["reject", "fast"],
  ["allowedFast", "fast"],
  ["extended", "extended"],
]);

/**
 * A read-only view of a connection's protocol state.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { PeerState, type PeerStatus } from "./peer_state.ts";
 *
 * const state = new PeerState({ fast: false, extended: false });
 * state.sent({ type: "unchoke" });
 * const status: PeerStatus = state;
 * strictEqual(status.amChoking, false);
 * strictEqual(status.peerChoking, true);
 * ```
 */
export interface PeerStatus {
  /** Both sides announced BEP 6, the fast extension. */
  readonly fast: boolean;
  /** Both sides announced BEP 10, the extension protocol. */
  readonly extended: boolean;
  /** The torrent's shape, or `null` while unknown. */
  readonly torrent: TorrentShape | null;
  /** We choke the peer (true at the start). */
  readonly amChoking: boolean;
  /** We are interested in the peer. */
  readonly amInterested: boolean;
  /** The peer chokes us (true at the start). */
  readonly peerChoking: boolean;
  /** The peer is interested in us. */
  readonly peerInterested: boolean;
  /** Requests the peer queued with us that we have neither served (`piece`) nor `reject`ed. */
  readonly queuedRequests: number;
}

/**
 * Options for {@link PeerState}.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { PeerState, type PeerStateOptions } from "./peer_state.ts";
 *
 * const options: PeerStateOptions = { fast: true, extended: false, limits: { maxPeerRequests: 1 } };
 * const state = new PeerState(options);
 * state.sent({ type: "unchoke" });
 * state.receive({ type: "request", index: 0, begin: 0, length: 16384 });
 * const second = { type: "request", index: 0, begin: 16384, length: 16384 } as const;
 * throws(() => state.receive(second), { reason: "too-many-requests" });
 * ```
 */
export interface PeerStateOptions {
  /** Both sides announced BEP 6. */
  fast: boolean;
  /** Both sides announced BEP 10. */
  extended: boolean;
  /** Bounds; `maxRequestBytes` and `maxPeerRequests` are used. */
  limits?: Partial<Pick<Limits, "maxRequestBytes" | "maxPeerRequests">>;
  /** The torrent's shape, when known. */
  torrent?: TorrentShape | null;
}

/**
 * Protocol state of one connection, updated by each message received and sent.
 *
 * @example
 * ```ts
 * import { PeerState } from "./peer_state.ts";
 * const state = new PeerState({ fast: false, extended: false, torrent: { pieceCount: 4 } });
 * console.assert(state.receive({ type: "have", index: 3 }));
 * try {
 *   state.receive({ type: "have", index: 4 });
 * } catch (error) {
 *   console.assert((error as { reason: string }).reason === "bad-index");
 * }
 * ```
 */
export class PeerState implements PeerStatus {
  /** Both sides announced BEP 6. */
  readonly fast: boolean;
  /** Both sides announced BEP 10. */
  readonly extended: boolean;
  /** The torrent's shape, or `null` while unknown (a magnet before its metadata). */
  torrent: TorrentShape | null;
  /** We are choking the peer (true at the start). */
  amChoking = true;
  /** We are interested in the peer. */
  amInterested = false;
  /** The peer is choking us (true at the start). */
  peerChoking = true;
  /** The peer is interested in us. */
  peerInterested = false;
  #maxRequestBytes: number;
  #maxPeerRequests: number;
  /** The last message that told us all the peer's pieces. */
  #sawPieces: "bitfield" | "haveAll" | "haveNone" | null = null;
  #requests = new Set<string>();

  /**
   * Starts a connection's state: both sides choked and not interested.
   *
   * @param options What was agreed, bounds and the torrent's shape.
   */
  constructor(options: PeerStateOptions) {
    this.fast = options.fast;
    this.extended = options.extended;
    this.torrent = options.torrent ?? null;
    this.#maxRequestBytes = options.limits?.maxRequestBytes ?? defaultLimits.maxRequestBytes;
    this.#maxPeerRequests = options.limits?.maxPeerRequests ?? defaultLimits.maxPeerRequests;
  }

  /** Requests the peer has queued with us that we have neither served nor rejected. */
  get queuedRequests(): number {
    return this.#requests.size;
  }

  /**
   * Takes in a message from the peer.
   *
   * @param message The message received.
   * @returns `false` for a message with nothing for the owner: a keep-alive,
   * a repeated request, or (without BEP 6) a request while we choke.
   * @throws {WireError} When the message breaks the protocol.
   */
  receive(message: Message): boolean {
    const needs = NEEDS.get(message.type);
    if (needs && !this[needs]) {
      throw new WireError("not-negotiated", `${message.type} without the ${needs} extension`);
    }
    switch (message.type) {
      case "keepAlive":
        return false;
      case "choke":
      case "unchoke":
        this.peerChoking = message.type === "choke";
        return true;
      case "interested":
      case "notInterested":
        this.peerInterested = message.type === "interested";
        return true;
      case "bitfield":
      case "haveAll":
      case "haveNone":
        // aria2 sends `have none`, then whole bitfields again now and then, then `have all`:
        // each replaces what we knew; only a `have none` after any of them is refused.
        if (message.type === "haveNone" && this.#sawPieces !== null) {
          throw new WireError("duplicate-bitfield", `have none after ${this.#sawPieces}`);
        }
        this.#sawPieces = message.type;
        return true;
      case "have":
      case "suggest":
      case "allowedFast":
        checkIndex(this.torrent, message.type, message.index);
        return true;
      case "request":
        return this.#request(message.index, message.begin, message.length);
      case "cancel":
      case "reject":
        checkBlock(this.torrent, message.type, message.index, message.begin, message.length);
        if (message.type === "cancel") this.#requests.delete(key(message));
        return true;
      case "piece":
        checkBlock(this.torrent, "piece", message.index, message.begin, message.block.length);
        return true;
      case "extended":
      case "port":
      case "hashRequest":
      case "hashes":
      case "hashReject":
        return true;
    }
  }

  /**
   * Takes in a message we are about to send.
   *
   * @param message The message.
   * @throws {TypeError} For a BEP 6 or BEP 10 message without that extension agreed.
   */
  sent(message: Message): void {
    const needs = NEEDS.get(message.type);
    if (needs && !this[needs]) {
      throw new TypeError(`Cannot send ${message.type}: the ${needs} extension was not agreed`);
    }
    switch (message.type) {
      case "choke":
        this.amChoking = true;
        if (!this.fast) this.#requests.clear(); // BEP 3: choking discards them
        break;
      case "unchoke":
        this.amChoking = false;
        break;
      case "interested":
      case "notInterested":
        this.amInterested = message.type === "interested";
        break;
      case "piece":
      case "reject":
        this.#requests.delete(key(message));
        break;
    }
  }

  #request(index: number, begin: number, length: number): boolean {
    if (length > this.#maxRequestBytes) {
      throw new WireError("request-too-large", `${length} bytes (limit ${this.#maxRequestBytes})`);
    }
    checkBlock(this.torrent, "request", index, begin, length);
    if (this.amChoking && !this.fast) return false;
    const id = key({ index, begin, length });
    if (this.#requests.has(id)) return false;
    if (this.#requests.size >= this.#maxPeerRequests) {
      throw new WireError("too-many-requests", `over ${this.#maxPeerRequests} queued`);
    }
    this.#requests.add(id);
    return true;
  }
}

/** A block's identity: piece, offset and length. */
function key(block: { index: number; begin: number; length: number } | PieceMessage): string {
  const length = "block" in block ? block.block.length : block.length;
  return `${block.index}:${block.begin}:${length}`;
}
