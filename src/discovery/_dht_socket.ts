/**
 * A `node:dgram`-shaped socket over a shared {@link UdpSocket}, for
 * k-rpc-socket (which bittorrent-dht lets us hand a socket): it claims the
 * packets that look like KRPC (a bencoded dictionary, first byte `d`; UDP
 * tracker replies start with a zero byte and uTP packets with a version
 * nibble of 1), so the DHT shares the client's port with the others.
 * Loaded only where UDP exists (Deno and Node).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { EventEmitter } from "node:events";
import type { UdpSocket } from "../net/udp.ts";

const BENCODE_DICT = 0x64; // "d"

/** What k-rpc-socket uses of a `dgram.Socket`. */
export class SharedDhtSocket extends EventEmitter {
  #udp: UdpSocket;
  #remove: () => void;

  constructor(udp: UdpSocket) {
    super();
    this.#udp = udp;
    this.#remove = udp.addHandler((bytes, from) => {
      if (bytes[0] !== BENCODE_DICT) return false;
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
      const family = from.host.includes(":") ? "IPv6" : "IPv4";
      this.emit("message", buffer, {
        address: from.host,
        port: from.port,
        family,
        size: bytes.length,
      });
      return true;
    });
  }

  /** Sends `length` bytes of `buffer` from `offset`, as `dgram` does. */
  send(
    buffer: Uint8Array,
    offset: number,
    length: number,
    port: number,
    host: string,
    callback?: (error?: Error) => void,
  ): void {
    const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
    this.#udp.send(bytes, { host, port }).then(() => callback?.(), (error) => callback?.(error));
  }

  /** The shared socket's address. */
  address(): { address: string; port: number; family: string } {
    const { host, port } = this.#udp.localAddress;
    return { address: host, port, family: host.includes(":") ? "IPv6" : "IPv4" };
  }

  /** Already bound: reports listening. */
  bind(...args: unknown[]): void {
    const callback = args.find((arg) => typeof arg === "function") as (() => void) | undefined;
    queueMicrotask(() => {
      this.emit("listening");
      callback?.();
    });
  }

  /** Stops taking packets; the shared socket stays open. */
  close(): void {
    this.#remove();
    queueMicrotask(() => this.emit("close"));
  }
}
