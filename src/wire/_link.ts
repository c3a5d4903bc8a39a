/**
 * The connection under a `PeerWire`: reading, writing, timers and closing,
 * and the open procedure that runs the handshake exchange within the
 * handshake timeout.
 *
 * @module
 */

import type { Conn } from "../../transports/mod.ts";
import { type Limits, resolveLimits } from "../limits.ts";
import { Deadline } from "./_deadline.ts";
import { exchange, type Role } from "./_exchange.ts";
import { Inbox } from "./_inbox.ts";
import { WriteQueue } from "./_write_queue.ts";
import { encodeMessage } from "./encode.ts";
import type { Handshake } from "./handshake.ts";
import type { Message } from "./messages.ts";
import type { CloseInfo, CloseReason, PeerWireOptions } from "./peer_wire_options.ts";
import { WireError, type WireErrorReason } from "./wire_error.ts";
import { type Deferred, deferred } from "../deferred.ts";

/** One connection's I/O and lifecycle. */
export class Link {
  /** The connection. */
  readonly conn: Conn;
  /** The bounds, defaults filled in. */
  readonly limits: Limits;
  /** What the owner asked for. */
  readonly options: PeerWireOptions;
  /** The receiving half. */
  readonly inbox: Inbox;
  /** Settles once closed. */
  readonly closed: Deferred<CloseInfo> = deferred();
  #writes: WriteQueue;
  #closeInfo: CloseInfo | null = null;
  #deadlines: Deadline[] = [];
  #lastSent = performance.now();

  /**
   * @param conn The connection.
   * @param options What the owner asked for.
   */
  constructor(conn: Conn, options: PeerWireOptions) {
    this.conn = conn;
    this.options = options;
    this.limits = resolveLimits(options.limits);
    const close = (reason: CloseReason, message: string) => this.close(reason, message);
    this.inbox = new Inbox(conn.readable, this.limits, close);
    this.#writes = new WriteQueue(conn.writable, (e) => close("connection-error", `${e}`));
    conn.closed.then(
      () => close("connection-closed", "the connection closed"),
      (error) => close("connection-error", `${error}`),
    );
  }

  /**
   * Runs the handshake exchange, then starts the idle and keep-alive timers.
   *
   * @param role The info hash we dial for, or the accept callback.
   * @returns The peer's handshake.
   * @throws {WireError} Why it failed, the connection closed; an abort's reason; what `accept` threw.
   */
  async open(role: Role): Promise<Handshake> {
    const { signal } = this.options;
    const started = performance.now();
    const ms = this.limits.handshakeTimeoutMs;
    const timeout = new Deadline(ms, () => started, () => {
      this.close("handshake-timeout", `no handshake within ${ms} ms`);
    });
    this.#deadlines.push(timeout);
    const abort = () => this.close("local", "aborted");
    signal?.addEventListener("abort", abort, { once: true });
    try {
      if (signal?.aborted) abort();
      const remote = await exchange(this, role);
      if (this.#closeInfo) this.throwClosed();
      this.#startTimers();
      return remote;
    } catch (error) {
      if (error instanceof WireError) this.close(error.reason, error.detail);
      else this.close("local", `${error}`);
      throw error;
    } finally {
      timeout.stop();
      signal?.removeEventListener("abort", abort);
    }
  }

  /**
   * Writes raw bytes.
   *
   * @param bytes The bytes.
   * @returns Whether the connection took them.
   */
  write(bytes: Uint8Array): Promise<boolean> {
    this.#lastSent = performance.now();
    return this.#writes.write(bytes);
  }

  /**
   * Sends a message.
   *
   * @param message The message.
   * @returns Whether the connection took it; `false` once closed.
   * @throws {RangeError} For a number that does not fit its field.
   * @throws {TypeError} For a BEP 6 or BEP 10 message without that extension agreed.
   */
  send(message: Message): Promise<boolean> {
    if (this.#closeInfo) return Promise.resolve(false);
    const bytes = encodeMessage(message);
    this.inbox.state.sent(message);
    return this.write(bytes);
  }

  /**
   * Closes at once; later calls do nothing.
   *
   * @param reason Why.
   * @param message Details for logs.
   */
  close(reason: CloseReason, message: string): void {
    if (this.#closeInfo) return;
    this.#closeInfo = { reason, message };
    for (const deadline of this.#deadlines) deadline.stop();
    this.#writes.close();
    this.inbox.cancel();
    this.conn.close();
    this.closed.resolve(this.#closeInfo);
  }

  /** Throws why the connection closed during the handshake: an abort's reason, or a `WireError`. */
  throwClosed(): never {
    if (this.options.signal?.aborted) throw this.options.signal.reason;
    const { reason, message } = this.#closeInfo!;
    throw new WireError(reason as WireErrorReason, message);
  }

  #startTimers(): void {
    const idle = this.limits.idleTimeoutMs;
    this.#deadlines.push(
      new Deadline(idle, () => this.inbox.idleSince(), () => {
        this.close("idle-timeout", `nothing received for ${idle} ms`);
      }),
      new Deadline(this.limits.keepAliveIntervalMs, () => this.#lastSent, () => {
        this.send({ type: "keepAlive" });
      }),
    );
  }
}
