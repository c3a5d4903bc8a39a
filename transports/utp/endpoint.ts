/**
 * uTP over one UDP socket: every connection to and from the port shares it.
 * The endpoint registers a handler on the socket that claims only uTP
 * packets (version 1, type 0 to 4, a whole header), so UDP trackers and the
 * DHT keep theirs; routes each packet by connection id and sender; answers
 * SYNs for its listener, with a bound on connections still half-open;
 * answers packets for unknown connections with a RESET; and runs the
 * connections' timers.
 *
 * @module
 */

import type { UdpSocket } from "../../src/net/udp.ts";
import type { PeerAddress } from "../mod.ts";
import { RECEIVE_WINDOW, UtpConnection, type UtpLink } from "./connection.ts";
import { UtpListener } from "./listener.ts";
import { encodeHeader, HEADER_SIZE, PacketType, readPacket, UtpHeader } from "./packet.ts";
import { seqAdd } from "./seq.ts";

/** Connections accepted but still in their handshake; SYNs beyond are dropped. */
export const MAX_HALF_OPEN = 64;
/** Of those, from any one address (host and port): a flood from one place cannot fill them all. */
export const MAX_HALF_OPEN_PER_ADDRESS = 16;
/** How often connection timers run, in ms. */
const TICK_MS = 10;
/** Payload bytes per packet: 1,400-byte packets over IPv4, 1,232 over IPv6 (its minimum MTU less headers). */
const PAYLOAD_V4 = 1400 - HEADER_SIZE;
const PAYLOAD_V6 = 1232 - HEADER_SIZE;
/**
 * Packets up to 16 KiB over loopback (its MTU is 64 KiB), to a peer that says
 * it takes them: a twelfth of the packets per byte, so a twelfth of the work,
 * and a socket's default receive buffer (208 KiB on Linux) holds 196 KB of
 * them against 129 KB of 1,400-byte ones.
 */
const PAYLOAD_LOOPBACK = 16 * 1024 - HEADER_SIZE;

const endpoints = new WeakMap<UdpSocket, UtpEndpoint>();

/** The uTP side of one UDP socket. */
export class UtpEndpoint implements UtpLink {
  /** The socket. */
  readonly socket: UdpSocket;
  #conns = new Map<number, UtpConnection[]>();
  #count = 0;
  #halfOpen = 0;
  #halfOpenBy = new Map<string, number>();
  #listener: UtpListener | null = null;
  #header = new UtpHeader();
  #held = new Set<UtpConnection>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #onIdle: (() => void) | null;

  /**
   * The endpoint of a socket, made on first use.
   *
   * @param socket A bound UDP socket.
   * @param onIdle Called when the endpoint has neither connections nor a listener
   *   (a transport that bound the socket closes it then).
   */
  static of(socket: UdpSocket, onIdle?: () => void): UtpEndpoint {
    let endpoint = endpoints.get(socket);
    if (!endpoint) {
      endpoint = new UtpEndpoint(socket, onIdle ?? null);
      endpoints.set(socket, endpoint);
    }
    return endpoint;
  }

