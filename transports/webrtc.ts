/**
 * WebRTC data channels as `Conn`s, through `npm:simple-peer`: the browser's
 * `RTCPeerConnection` in a page, `npm:@roamhq/wrtc` in Deno and Node (both
 * loaded on first use, so importing this file loads neither).
 *
 * WebRTC has no addresses to dial: two peers meet through signalling (a
 * WebSocket tracker, or {@link LoopbackSignalling} in one process), and
 * {@link webrtcConn} turns the connected peer into a `Conn`.
 *
 * Sending is held back while the channel's `bufferedAmount` is above 4 MiB
 * (polled: wrtc never fires `bufferedamountlow`). A data channel has no
 * receive flow control, so unread bytes are bounded instead: a peer that
 * sends more than `maxUnreadBytes` that nobody reads is disconnected.
 *
 * @module
 */

import { runtime } from "../src/runtime.ts";
import type { Conn, PeerAddress } from "./mod.ts";

/**
 * The part of a simple-peer instance this transport uses.
 *
 * @example
 * ```ts ignore
 * import { strictEqual } from "node:assert/strict";
 * import { createPeer, type SimplePeerLike } from "./webrtc.ts";
 *
 * const peer: SimplePeerLike = await createPeer({ initiator: true, config: { iceServers: [] } });
 * const offer = new Promise<unknown>((resolve) => peer.on("signal", resolve));
 * strictEqual((await offer as { type: string }).type, "offer"); // for the other side's signal()
 * strictEqual(peer.connected, false);
 * peer.destroy();
 * ```
 */
export interface SimplePeerLike {
  /** Sends one data channel message. */
  send(data: Uint8Array): void;
  /** Closes the channel and the peer connection. */
  destroy(error?: Error): void;
  /** Feeds a signalling message (offer, answer, candidate) from the other side. */
  signal(data: unknown): void;
  /** Listens for `signal`, `connect`, `data`, `close` and `error`. */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Bytes queued in the data channel and not yet sent. */
  readonly bufferSize: number;
  /** True once the data channel is open. */
  readonly connected: boolean;
  /** True once destroyed. */
  readonly destroyed: boolean;
  /** The data channel (simple-peer 9's own field), closed gently so bytes in flight arrive. */
  readonly _channel?: { close(): void } | null;
  /**
   * simple-peer 9's handler of each channel message. The `Conn` takes it
   * over: simple-peer would push into a Node stream, which drops what it
   * buffered when the peer closes, and grows without bound.
   */
  _onChannelMessage?: (event: { data: ArrayBuffer | Uint8Array | string }) => void;
  /** What simple-peer's stream holds already (messages that came before `connect`). */
  read?(): Uint8Array | null;
}

/**
 * The RTCPeerConnection configuration this library sets (Deno's types have no WebRTC).
 *
 * @example
 * ```ts ignore
 * import { strictEqual } from "node:assert/strict";
 * import { createPeer, firstSignal, hangUp, type RtcConfig } from "./webrtc.ts";
 *
 * const config: RtcConfig = { iceServers: [] }; // no STUN: host candidates only
 * const peer = await createPeer({ initiator: true, config });
 * const offer = await firstSignal(peer) as { type: string; sdp: string };
 * strictEqual(offer.sdp.includes("a=candidate"), true);
 * hangUp(peer);
 * ```
 */
export interface RtcConfig {
  /** STUN and TURN servers; `[]` keeps every candidate local (tests, loopback). */
  iceServers?: { urls: string | string[]; username?: string; credential?: string }[];
}

/**
 * Options for {@link createPeer}.
 *
 * @example
 * ```ts ignore
 * import { strictEqual } from "node:assert/strict";
 * import { createPeer, firstSignal, hangUp, type PeerOptions } from "./webrtc.ts";
 *
 * const options: PeerOptions = { initiator: true, config: { iceServers: [] }, trickle: false };
 * const peer = await createPeer(options);
 * const offer = await firstSignal(peer) as { type: string }; // one offer, candidates included
 * strictEqual(offer.type, "offer");
 * hangUp(peer);
 * ```
 */
