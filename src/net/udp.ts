/**
 * The UDP socket contract: one socket per client port, shared by every
 * protocol that speaks UDP (UDP trackers, uTP, the DHT). Packets are told
 * apart by their contents, so a socket keeps a list of handlers and offers
 * each packet to them in order: the first that claims it (returns `true`)
 * gets it, and unclaimed packets are dropped.
 *
 * {@link bindUdp} loads the implementation for the running runtime on
 * demand (`Deno.listenDatagram` under Deno, `node:dgram` under Node and
 * under Deno without `--unstable-net`), so a browser bundle never runs
 * either.
 *
 * @example
 * ```ts
 * import { bindUdp } from "./udp.ts";
 * const a = await bindUdp({ host: "127.0.0.1" });
 * const b = await bindUdp({ host: "127.0.0.1" });
 * const got = Promise.withResolvers<string>();
 * b.addHandler((bytes) => (got.resolve(new TextDecoder().decode(bytes)), true));
 * await a.send(new TextEncoder().encode("ping"), b.localAddress);
 * console.assert(await got.promise === "ping");
 * a.close();
 * b.close();
 * ```
 *
 * @module
 */

import type { PeerAddress } from "../../transports/mod.ts";
import { runtime } from "../runtime.ts";

export type { PeerAddress };

/**
 * Offered each incoming packet. Returns `true` to claim it (later handlers
 * do not see it); anything else passes it on. `bytes` belongs to the
 * handler: it may keep it. `from` gives IPv4-mapped IPv6 senders
 * (`::ffff:a.b.c.d`) as plain IPv4. A handler that throws is taken to have
 * claimed the packet, and the error is dropped, so one faulty consumer cannot
 * stop the others.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { bindUdp, type UdpHandler } from "./udp.ts";
 *
 * const socket = await bindUdp({ host: "127.0.0.1" });
 * const rest = Promise.withResolvers<number>();
 * const ones: UdpHandler = (bytes) => bytes[0] === 1; // claims the packets that start with 1
 * socket.addHandler(ones);
 * socket.addHandler((bytes) => rest.resolve(bytes[0]!));
 * await socket.send(new Uint8Array([1]), socket.localAddress);
 * await socket.send(new Uint8Array([2]), socket.localAddress);
 * strictEqual(await rest.promise, 2); // the 1 never got past `ones`
 * socket.close();
 * ```
 */
export type UdpHandler = (bytes: Uint8Array, from: PeerAddress) => boolean | void;

/** Where to bind a UDP socket. */
export interface UdpBindOptions {
  /** Local address; defaults to `0.0.0.0` (all IPv4 interfaces). `::` binds IPv6 (dual-stack where the system allows). Tests use `127.0.0.1` or `::1`. */
  host?: string;
  /** Local port; 0 or absent picks a free one. */
  port?: number;
}

/**
 * A bound UDP socket whose packets go to a list of handlers.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { bindUdp, type UdpSocket } from "./udp.ts";
 *
 * const socket: UdpSocket = await bindUdp({ host: "127.0.0.1", port: 0 });
 * strictEqual(socket.localAddress.host, "127.0.0.1");
 * const got = Promise.withResolvers<Uint8Array>();
 * const remove = socket.addHandler((bytes) => got.resolve(bytes));
 * await socket.send(new Uint8Array([7]), socket.localAddress); // to itself
 * deepStrictEqual(await got.promise, new Uint8Array([7]));
 * remove();
 * socket.close();
 * await socket.closed;
 * ```
 */
export interface UdpSocket {
  /** The bound address, with the real port when 0 was asked for. */
  readonly localAddress: PeerAddress;
  /**
   * Sends one datagram to an IP address or a host name.
   *
   * @throws {Error} When the socket is closed or the system refuses the send.
   */
  send(bytes: Uint8Array, to: PeerAddress): Promise<void>;
  /**
   * Adds a handler after those already there.
   *
   * @returns A function that removes it again.
   */
  addHandler(handler: UdpHandler): () => void;
  /** Closes the socket; safe to call more than once; never throws. */
  close(): void;
  /** Settles once the socket is closed. */
  readonly closed: Promise<void>;
}

/**
 * Binds a UDP socket with the implementation for this runtime.
 *
 * @param options Local address and port.
 * @returns The bound socket.
 * @throws {Error} When the address cannot be bound, or in a browser (no UDP).
 */
export async function bindUdp(options: UdpBindOptions = {}): Promise<UdpSocket> {
  if (runtime === "deno" && hasDenoDatagrams()) {
    return (await import("./udp_deno.ts")).bindDenoUdp(options);
  }
  // Node, or Deno without --unstable-net (a program importing us by URL): node:dgram.
  if (runtime !== "browser") return (await import("./udp_node.ts")).bindNodeUdp(options);
  throw new Error("This runtime has no UDP sockets");
}

/** Whether Deno's own UDP sockets are on (`--unstable-net`, or `"unstable": ["net"]`). */
function hasDenoDatagrams(): boolean {
  return typeof (globalThis as { Deno?: { listenDatagram?: unknown } }).Deno?.listenDatagram ===
    "function";
}
