/**
 * In-memory connections for fast, deterministic tests: a connected `Conn`
 * pair, and a `Transport` whose listeners live in one process.
 *
 * @module
 */

import type { Conn, DialOptions, Listener, ListenOptions, PeerAddress, Transport } from "./mod.ts";

/** Bytes each direction holds before writes wait for the reader, as a socket's buffers do. */
const BUFFER_BYTES = 64 * 1024;

/**
 * Two connected ends: what one writes, the other reads. Closing one end lets
 * the other read what was already written, then its stream ends and it
 * closes too.
 *
 * @example
 * ```ts
 * import { memoryConnPair } from "./memory.ts";
 * const [a, b] = memoryConnPair();
 * const writer = a.writable.getWriter();
 * await writer.write(new Uint8Array([1, 2, 3]));
 * const { value } = await b.readable.getReader().read();
 * console.assert(value?.length === 3);
 * a.close();
 * await b.closed;
 * ```
 */
export function memoryConnPair(
  addresses: [PeerAddress | null, PeerAddress | null] = [null, null],
): [Conn, Conn] {
  const buffer = { highWaterMark: BUFFER_BYTES, size: (chunk: Uint8Array) => chunk.byteLength };
  const ab = new TransformStream<Uint8Array, Uint8Array>({}, undefined, buffer);
  const ba = new TransformStream<Uint8Array, Uint8Array>({}, undefined, buffer);
  return [
    new MemoryConn(ba.readable, ab.writable, addresses[1]),
    new MemoryConn(ab.readable, ba.writable, addresses[0]),
  ];
}

/** One end of an in-memory pair. */
class MemoryConn implements Conn {
  readonly transport = "memory" as const;
  readonly remoteAddress: PeerAddress | null;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly closed: Promise<void>;
  #done = false;
  #resolve!: () => void;
  #rejectWrites!: (error: Error) => void;
  #closing = new Promise<never>((_, reject) => {
    this.#rejectWrites = reject;
  });
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #writer: WritableStreamDefaultWriter<Uint8Array>;

  constructor(
    incoming: ReadableStream<Uint8Array>,
    outgoing: WritableStream<Uint8Array>,
    remote: PeerAddress | null,
  ) {
    this.remoteAddress = remote;
    this.closed = new Promise((resolve) => {
      this.#resolve = resolve; // Not Promise.withResolvers: Node 20 lacks it.
    });
    this.#closing.catch(() => {});
    this.#reader = incoming.getReader();
    this.#writer = outgoing.getWriter();
    this.readable = new ReadableStream({
      pull: async (controller) => {
        const { value, done } = await this.#reader.read().catch(() => ({
          value: undefined,
          done: true as const,
        }));
        if (done) {
          controller.close();
          this.close();
        } else {
          controller.enqueue(value);
        }
      },
      cancel: () => this.close(),
    }, { highWaterMark: 1 }); // One read pending at all times notices the peer closing.
    this.writable = new WritableStream({
      write: (chunk) => {
        if (this.#done) throw new Error("Connection closed");
        // A write still waiting for the reader fails when this end closes.
        return Promise.race([this.#writer.write(chunk.slice()), this.#closing]);
      },
      close: () => this.close(),
      abort: () => this.close(),
    });
  }

  close(): void {
    if (this.#done) return;
    this.#done = true;
    this.#writer.close().catch(() => {});
    this.#reader.cancel().catch(() => {});
    this.#rejectWrites(new Error("Connection closed"));
    this.#resolve();
  }
}

/**
 * A transport whose listeners are reachable only from transports made by
 * the same {@link MemoryNetwork}.
 *
 * @example
 * ```ts
 * import { rejects, strictEqual } from "node:assert/strict";
 * import { MemoryNetwork } from "./memory.ts";
 *
 * const network = new MemoryNetwork();
 * const listener = await network.transport("10.0.0.1").listen({ port: 6881 });
 * const dialled = await network.transport("10.0.0.2").dial({ host: "10.0.0.1", port: 6881 });
 * for await (const accepted of listener) {
 *   strictEqual(accepted.remoteAddress?.host, "10.0.0.2");
 *   accepted.close();
 *   break;
 * }
 * await rejects(new MemoryNetwork().transport().dial(listener.address)); // another network
 * listener.close();
 * await dialled.closed;
 * ```
 */
export class MemoryNetwork {
  #listeners = new Map<number, (conn: Conn) => void>();
  #nextPort = 10000;

  /** A transport on this network, dialling from `host`. */
  transport(host = "127.0.0.1"): Transport {
    return {
      name: "memory",
      dial: (address, options) => this.#dial(host, address, options),
      listen: (options) => Promise.resolve(this.#listen(host, options)),
    };
  }

  async #dial(host: string, address: PeerAddress, options: DialOptions = {}): Promise<Conn> {
    options.signal?.throwIfAborted();
    await null; // Connecting takes a turn, as on a network: an abort right after dial() counts.
    options.signal?.throwIfAborted();
    const accept = this.#listeners.get(address.port);
    if (!accept) throw new Error(`Connection refused: ${address.port}`);
    const [ours, theirs] = memoryConnPair([{ host, port: this.#nextPort++ }, address]);
    accept(theirs);
    return ours;
  }

  #listen(host: string, options: ListenOptions = {}): Listener {
    const port = options.port || this.#nextPort++;
    if (this.#listeners.has(port)) throw new Error(`Address in use: ${port}`);
    const queue: Conn[] = [];
    let wake: (() => void) | null = null;
    let open = true;
    this.#listeners.set(port, (conn) => {
      queue.push(conn);
      wake?.();
    });
    const close = () => {
      open = false;
      this.#listeners.delete(port);
      wake?.();
    };
    return {
      address: { host: options.host ?? host, port },
      close,
      async *[Symbol.asyncIterator]() {
        while (open) {
          const conn = queue.shift();
          if (conn) {
            yield conn;
            continue;
          }
          await new Promise<void>((resolve) => wake = resolve);
          wake = null;
        }
      },
    };
  }
}
