/**
 * UDP tracker client (BEP 15) over a shared {@link UdpSocket}: it claims only
 * the replies to its own requests (by transaction id and sender), so the same
 * socket can carry uTP and the DHT.
 *
 * A connection id is fetched with a connect request and reused for 60
 * seconds. A request with no answer is sent again after `retryBase * 2^n`
 * (BEP 15: 15 s, 30 s, … up to n = 8), then given up as a timeout; a
 * caller's signal may give up sooner. Replies that are too short to carry a
 * transaction id, or that do not match a request, are ignored; a matching
 * reply that is malformed fails the request.
 *
 * @example
 * ```ts
 * import { bindUdp } from "../net/udp.ts";
 * import { UdpTrackerClient } from "./udp_tracker.ts";
 * const socket = await bindUdp({ host: "127.0.0.1" });
 * const client = new UdpTrackerClient(socket, { retryBaseMs: 5, maxRetries: 1 });
 * const silent = await bindUdp({ host: "127.0.0.1" }); // a "tracker" that never answers
 * const error = await client.scrape(`udp://127.0.0.1:${silent.localAddress.port}`, [new Uint8Array(20)])
 *   .catch((e) => e);
 * console.assert(error.kind === "timeout");
 * client.close();
 * socket.close();
 * silent.close();
 * ```
 *
 * @module
 */

import type { PeerAddress } from "../../transports/mod.ts";
import type { UdpSocket } from "../net/udp.ts";
import { type Clock, systemClock } from "./clock.ts";
import { isIPLiteral } from "./_ip.ts";
import { checkAnnounceRequest } from "./_request.ts";
import { trackerText } from "./_text.ts";
import {
  Action,
  announcePacket,
  connectPacket,
  errorMessage,
  MAX_SCRAPE_HASHES,
  parseAnnounceReply,
  parseConnectReply,
  parseScrapeReply,
  replyHeader,
  scrapePacket,
} from "./_udp_packets.ts";
import { TrackerError } from "./tracker_error.ts";
import type { AnnounceRequest, AnnounceResponse, ScrapeResponse } from "./types.ts";
import { deferred } from "../deferred.ts";

/** How long a connection id may be used (BEP 15: one minute). */
const CONNECTION_ID_LIFETIME_MS = 60_000;

/** Options for {@link UdpTrackerClient}. */
export interface UdpTrackerOptions {
  /** Wait before the first resend, doubled each time (BEP 15: 15,000 ms). */
  retryBaseMs?: number;
  /** Resends before giving up (BEP 15: 8, so the last wait is 3,840 s). */
  maxRetries?: number;
  /** Time for connection id expiry and resend timers. */
  clock?: Clock;
}

/** Options for one request. */
export interface UdpRequestOptions {
  /** Abandons the request; it then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Where a tracker is, from its `udp://host:port` URL. */
interface Target {
  url: string;
  address: PeerAddress;
  /** Only replies from this host count (`null` for a host name, whose address we do not know). */
  host: string | null;
}

/** A reply and where it came from. */
interface Reply {
  packet: Uint8Array;
  from: PeerAddress;
}

/** A request waiting for its reply. */
interface Pending {
  target: Target;
  resolve(reply: Reply): void;
}

/** Announces and scrapes UDP trackers over one socket. */
export class UdpTrackerClient {
  readonly #socket: UdpSocket;
  readonly #retryBaseMs: number;
  readonly #maxRetries: number;
  readonly #clock: Clock;
  readonly #pending = new Map<number, Pending>();
  readonly #connections = new Map<string, { id: Uint8Array; at: number }>();
  readonly #removeHandler: () => void;
  readonly #closing = new AbortController();