export interface PeerOptions {
  /** True for the side that makes the offer. */
  initiator: boolean;
  /** RTCPeerConnection configuration; tests and examples pass `{ iceServers: [] }`. */
  config?: RtcConfig;
  /**
   * Send ICE candidates as they come, in signals of their own; default false:
   * every candidate is gathered into the one offer or answer, as trackers want.
   */
  trickle?: boolean;
}

/** Most bytes a write waits behind: the channel's `bufferedAmount` high-water mark. */
const HIGH_WATER = 4 * 1024 * 1024;
/** How often `bufferedAmount` is polled while a write waits. */
const POLL_MS = 2;
/** Largest data channel message sent (16 KiB, as every implementation accepts). */
const MESSAGE_BYTES = 16 * 1024;
/** Default for {@link ConnOptions.maxUnreadBytes}. */
const MAX_UNREAD = 32 * 1024 * 1024;
/** Longest wait, on close, for queued bytes to leave before the connection is torn down. */
const FLUSH_MS = 5_000;
/**
 * Wait between `bufferedAmount` reaching 0 and closing the channel: closing
 * drops messages still inside SCTP (measured with wrtc: 17 closes in 20 lost
 * the last 16-48 KiB without a wait, none with 10 ms).
 */
const CLOSE_GRACE_MS = 100;

type SimplePeerClass = new (options: Record<string, unknown>) => SimplePeerLike;
let simplePeer: Promise<{ Peer: SimplePeerClass; wrtc: unknown }> | undefined;

/**
 * Makes a simple-peer instance for this runtime: the browser's WebRTC, or
 * `@roamhq/wrtc` in Deno (which needs `--allow-ffi`) and Node.
 *
 * @param options Initiator, RTC configuration, trickle.
 * @returns The peer; feed it the other side's signals and wait for `connect`.
 *
 * @example
 * ```ts ignore
 * import { strictEqual } from "node:assert/strict";
 * import { connected, createPeer, hangUp } from "./webrtc.ts";
 *
 * const a = await createPeer({ initiator: true, config: { iceServers: [] } });
 * const b = await createPeer({ initiator: false, config: { iceServers: [] } });
 * a.on("signal", (data: unknown) => b.signal(data)); // signalling, here within one process
 * b.on("signal", (data: unknown) => a.signal(data));
 * await Promise.all([connected(a), connected(b)]);
 * strictEqual(a.connected && b.connected, true);
 * hangUp(a);
 * hangUp(b);
 * ```
 */
export async function createPeer(options: PeerOptions): Promise<SimplePeerLike> {
  simplePeer ??= Promise.all([
    import("npm:simple-peer@^9"),
    runtime === "browser"
      ? Promise.resolve(undefined)
      : import("npm:@roamhq/wrtc@^0.10").then((m) => m.default),
  ]).then(([module, wrtc]) => ({
    Peer: (module.default ?? module) as unknown as SimplePeerClass,
    wrtc,
  }));
  const { Peer, wrtc } = await simplePeer;
  return new Peer({
    initiator: options.initiator,
    trickle: options.trickle ?? false,
    allowHalfTrickle: false,
    ...(options.config ? { config: options.config } : {}),
    ...(wrtc ? { wrtc } : {}),
  });
}

/**
 * Options for {@link webrtcConn}.
 *
 * @example
 * ```ts ignore
 * import { deepStrictEqual } from "node:assert/strict";
 * import { connected, type ConnOptions, createPeer, webrtcConn } from "./webrtc.ts";
 *
 * const a = await createPeer({ initiator: true, config: { iceServers: [] } });
 * const b = await createPeer({ initiator: false, config: { iceServers: [] } });
 * a.on("signal", (data: unknown) => b.signal(data)); // signalling, here within one process
 * b.on("signal", (data: unknown) => a.signal(data));
 * await Promise.all([connected(a), connected(b)]);
 * const options: ConnOptions = {
 *   remoteAddress: { host: "127.0.0.1", port: 1 }, // from signalling, when known
 *   maxUnreadBytes: 1 << 20,
 * };
 * const conn = webrtcConn(a, options);
 * deepStrictEqual(conn.remoteAddress, { host: "127.0.0.1", port: 1 });
 * conn.close();
 * await webrtcConn(b).closed;
 * ```
 */
