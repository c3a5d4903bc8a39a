/**
 * The accept queue of a uTP endpoint as a {@link Listener}: connections
 * whose handshake completed wait here, a bounded number of them, until the
 * iteration takes them.
 *
 * @module
 */

import type { Conn, Listener, PeerAddress } from "../mod.ts";

/** Connections accepted but not yet taken; more are refused. */
export const MAX_BACKLOG = 128;

/** Accepted uTP connections on one endpoint. */
export class UtpListener implements Listener {
  readonly address: PeerAddress;
  #queue: Conn[] = [];
  #waiter: ((conn: Conn | null) => void) | null = null;
  #open = true;
  #onClose: () => void;

  /**
   * @param address The endpoint's bound address.
   * @param onClose Called once when the listener closes.
   */
  constructor(address: PeerAddress, onClose: () => void) {
    this.address = address;
    this.#onClose = onClose;
  }

  /** Whether it still accepts. */
  get open(): boolean {
    return this.#open;
  }

  /**
   * Offers an accepted connection.
   *
   * @returns False when the listener is closed or its backlog is full.
   */
  push(conn: Conn): boolean {
    if (!this.#open) return false;
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = null;
      waiter(conn);
      return true;
    }
    if (this.#queue.length >= MAX_BACKLOG) return false;
    this.#queue.push(conn);
    return true;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Conn> {
    while (this.#open) {
      const conn = this.#queue.shift() ??
        await new Promise<Conn | null>((resolve) => this.#waiter = resolve);
      if (conn === null) return;
      yield conn;
    }
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    for (const conn of this.#queue.splice(0)) conn.close();
    this.#waiter?.(null);
    this.#waiter = null;
    this.#onClose();
  }
}
