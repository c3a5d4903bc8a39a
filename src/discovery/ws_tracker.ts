/**
 * The WebSocket tracker client, as WebTorrent peers and `bittorrent-tracker`
 * servers speak it: each announce carries WebRTC `offers` (`{offer_id,
 * offer}`); the tracker hands them to other peers, whose answers come back
 * routed by `to_peer_id` and `offer_id`; offers from others are answered.
 * Ids and hashes travel as 20-char binary strings. Every peer that connects
 * becomes a ready `Conn` for the torrent. Faults (a bad message, a lost
 * socket, a failed peer) are warnings; the socket reconnects.
 *
 * @module
 */

import type { Conn } from "../../transports/mod.ts";
import {
  connected,
  createPeer,
  firstSignal,
  hangUp,
  type RtcConfig,
  type SimplePeerLike,
  webrtcConn,
} from "../../transports/webrtc.ts";
import { binaryString } from "./_binary.ts";
import type { AnnounceEventName, TransferStats } from "./types.ts";

let nodeWebSocket: Promise<typeof WebSocket> | undefined;

/**
 * The WebSocket class: the runtime's own, or `npm:ws` (loaded on first use)
 * in Node 20, whose global `WebSocket` needs `--experimental-websocket`.
 */
function webSocketClass(): Promise<typeof WebSocket> {
  if (typeof globalThis.WebSocket === "function") return Promise.resolve(globalThis.WebSocket);
  nodeWebSocket ??= import("npm:ws@^8").then((m) => m.WebSocket as unknown as typeof WebSocket);
  return nodeWebSocket;
}

/** Options for {@link WebSocketTracker}. */
export interface WebSocketTrackerOptions {
  /** The tracker, `ws://` or `wss://`. */
  url: string;
  /** The 20-byte info hash. */
  infoHash: Uint8Array;
  /** Our 20-byte peer id. */
  peerId: Uint8Array;
  /** How far along we are, asked at each announce. */
  stats: () => TransferStats;
  /** Receives each peer that connects, with its peer id (binary string). */
  onConn: (conn: Conn) => void;
  /** Receives faults: the tracker's failures, lost sockets, peers that fail to connect. */
  onWarning?: (message: string) => void;
  /** RTCPeerConnection configuration; tests pass `{ iceServers: [] }`. */
  config?: RtcConfig;
  /** Offers per announce (peers we may reach through it). Default 5. */
  offers?: number;
  /** Whether another connection is welcome; when not, no offers are made or answered. */
  wantsPeers?: () => boolean;
}

/** How long an offer waits for an answer before its peer is dropped. */
const OFFER_TIMEOUT_MS = 50_000;
/** Re-announce interval until the tracker names one, and the floor after. */
const DEFAULT_INTERVAL_S = 120;
const MIN_INTERVAL_S = 15;
/** Reconnect delays after a lost socket: doubled up to the last. */
const RECONNECT_MS = [1_000, 2_000, 5_000, 15_000, 60_000];
/** Longest message accepted from the tracker. */
const MAX_MESSAGE = 256 * 1024;

/**
 * One torrent's WebSocket tracker.
 *
 * @example
 * ```ts ignore
 * import { WebSocketTracker } from "./ws_tracker.ts";
 * const tracker = new WebSocketTracker({
 *   url: "ws://127.0.0.1:8000", infoHash, peerId,
 *   stats: () => ({ uploaded: 0, downloaded: 0, left: 0 }),
 *   onConn: (conn) => torrent.addConn(conn),
 *   config: { iceServers: [] },
 * });
 * tracker.start();
 * ```
 */
export class WebSocketTracker {
  readonly #options: WebSocketTrackerOptions;
  readonly #infoHash: string;
  readonly #peerId: string;
  /** Our offers waiting for answers, by offer id. */
  readonly #offers = new Map<
    string,
    { peer: SimplePeerLike; timer: ReturnType<typeof setTimeout> }
  >();
  #socket: WebSocket | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #intervalS = DEFAULT_INTERVAL_S;
  #failures = 0;
  #stopped = false;
  #started = false;

  /**
   * Makes a client; {@link WebSocketTracker.start} connects it.
   *
   * @param options The tracker, the torrent, and where connected peers go.
   */
  constructor(options: WebSocketTrackerOptions) {
    this.#options = options;
    this.#infoHash = binaryString(options.infoHash);
    this.#peerId = binaryString(options.peerId);
  }

  /** Connects and announces `started`; later announces follow the tracker's interval. */
  start(): void {
    void this.#connect();
  }

  /** Announces `completed`. */
  completed(): void {
    void this.#announce("completed");
  }