  /**
   * Starts claiming this client's replies on `socket`.
   *
   * @param socket The socket to send from; the client adds a handler to it but does not own it.
   * @param options Resend timing and clock.
   */
  constructor(socket: UdpSocket, options: UdpTrackerOptions = {}) {
    this.#socket = socket;
    this.#retryBaseMs = options.retryBaseMs ?? 15_000;
    this.#maxRetries = options.maxRetries ?? 8;
    this.#clock = options.clock ?? systemClock;
    this.#removeHandler = socket.addHandler((packet, from) => this.#onPacket(packet, from));
  }

  /**
   * Announces to a UDP tracker.
   *
   * @param tracker A `udp://host:port` URL.
   * @param request Who we are and how far along (`trackerId` and `ipv6` are HTTP only and ignored).
   * @param options Abort signal.
   * @returns The answer; peers are IPv6 when the tracker answered over IPv6.
   * @throws {TrackerError} On an error reply, a malformed reply, a send failure or a timeout.
   * @throws {TypeError} When the URL or request is invalid.
   */
  async announce(
    tracker: string,
    request: AnnounceRequest,
    options: UdpRequestOptions = {},
  ): Promise<AnnounceResponse> {
    checkAnnounceRequest(request);
    const target = targetOf(tracker);
    const { packet, from } = await this.#request(
      target,
      Action.announce,
      (id, tid) => announcePacket(id, tid, request),
      options.signal,
    );
    const reply = parseAnnounceReply(packet, from.host.includes(":") ? 6 : 4);
    if (reply === null) throw malformed(target, `announce reply of ${packet.length} bytes`);
    return reply;
  }

