/**
 * {@link UdpSocket} over `node:dgram`, for Node (under Deno, `udp_deno.ts` is
 * faster).
 *
 * @module
 */

import { createSocket, type Socket } from "node:dgram";
import type { PeerAddress } from "../../transports/mod.ts";
import { UdpHandlers, unmapAddress } from "./_handlers.ts";
import type { UdpBindOptions, UdpHandler, UdpSocket } from "./udp.ts";

/**
 * Binds a UDP socket with `node:dgram`.
 *
 * @param options Local address (default `0.0.0.0`) and port (default any).
 * @returns The bound socket, already receiving.
 * @throws {Error} When the address cannot be bound.
 */
export async function bindNodeUdp(options: UdpBindOptions = {}): Promise<UdpSocket> {
  const host = options.host ?? "0.0.0.0";
  const socket = createSocket({ type: host.includes(":") ? "udp6" : "udp4" });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port ?? 0, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  return new NodeUdpSocket(socket);
}

/** One bound `node:dgram` socket. */
class NodeUdpSocket implements UdpSocket {
  readonly localAddress: PeerAddress;
  readonly closed: Promise<void>;
  #socket: Socket;
  #handlers = new UdpHandlers();
  #open = true;

  constructor(socket: Socket) {
    this.#socket = socket;
    const { address, port } = socket.address();
    this.localAddress = { host: address, port };
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    // Receive errors do not close the socket; without a listener Node would throw them.
    socket.on("error", () => {});
    socket.on("message", (message, rinfo) => {
      const bytes = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
      this.#handlers.dispatch(bytes, { host: unmapAddress(rinfo.address), port: rinfo.port });
    });
  }

  send(bytes: Uint8Array, to: PeerAddress): Promise<void> {
    if (!this.#open) return Promise.reject(new Error("Cannot send: the UDP socket is closed"));
    return new Promise((resolve, reject) => {
      this.#socket.send(bytes, to.port, to.host, (error) => error ? reject(error) : resolve());
    });
  }

  addHandler(handler: UdpHandler): () => void {
    return this.#handlers.add(handler);
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#socket.close();
  }
}