  private constructor(socket: UdpSocket, onIdle: (() => void) | null) {
    this.socket = socket;
    this.#onIdle = onIdle;
    socket.addHandler((bytes, from) => this.#onPacket(bytes, from));
  }

  /** Whether the endpoint has a listener. */
  get listening(): boolean {
    return this.#listener !== null;
  }

  /** Connections open now. */
  get connections(): number {
    return this.#count;
  }

  /**
   * Starts accepting connections.
   *
   * @throws {Error} When the endpoint has a listener already.
   */
  listen(): UtpListener {
    if (this.#listener) {
      throw new Error(`Cannot listen for uTP on port ${this.socket.localAddress.port} twice`);
    }
    const listener = new UtpListener(this.socket.localAddress, () => {
      if (this.#listener === listener) this.#listener = null;
      this.#checkIdle();
    });
    this.#listener = listener;
    return listener;
  }

  /**
   * Opens a connection.
   *
   * @param remote The peer (an IP address).
   * @param signal Abandons the attempt.
   * @returns The connection once the peer answered the SYN.
   */
  async dial(remote: PeerAddress, signal?: AbortSignal): Promise<UtpConnection> {
    signal?.throwIfAborted();
    let recvId: number;
    do recvId = (Math.random() * 0x10000) & 0xffff; while (
      this.#find(recvId, remote) || this.#find(seqAdd(recvId, 1), remote)
    );
    const conn = new UtpConnection(
      this,
      remote,
      { recvId, sendId: seqAdd(recvId, 1), ...payloadFor(remote) },
      performance.now(),
    );
    this.#add(conn);
    const onAbort = () => conn.close();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await conn.connected;
      signal?.throwIfAborted();
      return conn;
    } catch (error) {
      conn.close();
      if (signal?.aborted) throw signal.reason;
      throw error;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  send(packet: Uint8Array, to: PeerAddress): void {
    this.socket.send(packet, to).catch(() => {});
  }

  flushSoon(conn: UtpConnection): void {
    if (this.#held.size === 0) endOfTurn(() => this.#flushHeld());
    this.#held.add(conn);
  }

  forget(conn: UtpConnection): void {
    const list = this.#conns.get(conn.recvId);
    const at = list?.indexOf(conn) ?? -1;
    if (!list || at < 0) return;
    list.splice(at, 1);
    if (list.length === 0) this.#conns.delete(conn.recvId);
    this.#count--;
    if (this.#count === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
    this.#checkIdle();
  }

  #checkIdle(): void {
    if (this.#count === 0 && !this.#listener) this.#onIdle?.();
  }

  #flushHeld(): void {
    const now = performance.now();
    const held = [...this.#held];
    this.#held.clear();
    for (const conn of held) conn.flushHeld(now);
  }

  #add(conn: UtpConnection): void {
    const list = this.#conns.get(conn.recvId);
    if (list) list.push(conn);
    else this.#conns.set(conn.recvId, [conn]);
    this.#count++;
    this.#timer ??= unref(setInterval(() => this.#tick(), TICK_MS));
  }

  #find(id: number, from: PeerAddress): UtpConnection | undefined {
    const list = this.#conns.get(id);
    if (!list) return undefined;
    for (const conn of list) {
      if (conn.remoteAddress.port === from.port && conn.remoteAddress.host === from.host) {
        return conn;
      }
    }
    return undefined;
  }

  /** A RESET may carry the id we send with, not the one we receive on. */
  #findBySendId(id: number, from: PeerAddress): UtpConnection | undefined {
    for (const recvId of [seqAdd(id, -1), seqAdd(id, 1)]) {
      const conn = this.#find(recvId, from);
      if (conn?.sendId === id) return conn;
    }
    return undefined;
  }

  #tick(): void {
    const now = performance.now();
    this.#halfOpen = 0;
    this.#halfOpenBy.clear();
    for (const list of [...this.#conns.values()]) {
      for (const conn of [...list]) {
        conn.tick(now);
        if (conn.halfOpen) this.#countHalfOpen(conn.remoteAddress);
      }
    }
  }

  #onPacket(bytes: Uint8Array, from: PeerAddress): boolean {
    const h = this.#header;
    const payloadAt = readPacket(bytes, h);
    if (payloadAt < 0) return (bytes[0]! & 0x0f) === 1 && bytes[0]! >> 4 <= 4 ? true : false;
    if (h.type === PacketType.SYN) {
      this.#onSyn(h, from);
      return true;
    }
    const conn = this.#find(h.connectionId, from) ??
      (h.type === PacketType.RESET ? this.#findBySendId(h.connectionId, from) : undefined);
    if (conn) conn.receive(h, bytes, payloadAt, performance.now());
    else if (h.type !== PacketType.RESET) this.#reset(from, h.connectionId, h.seq);
    return true;
  }

  #onSyn(h: UtpHeader, from: PeerAddress): void {
    const recvId = seqAdd(h.connectionId, 1);
    const existing = this.#find(recvId, from);
    if (existing) {
      if (existing.sendId === h.connectionId) existing.receive(h, EMPTY, 0, performance.now());
      return;
    }
    if (!this.#listener) return this.#reset(from, h.connectionId, h.seq);
    // A flood: drop the SYN, and let an honest dialler try again.
    if (this.#halfOpen >= MAX_HALF_OPEN) return;
    if ((this.#halfOpenBy.get(addressKey(from)) ?? 0) >= MAX_HALF_OPEN_PER_ADDRESS) return;
    this.#countHalfOpen(from);
    const listener = this.#listener;
    const conn = new UtpConnection(
      this,
      from,
      { recvId, sendId: h.connectionId, ...payloadFor(from) },
      performance.now(),
      h,
    );
    this.#add(conn);
    conn.connected.then(() => {
      if (!listener.push(conn)) conn.close();
    }, () => {});
  }

  #countHalfOpen(from: PeerAddress): void {
    this.#halfOpen++;
    const key = addressKey(from);
    this.#halfOpenBy.set(key, (this.#halfOpenBy.get(key) ?? 0) + 1);
  }

  #reset(to: PeerAddress, connectionId: number, seq: number): void {
    const bytes = new Uint8Array(HEADER_SIZE);
    encodeHeader(bytes, PacketType.RESET, connectionId, 0, 0, RECEIVE_WINDOW, 0, seq, 0);
    this.send(bytes, to);
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Runs `fn` at the end of this turn of the event loop, after the I/O ready
 * now: `setImmediate` (Deno, Node), not `setTimeout(fn, 0)`, which waits a
 * millisecond or more, several round trips on loopback.
 */
const endOfTurn: (fn: () => void) => void = typeof globalThis.setImmediate === "function"
  ? (fn) => setImmediate(fn)
  : (fn) => setTimeout(fn, 0);

function addressKey(address: PeerAddress): string {
  return `${address.host}|${address.port}`;
}

/** Payload bytes per packet to a peer, and the most its path takes. */
function payloadFor(remote: PeerAddress): { payloadSize: number; maxPayload: number } {
  const payloadSize = remote.host.includes(":") ? PAYLOAD_V6 : PAYLOAD_V4;
  return { payloadSize, maxPayload: isLoopback(remote.host) ? PAYLOAD_LOOPBACK : payloadSize };
}

function isLoopback(host: string): boolean {
  return host === "::1" || /^(::ffff:)?127\./i.test(host);
}

/** Lets the process exit while the timer runs (Deno and Node spell it differently). */
function unref(timer: ReturnType<typeof setInterval>): ReturnType<typeof setInterval> {
  const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
  if (typeof timer === "number") deno?.unrefTimer?.(timer);
  else (timer as { unref?: () => void }).unref?.();
  return timer;
}