  /**
   * Scrapes a UDP tracker, in packets of up to 74 info hashes.
   *
   * @param tracker A `udp://host:port` URL.
   * @param infoHashes The 20-byte info hashes to ask about.
   * @param options Abort signal.
   * @returns Counts by lower-case hex info hash.
   * @throws {TrackerError} On an error reply, a malformed reply, a send failure or a timeout.
   * @throws {TypeError} When the URL is invalid or a hash is not 20 bytes.
   */
  async scrape(
    tracker: string,
    infoHashes: readonly Uint8Array[],
    options: UdpRequestOptions = {},
  ): Promise<ScrapeResponse> {
    for (const hash of infoHashes) {
      if (hash.length !== 20) {
        throw new TypeError(`Cannot scrape: info hash is ${hash.length} bytes, not 20`);
      }
    }
    const target = targetOf(tracker);
    const result: ScrapeResponse = new Map();
    for (let at = 0; at < infoHashes.length; at += MAX_SCRAPE_HASHES) {
      const batch = infoHashes.slice(at, at + MAX_SCRAPE_HASHES);
      const { packet } = await this.#request(
        target,
        Action.scrape,
        (id, tid) => scrapePacket(id, tid, batch),
        options.signal,
      );
      const counts = parseScrapeReply(packet, batch);
      if (counts === null) throw malformed(target, `scrape reply of ${packet.length} bytes`);
      for (const [hash, stats] of counts) result.set(hash, stats);
    }
    return result;
  }

  /** Stops listening on the socket; requests in flight fail. The socket stays open. */
  close(): void {
    this.#removeHandler();
    this.#closing.abort(new Error("The UDP tracker client is closed"));
  }

  /** Sends a request, connecting first when needed, and resends per BEP 15 until a reply comes. */
  async #request(
    target: Target,
    action: number,
    build: (connectionId: Uint8Array, transactionId: number) => Uint8Array,
    signal: AbortSignal | undefined,
  ): Promise<Reply> {
    for (let n = 0; n <= this.#maxRetries; n++) {
      const waitMs = this.#retryBaseMs * 2 ** n;
      let connectionId = this.#connectionId(target);
      if (connectionId === null) {
        const reply = await this.#exchange(target, Action.connect, connectPacket, waitMs, signal);
        if (reply === null) continue;
        connectionId = parseConnectReply(reply.packet);
        if (connectionId === null) {
          throw malformed(target, `connect reply of ${reply.packet.length} bytes`);
        }
        const key = formatKey(target);
        this.#connections.set(key, { id: connectionId, at: this.#clock.now() });
      }
      const id = connectionId;
      const reply = await this.#exchange(target, action, (tid) => build(id, tid), waitMs, signal);
      if (reply !== null) return reply;
    }
    throw new TrackerError(target.url, "timeout", `no answer after ${this.#maxRetries} resends`);
  }

  /** A cached connection id younger than a minute, or `null`. */
  #connectionId(target: Target): Uint8Array | null {
    const cached = this.#connections.get(formatKey(target));
    if (cached && this.#clock.now() - cached.at < CONNECTION_ID_LIFETIME_MS) return cached.id;
    return null;
  }

  /**
   * Sends one packet and waits up to `waitMs` for the reply with its
   * transaction id; `null` when none came.
   */
  async #exchange(
    target: Target,
    action: number,
    build: (transactionId: number) => Uint8Array,
    waitMs: number,
    signal: AbortSignal | undefined,
  ): Promise<Reply | null> {
    const transactionId = this.#newTransactionId();
    const { promise: done, resolve, reject } = deferred<Reply | null>();
    done.catch(() => {}); // a rejection nobody awaits (the send failed first) is not an error
    const onAbort = () => reject(signal?.reason);
    const onClose = () => reject(this.#closing.signal.reason);
    const timer = this.#clock.setTimeout(() => resolve(null), waitMs);
    this.#pending.set(transactionId, { target, resolve });
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#closing.signal.addEventListener("abort", onClose, { once: true });
    try {
      signal?.throwIfAborted();
      this.#closing.signal.throwIfAborted();
      await this.#socket.send(build(transactionId), target.address).catch((error) => {
        throw new TrackerError(target.url, "network", `cannot send: ${error?.message ?? error}`, {
          cause: error,
        });
      });
      const reply = await done;
      if (reply === null) return null;
      const header = replyHeader(reply.packet)!;
      if (header.action === Action.error) {
        throw new TrackerError(target.url, "failure", trackerText(errorMessage(reply.packet)));
      }
      if (header.action !== action) {
        throw malformed(target, `reply has action ${header.action}, expected ${action}`);
      }
      return reply;
    } finally {
      this.#clock.clearTimeout(timer);
      this.#pending.delete(transactionId);
      signal?.removeEventListener("abort", onAbort);
      this.#closing.signal.removeEventListener("abort", onClose);
    }
  }

  /** Claims a reply to one of our requests; leaves every other packet to other handlers. */
  #onPacket(packet: Uint8Array, from: PeerAddress): boolean {
    const header = replyHeader(packet);
    if (header === null) return false;
    const pending = this.#pending.get(header.transactionId);
    if (!pending) return false;
    const { target } = pending;
    if (from.port !== target.address.port) return false;
    if (target.host !== null && from.host !== target.host) return false;
    this.#pending.delete(header.transactionId);
    pending.resolve({ packet, from });
    return true;
  }

  #newTransactionId(): number {
    const id = new Uint32Array(1);
    do crypto.getRandomValues(id); while (this.#pending.has(id[0]!));
    return id[0]!;
  }
}

/** Parses `udp://host:port[/…]`. */
function targetOf(url: string): Target {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(parsed.port);
  if (parsed.protocol !== "udp:" || host === "" || !(port > 0 && port < 65536)) {
    throw new TypeError(
      `Cannot use ${parsed.protocol}//${parsed.host} as a UDP tracker: expected udp://HOST:PORT`,
    );
  }
  return { url, address: { host, port }, host: isIPLiteral(host) ? canonicalHost(host) : null };
}

/** IPv6 literals in the form the socket reports senders (lower case, compressed). */
function canonicalHost(host: string): string {
  return host.includes(":") ? new URL(`http://[${host}]`).hostname.slice(1, -1) : host;
}

function formatKey(target: Target): string {
  return `${target.address.host}|${target.address.port}`;
}

function malformed(target: Target, what: string): TrackerError {
  return new TrackerError(target.url, "malformed", `unusable ${what}`);
}