  /** Announces `stopped`, closes the socket and drops unanswered offers. */
  stop(): void {
    if (this.#stopped) return;
    const socket = this.#socket;
    if (socket && socket.readyState === socket.OPEN) this.#send(this.#request("stopped", []));
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const { peer, timer } of this.#offers.values()) {
      clearTimeout(timer);
      hangUp(peer);
    }
    this.#offers.clear();
    socket?.close();
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    let socket: WebSocket;
    try {
      const Socket = await webSocketClass();
      if (this.#stopped) return;
      socket = new Socket(this.#options.url);
    } catch (error) {
      return this.#warn(`cannot open ${this.#options.url}: ${(error as Error).message}`);
    }
    this.#socket = socket;
    socket.addEventListener("open", () => {
      this.#failures = 0;
      void this.#announce(this.#started ? undefined : "started");
      this.#started = true;
    });
    socket.addEventListener("message", (event) => this.#onMessage(event.data));
    socket.addEventListener("close", () => {
      if (this.#socket !== socket || this.#stopped) return;
      this.#socket = null;
      clearTimeout(this.#timer);
      const delay = RECONNECT_MS[Math.min(this.#failures++, RECONNECT_MS.length - 1)]!;
      this.#warn(`lost ${this.#options.url}; reconnecting in ${delay / 1000} s`);
      this.#timer = setTimeout(() => void this.#connect(), delay);
    });
  }

  async #announce(event: AnnounceEventName | undefined): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#announce(undefined), this.#intervalS * 1000);
    const wanted = this.#options.wantsPeers?.() ?? true;
    const offers = wanted && event !== "stopped" ? await this.#makeOffers() : [];
    if (this.#stopped) return;
    this.#send(this.#request(event, offers));
  }

  #request(event: AnnounceEventName | undefined, offers: unknown[]): Record<string, unknown> {
    const stats = this.#options.stats();
    return {
      action: "announce",
      info_hash: this.#infoHash,
      peer_id: this.#peerId,
      numwant: offers.length,
      uploaded: stats.uploaded,
      downloaded: stats.downloaded,
      left: stats.left,
      ...(event ? { event } : {}),
      offers,
    };
  }

  async #makeOffers(): Promise<{ offer_id: string; offer: unknown }[]> {
    const count = this.#options.offers ?? 5;
    const made = await Promise.all(Array.from({ length: count }, async () => {
      try {
        const peer = await createPeer({ initiator: true, ...this.#config() });
        const offer = await firstSignal(peer);
        if (this.#stopped) {
          hangUp(peer);
          return [];
        }
        const offerId = binaryString(crypto.getRandomValues(new Uint8Array(20)));
        const timer = setTimeout(() => {
          this.#offers.delete(offerId);
          hangUp(peer);
        }, OFFER_TIMEOUT_MS);
        this.#offers.set(offerId, { peer, timer });
        return [{ offer_id: offerId, offer }];
      } catch (error) {
        this.#warn(`cannot make a WebRTC offer: ${(error as Error).message}`);
        return [];
      }
    }));
    return made.flat();
  }

  #onMessage(data: unknown): void {
    if (typeof data !== "string" || data.length > MAX_MESSAGE) return;
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(data);
    } catch {
      return this.#warn(`${this.#options.url} sent a message that is not JSON`);
    }
    if (typeof message !== "object" || message === null) return;
    if (message.info_hash !== undefined && message.info_hash !== this.#infoHash) return;
    if (typeof message["failure reason"] === "string") {
      return this.#warn(`${this.#options.url}: ${message["failure reason"]}`);
    }
    if (typeof message.interval === "number" && message.interval > 0) {
      const interval = Math.max(MIN_INTERVAL_S, message.interval);
      if (interval !== this.#intervalS) {
        this.#intervalS = interval;
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => void this.#announce(undefined), interval * 1000);
      }
    }
    const from = message.peer_id;
    if (typeof from !== "string" || from === this.#peerId) return;
    if (message.offer && typeof message.offer_id === "string") {
      void this.#answer(message.offer, message.offer_id, from);
    } else if (message.answer && typeof message.offer_id === "string") {
      this.#answered(message.answer, message.offer_id);
    }
  }

  async #answer(offer: unknown, offerId: string, to: string): Promise<void> {
    if (!(this.#options.wantsPeers?.() ?? true)) return;
    try {
      const peer = await createPeer({ initiator: false, ...this.#config() });
      const answer = firstSignal(peer);
      peer.signal(offer);
      this.#send({
        action: "announce",
        info_hash: this.#infoHash,
        peer_id: this.#peerId,
        to_peer_id: to,
        answer: await answer,
        offer_id: offerId,
      });
      await this.#deliver(peer);
    } catch (error) {
      this.#warn(`WebRTC peer did not connect: ${(error as Error).message}`);
    }
  }

  #answered(answer: unknown, offerId: string): void {
    const pending = this.#offers.get(offerId);
    if (!pending) return;
    this.#offers.delete(offerId);
    clearTimeout(pending.timer);
    try {
      pending.peer.signal(answer);
    } catch (error) {
      hangUp(pending.peer);
      return this.#warn(`bad WebRTC answer: ${(error as Error).message}`);
    }
    this.#deliver(pending.peer).catch((error) => {
      this.#warn(`WebRTC peer did not connect: ${(error as Error).message}`);
    });
  }

  async #deliver(peer: SimplePeerLike): Promise<void> {
    const timeout = AbortSignal.timeout(OFFER_TIMEOUT_MS);
    await connected(peer, timeout);
    if (this.#stopped) return hangUp(peer);
    this.#options.onConn(webrtcConn(peer));
  }

  #config(): { config?: RtcConfig } {
    return this.#options.config ? { config: this.#options.config } : {};
  }

  #send(message: Record<string, unknown>): void {
    const socket = this.#socket;
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }

  #warn(message: string): void {
    this.#options.onWarning?.(message);
  }
}
