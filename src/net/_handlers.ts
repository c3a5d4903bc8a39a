/**
 * The handler list behind every `UdpSocket`: each packet goes to the
 * first handler that claims it.
 *
 * @module
 */

import type { PeerAddress } from "../../transports/mod.ts";
import type { UdpHandler } from "./udp.ts";

/** An ordered list of packet handlers. */
export class UdpHandlers {
  #handlers: UdpHandler[] = [];

  /** Adds a handler at the end; the returned function removes it. */
  add(handler: UdpHandler): () => void {
    const entry: UdpHandler = (bytes, from) => handler(bytes, from);
    this.#handlers = [...this.#handlers, entry];
    return () => {
      this.#handlers = this.#handlers.filter((h) => h !== entry);
    };
  }

  /** Offers a packet to each handler in turn until one claims it. */
  dispatch(bytes: Uint8Array, from: PeerAddress): void {
    for (const handler of this.#handlers) {
      try {
        if (handler(bytes, from) === true) return;
      } catch {
        return;
      }
    }
  }
}

/**
 * Reports an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) as plain IPv4, and
 * any other address unchanged.
 */
export function unmapAddress(host: string): string {
  const match = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(host);
  return match ? match[1]! : host;
}