export interface ConnOptions {
  /** The peer's address when known (from signalling); default `null`. */
  remoteAddress?: PeerAddress | null;
  /** Unread received bytes above which the peer is disconnected. Default 32 MiB. */
  maxUnreadBytes?: number;
}

/**
 * Wraps a connected simple-peer as a `Conn`.
 *
 * @param peer A peer whose `connect` event has fired.
 * @param options Address and receive bound.
 * @returns The connection; closing it destroys the peer once queued bytes are sent.
 *
 * @example
 * ```ts ignore
 * import { deepStrictEqual } from "node:assert/strict";
 * import { connected, createPeer, webrtcConn } from "./webrtc.ts";
 *
 * const a = await createPeer({ initiator: true, config: { iceServers: [] } });
 * const b = await createPeer({ initiator: false, config: { iceServers: [] } });
 * a.on("signal", (data: unknown) => b.signal(data)); // signalling, here within one process
 * b.on("signal", (data: unknown) => a.signal(data));
 * await Promise.all([connected(a), connected(b)]);
 * const [left, right] = [webrtcConn(a), webrtcConn(b)];
 * await left.writable.getWriter().write(new Uint8Array([42]));
 * deepStrictEqual((await right.readable.getReader().read()).value, new Uint8Array([42]));
 * left.close();
 * await right.closed;
 * ```
 */
export function webrtcConn(peer: SimplePeerLike, options: ConnOptions = {}): Conn {
  return new WebRtcConn(peer, options);
}

/**
 * Waits for a peer's data channel to open.
 *
 * @throws {Error} When the peer fails or closes first; the signal's reason when aborted.
 */
export function connected(peer: SimplePeerLike, signal?: AbortSignal): Promise<void> {
  if (peer.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      signal?.removeEventListener("abort", onAbort);
      reject(error);
    };
    const onAbort = () => {
      hangUp(peer);
      fail(signal!.reason);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    peer.on("connect", () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    peer.on("error", (error: Error) => fail(error));
    peer.on("close", () => fail(new Error("WebRTC peer closed before connecting")));
  });
}

class WebRtcConn implements Conn {
  readonly transport = "webrtc" as const;
  readonly remoteAddress: PeerAddress | null;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly closed: Promise<void>;
  #peer: SimplePeerLike;
  #closing = false;
  #input!: ReadableStreamDefaultController<Uint8Array>;
  #inputOpen = true;
  #resolveClosed!: () => void;

