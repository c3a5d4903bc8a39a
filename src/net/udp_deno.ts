/**
 * {@link UdpSocket} over `Deno.listenDatagram` (needs `--unstable-net` or
 * `"unstable": ["net"]`). Packets are read with an `await receive(buffer)`
 * loop, the fastest way measured under Deno, each straight into the free end
 * of a 1 MiB pool that is replaced, never reused, once less than a largest
 * datagram is left: a handler may keep its packet, and nothing is copied or
 * allocated per packet but the view.
 *
 * @module
 */

import type { PeerAddress } from "../../transports/mod.ts";
import { UdpHandlers, unmapAddress } from "./_handlers.ts";
import type { UdpBindOptions, UdpHandler, UdpSocket } from "./udp.ts";

/** Largest UDP payload. */
const MAX_DATAGRAM = 65536;
/** Bytes of each receive pool. */
const POOL_SIZE = 1024 * 1024;

/**
 * Binds a UDP socket with Deno's own API.
 *
 * @param options Local address (default `0.0.0.0`) and port (default any).
 * @returns The bound socket, already receiving.
 * @throws {Error} When the address cannot be bound (as a rejection).
 */
export function bindDenoUdp(options: UdpBindOptions = {}): Promise<UdpSocket> {
  try {
    const conn = Deno.listenDatagram({
      transport: "udp",
      hostname: options.host ?? "0.0.0.0",
      port: options.port ?? 0,
    });
    return Promise.resolve(new DenoUdpSocket(conn));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** One bound Deno datagram socket. */
class DenoUdpSocket implements UdpSocket {
  readonly localAddress: PeerAddress;
  readonly closed: Promise<void>;
  #conn: Deno.DatagramConn;
  #handlers = new UdpHandlers();
  #open = true;

  constructor(conn: Deno.DatagramConn) {
    this.#conn = conn;
    const addr = conn.addr as Deno.NetAddr;
    this.localAddress = { host: addr.hostname, port: addr.port };
    this.closed = this.#receiveLoop();
  }

  async send(bytes: Uint8Array, to: PeerAddress): Promise<void> {
    await this.#conn.send(bytes, { transport: "udp", hostname: to.host, port: to.port });
  }

  addHandler(handler: UdpHandler): () => void {
    return this.#handlers.add(handler);
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.#conn.close();
    } catch {
      // already closed by the runtime
    }
  }

  async #receiveLoop(): Promise<void> {
    let pool = new Uint8Array(POOL_SIZE);
    let used = 0;
    while (this.#open) {
      if (POOL_SIZE - used < MAX_DATAGRAM) {
        pool = new Uint8Array(POOL_SIZE);
        used = 0;
      }
      let packet: Uint8Array;
      let from: Deno.NetAddr;
      try {
        const [data, addr] = await this.#conn.receive(pool.subarray(used));
        packet = pool.subarray(used, used + data.length);
        used += data.length;
        from = addr as Deno.NetAddr;
      } catch (error) {
        // An ICMP error from an earlier send, reported here on some systems: the socket still works.
        const icmp = error instanceof Deno.errors.ConnectionRefused ||
          error instanceof Deno.errors.ConnectionReset;
        if (this.#open && icmp) continue;
        break;
      }
      this.#handlers.dispatch(packet, { host: unmapAddress(from.hostname), port: from.port });
    }
    this.close();
  }
}
