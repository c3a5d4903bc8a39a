/**
 * WebRTC peers that meet through signalling inside one process: a
 * `Transport` whose "ports" are names in a {@link LoopbackSignalling}, and
 * whose connections are real WebRTC data channels. For tests, benchmarks and
 * local meshes; across machines peers meet through a WebSocket tracker.
 *
 * @module
 */

import type { Conn, DialOptions, Listener, ListenOptions, PeerAddress, Transport } from "./mod.ts";
import {
  connected,
  type ConnOptions,
  createPeer,
  firstSignal,
  hangUp,
  type RtcConfig,
  type SimplePeerLike,
  webrtcConn,
} from "./webrtc.ts";

/**
 * Options for {@link LoopbackSignalling}.
 *
 * @example
 * ```ts ignore
 * import { strictEqual } from "node:assert/strict";
 * import { type LoopbackOptions, LoopbackSignalling } from "./webrtc_loopback.ts";
 *
 * const options: LoopbackOptions = { config: { iceServers: [] }, maxUnreadBytes: 1 << 20 };
 * const webrtc = new LoopbackSignalling(options).transport();
 * const listener = await webrtc.listen({ host: "127.0.0.1" });
 * const dialled = await webrtc.dial(listener.address);
 * strictEqual(dialled.transport, "webrtc");
 * for await (const accepted of listener) {
 *   accepted.close();
 *   break;
 * }
 * listener.close();
 * await dialled.closed;
 * ```
 */
export interface LoopbackOptions {
  /** RTCPeerConnection configuration; default `{ iceServers: [] }` (no STUN). */
  config?: RtcConfig;
  /** Unread bytes above which a connection is dropped (see {@link webrtcConn}). */
  maxUnreadBytes?: number;
}

/** Answers offers for one listener. */
type Answerer = (offer: unknown, signal: AbortSignal) => Promise<unknown>;

/**
 * In-process signalling: listeners register a port, dialers hand them offers.
 *
 * @example
 * ```ts ignore
 * import { LoopbackSignalling } from "./webrtc_loopback.ts";
 * const webrtc = new LoopbackSignalling().transport();
 * const listener = await webrtc.listen({ host: "127.0.0.1" });
 * const conn = await webrtc.dial(listener.address);
 * ```
 */
export class LoopbackSignalling {
  readonly #listeners = new Map<number, Answerer>();
  readonly #config: RtcConfig;
  readonly #connOptions: ConnOptions;
  #nextPort = 1;

  /**
   * Makes an empty signalling space.
   *
   * @param options RTC configuration and the unread-bytes bound.
   */
  constructor(options: LoopbackOptions = {}) {
    this.#config = options.config ?? { iceServers: [] };
    this.#connOptions = options.maxUnreadBytes ? { maxUnreadBytes: options.maxUnreadBytes } : {};
  }

  /** A transport over this signalling. */
  transport(): Transport {
    return {
      name: "webrtc",
      dial: (address, options) => this.#dial(address, options),
      listen: (options) => Promise.resolve(this.#listen(options)),
    };
  }

  async #dial(address: PeerAddress, options: DialOptions = {}): Promise<Conn> {
    const signal = options.signal ?? new AbortController().signal;
    signal.throwIfAborted();
    const answerer = this.#listeners.get(address.port);
    if (!answerer) throw new Error(`Cannot dial webrtc ${address.port}: nobody listens there`);
    const peer = await createPeer({ initiator: true, config: this.#config });
    const open = connected(peer, signal);
    open.catch(() => {});
    try {
      peer.signal(await answerer(await firstSignal(peer, signal), signal));
      await open;
    } catch (error) {
      hangUp(peer);
      throw signal.aborted ? signal.reason : error;
    }
    return webrtcConn(peer, this.#connOptions);
  }

  #listen(options: ListenOptions = {}): Listener {
    const port = options.port || this.#nextPort++;
    if (this.#listeners.has(port)) throw new Error(`Cannot listen on webrtc ${port}: in use`);
    const accepted: Conn[] = [];
    const waiting: ((result: IteratorResult<Conn>) => void)[] = [];
    let closed = false;
    const deliver = (conn: Conn) => {
      const waiter = waiting.shift();
      if (waiter) waiter({ value: conn, done: false });
      else accepted.push(conn);
    };
    this.#listeners.set(port, async (offer, signal) => {
      const peer: SimplePeerLike = await createPeer({ initiator: false, config: this.#config });
      const answer = firstSignal(peer, signal);
      peer.signal(offer);
      connected(peer).then(
        () => closed ? hangUp(peer) : deliver(webrtcConn(peer, this.#connOptions)),
        () => peer.destroy(),
      );
      return await answer;
    });
    return {
      address: { host: options.host ?? "127.0.0.1", port },
      close: () => {
        if (closed) return;
        closed = true;
        this.#listeners.delete(port);
        for (const waiter of waiting.splice(0)) waiter({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => ({
        next: () => {
          const conn = accepted.shift();
          if (conn) return Promise.resolve({ value: conn, done: false });
          if (closed) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve) => waiting.push(resolve));
        },
      }),
    };
  }
}