  constructor(peer: SimplePeerLike, options: ConnOptions) {
    this.#peer = peer;
    this.remoteAddress = options.remoteAddress ?? null;
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
    const maxUnread = options.maxUnreadBytes ?? MAX_UNREAD;
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#input = controller;
      },
      cancel: () => this.close(),
    }, { highWaterMark: maxUnread, size: (chunk) => chunk.byteLength });
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => this.#write(chunk),
      close: () => this.close(),
      abort: () => this.close(),
    });
    // Messages may arrive before simple-peer reports `connect`: its stream holds them.
    for (let early = peer.read?.(); early; early = peer.read?.()) this.#input.enqueue(plain(early));
    peer._onChannelMessage = ({ data }) => {
      if (!this.#inputOpen || typeof data === "string") return;
      this.#input.enqueue(data instanceof Uint8Array ? plain(data) : new Uint8Array(data));
      if ((this.#input.desiredSize ?? 0) < 0) {
        this.#fail(new Error(`WebRTC peer sent more than ${maxUnread} bytes nobody read`));
      }
    };
    peer.on("error", (error: Error) => this.#fail(error));
    peer.on("close", () => this.#ended());
    if (peer.destroyed) this.#ended();
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#endInput();
    void this.#flushThenDestroy();
  }

  async #flushThenDestroy(): Promise<void> {
    const deadline = Date.now() + FLUSH_MS;
    while (!this.#peer.destroyed && this.#peer.bufferSize > 0 && Date.now() < deadline) {
      await sleep(POLL_MS);
    }
    if (!this.#peer.destroyed) await sleep(CLOSE_GRACE_MS);
    // Closing the channel (not the connection) lets bytes in flight arrive; simple-peer
    // destroys the peer once the channel has closed.
    try {
      this.#peer._channel?.close();
    } catch { /* already closing */ }
    while (!this.#peer.destroyed && Date.now() < deadline) await sleep(20);
    this.#peer.destroy();
    this.#resolveClosed();
  }

  async #write(chunk: Uint8Array): Promise<void> {
    for (let at = 0; at < chunk.length; at += MESSAGE_BYTES) {
      while (!this.#closing && this.#peer.bufferSize > HIGH_WATER) await sleep(POLL_MS);
      if (this.#closing || this.#peer.destroyed) throw new Error("WebRTC connection is closed");
      // A copy: the caller may reuse its buffer once the write resolves.
      this.#peer.send(chunk.slice(at, at + MESSAGE_BYTES));
    }
  }

  #fail(error: Error): void {
    if (this.#inputOpen) {
      this.#inputOpen = false;
      this.#input.error(error);
    }
    this.#closing = true;
    hangUp(this.#peer);
    this.#resolveClosed();
  }

  #ended(): void {
    this.#closing = true;
    this.#endInput();
    this.#resolveClosed();
  }

  #endInput(): void {
    if (!this.#inputOpen) return;
    this.#inputOpen = false;
    try {
      this.#input.close();
    } catch { /* already errored or closed */ }
  }
}

/**
 * A peer's first `signal`: with trickle off, its whole offer or answer.
 *
 * @throws {Error} When the peer fails or closes first; the signal's reason when aborted.
 */
export function firstSignal(peer: SimplePeerLike, abort?: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (abort?.aborted) return reject(abort.reason);
    abort?.addEventListener("abort", () => reject(abort.reason), { once: true });
    peer.on("signal", (data: unknown) => resolve(data));
    peer.on("error", (error: Error) => reject(error));
    peer.on("close", () => reject(new Error("WebRTC peer closed while signalling")));
  });
}

/**
 * Ends a peer so that the other side notices at once: the data channel is
 * closed first (destroying the connection alone leaves the other side
 * waiting for ICE to time out), then the peer is destroyed.
 *
 * @example
 * ```ts ignore
 * import { strictEqual } from "node:assert/strict";
 * import { connected, createPeer, hangUp } from "./webrtc.ts";
 *
 * const a = await createPeer({ initiator: true, config: { iceServers: [] } });
 * const b = await createPeer({ initiator: false, config: { iceServers: [] } });
 * a.on("signal", (data: unknown) => b.signal(data)); // signalling, here within one process
 * b.on("signal", (data: unknown) => a.signal(data));
 * await Promise.all([connected(a), connected(b)]);
 * const closed = new Promise((resolve) => b.on("close", resolve));
 * hangUp(a);
 * await closed; // at once, not after an ICE timeout
 * strictEqual(b.destroyed, true);
 * ```
 *
 * @param peer The peer to end.
 */
export function hangUp(peer: SimplePeerLike): void {
  if (peer.destroyed) return;
  if (!peer.connected) return peer.destroy();
  try {
    peer._channel?.close();
  } catch { /* already closing */ }
  setTimeout(() => peer.destroy(), 1000);
}

/** A plain `Uint8Array` view of bytes that may be a Node `Buffer`. */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
