/**
 * TCP over `node:net`, for Node (under Deno, `tcp_deno.ts` is faster). Each
 * socket becomes web streams by hand: reading pauses the socket while the
 * consumer is behind, and a write resolves once Node has handed the bytes
 * to the system. Reach it through `tcpTransport()` in `tcp.ts`.
 *
 * @module
 */

import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import {
  type Conn,
  type DialOptions,
  formatAddress,
  type Listener,
  type ListenOptions,
  type PeerAddress,
  type Transport,
} from "./mod.ts";

/** Bytes read ahead of the consumer before the socket is paused. */
const READ_AHEAD = 256 * 1024;

/**
 * The TCP transport over `node:net`.
 *
 * @returns A transport that dials with `net.connect` and listens with `net.createServer`.
 */
export function nodeTcpTransport(): Transport {
  return { name: "tcp", dial, listen };
}

function dial(address: PeerAddress, options: DialOptions = {}): Promise<Conn> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.host, port: address.port });
    const settle = () => {
      socket.off("connect", onConnect);
      socket.off("error", onError);
      signal?.removeEventListener("abort", onAbort);
    };
    const onConnect = () => {
      settle();
      resolve(new NodeTcpConn(socket));
    };
    const onError = (error: Error) => {
      settle();
      socket.destroy();
      reject(
        new Error(`Cannot dial ${formatAddress(address)}: ${error.message}`, { cause: error }),
      );
    };
    const onAbort = () => {
      settle();
      socket.destroy();
      reject(signal?.reason);
    };
    socket.once("connect", onConnect);
    socket.once("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function listen(options: ListenOptions = {}): Promise<Listener> {
  const address = { host: options.host ?? "0.0.0.0", port: options.port ?? 0 };
  const server = createServer();
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      reject(
        new Error(`Cannot listen on ${formatAddress(address)}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    server.once("error", onError);
    server.listen(address, () => {
      server.off("error", onError);
      resolve(new NodeTcpListener(server));
    });
  });
}

/** Accepted connections of one `net.Server`, queued until the consumer takes them. */
class NodeTcpListener implements Listener {
  readonly address: PeerAddress;
  #server: Server;
  #queue: Conn[] = [];
  #waiters: (() => void)[] = [];
  #open = true;

  constructor(server: Server) {
    this.#server = server;
    const bound = server.address() as AddressInfo;
    this.address = { host: bound.address, port: bound.port };
    // Failed accepts (out of file descriptors, say) are reported here; the server keeps listening.
    server.on("error", () => {});
    server.on("connection", (socket: Socket) => {
      this.#queue.push(new NodeTcpConn(socket));
      this.#wake();
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Conn> {
    while (this.#open) {
      const conn = this.#queue.shift();
      if (conn) yield conn;
      else await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#server.close();
    for (const conn of this.#queue.splice(0)) conn.close();
    this.#wake();
  }

  #wake(): void {
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}

/** One `net.Socket` as a {@link Conn}. */
class NodeTcpConn implements Conn {
  readonly transport = "tcp" as const;
  readonly remoteAddress: PeerAddress | null;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly closed: Promise<void>;
  #socket: Socket;
  #open = true;
  #readEnded = false;
  #resolveClosed!: () => void;
  #rejectWrite: ((error: Error) => void) | null = null;
  #readController!: ReadableStreamDefaultController<Uint8Array>;
  #writeController!: WritableStreamDefaultController;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    const { remoteAddress: host, remotePort: port } = socket;
    // A socket reset before it was wrapped no longer knows its peer.
    this.remoteAddress = host !== undefined && port !== undefined ? { host, port } : null;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#readController = controller;
      },
      pull: () => void socket.resume(),
      cancel: () => this.close(),
    }, { highWaterMark: READ_AHEAD, size: (chunk) => chunk.byteLength });
    this.writable = new WritableStream<Uint8Array>({
      start: (controller) => {
        this.#writeController = controller;
      },
      write: (chunk) => this.#write(chunk),
      close: () => this.close(),
      abort: () => this.close(),
    });
    socket.on("data", (data: Uint8Array) => this.#onData(data));
    socket.on("end", () => this.#onEnd());
    socket.on("error", (error) => this.#onEnd(error));
    socket.on("close", () => this.#onEnd());
  }

  #onData(data: Uint8Array): void {
    if (!this.#open) return;
    this.#readController.enqueue(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if ((this.#readController.desiredSize ?? 0) <= 0) this.#socket.pause();
  }

  /** The peer closed or the link failed: end the readable and close. */
  #onEnd(error?: Error): void {
    if (!this.#open) return;
    this.#endReading(error);
    this.close();
  }

  /** Ends the readable once: with an error when the link failed. */
  #endReading(error?: Error): void {
    if (this.#readEnded) return;
    this.#readEnded = true;
    if (error === undefined) this.#readController.close();
    else this.#readController.error(error);
  }

  #write(chunk: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#rejectWrite = reject;
      this.#socket.write(chunk, (error) => {
        this.#rejectWrite = null;
        if (error) reject(error);
        else resolve();
      });
    });
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#socket.destroy();
    this.#endReading();
    const error = new Error("Connection closed");
    this.#rejectWrite?.(error);
    this.#writeController.error(error);
    this.#resolveClosed();
  }
}
