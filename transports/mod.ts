/**
 * The contracts every transport meets: a `Conn` is a reliable, ordered byte
 * stream to one peer, whatever carries it (TCP, uTP, a WebRTC data channel,
 * memory); a `Transport` dials and listens. The wire layer sees only `Conn`.
 *
 * The shape follows `Deno.Conn`: web streams to read and write, `close()`,
 * the remote address.
 *
 * @module
 */

/**
 * The transports the library knows.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { memoryConnPair } from "./memory.ts";
 * import type { TransportName } from "./mod.ts";
 * import { tcpTransport } from "./tcp.ts";
 *
 * const [a, b] = memoryConnPair();
 * const name: TransportName = a.transport;
 * strictEqual(name, "memory");
 * strictEqual(tcpTransport().name, "tcp");
 * a.close();
 * await b.closed;
 * ```
 */
export type TransportName = "tcp" | "utp" | "webrtc" | "memory";

/**
 * Where a peer is: a host name or IP literal (IPv6 without brackets) and a port.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { formatAddress, parseAddress, type PeerAddress } from "./mod.ts";
 *
 * const address: PeerAddress = { host: "::1", port: 6881 };
 * strictEqual(formatAddress(address), "[::1]:6881");
 * deepStrictEqual(parseAddress("[::1]:6881"), address);
 * ```
 */
export interface PeerAddress {
  /** Host name, IPv4 address, or IPv6 address without brackets. */
  host: string;
  /** Port, 1 to 65535. */
  port: number;
}

/**
 * A reliable, ordered byte stream to one peer.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { memoryConnPair } from "./memory.ts";
 * import type { Conn } from "./mod.ts";
 *
 * const [a, b] = memoryConnPair([{ host: "10.0.0.1", port: 1 }, { host: "10.0.0.2", port: 2 }]);
 * const conn: Conn = a;
 * strictEqual(conn.transport, "memory");
 * deepStrictEqual(conn.remoteAddress, { host: "10.0.0.2", port: 2 });
 * await conn.writable.getWriter().write(new Uint8Array([1, 2]));
 * deepStrictEqual((await b.readable.getReader().read()).value, new Uint8Array([1, 2]));
 * conn.close();
 * await b.closed; // the other end sees it close
 * ```
 */
export interface Conn {
  /** What carries it. */
  readonly transport: TransportName;
  /** The remote end, when the transport knows it (a WebRTC peer may not). */
  readonly remoteAddress: PeerAddress | null;
  /** Bytes from the peer; ends when the peer closes, errors when the link fails. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Bytes to the peer; a write resolves once the transport has taken the bytes. */
  readonly writable: WritableStream<Uint8Array>;
  /** Closes both directions at once; safe to call more than once; never throws. */
  close(): void;
  /** Settles once the connection is closed, by either side or by failure. */
  readonly closed: Promise<void>;
}

/**
 * Options for {@link Transport.dial}.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { MemoryNetwork } from "./memory.ts";
 * import type { DialOptions } from "./mod.ts";
 *
 * const transport = new MemoryNetwork().transport();
 * const listener = await transport.listen();
 * const options: DialOptions = { signal: AbortSignal.abort() };
 * await rejects(transport.dial(listener.address, options), { name: "AbortError" });
 * listener.close();
 * ```
 */
export interface DialOptions {
  /** Abandons the attempt (and closes a connection that arrives later). */
  signal?: AbortSignal;
}

/**
 * Options for {@link Transport.listen}.
 *
 * @example
 * ```ts
 * import { notStrictEqual, strictEqual } from "node:assert/strict";
 * import type { ListenOptions } from "./mod.ts";
 * import { tcpTransport } from "./tcp.ts";
 *
 * const options: ListenOptions = { host: "127.0.0.1", port: 0 };
 * const listener = await tcpTransport().listen(options);
 * strictEqual(listener.address.host, "127.0.0.1");
 * notStrictEqual(listener.address.port, 0); // a free port was picked
 * listener.close();
 * ```
 */
export interface ListenOptions {
  /** Address to bind; defaults to all interfaces. Tests use `127.0.0.1`. */
  host?: string;
  /** Port to bind; 0 or absent picks a free one. */
  port?: number;
}

/**
 * Incoming connections on one address.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { MemoryNetwork } from "./memory.ts";
 * import type { Listener } from "./mod.ts";
 *
 * const network = new MemoryNetwork();
 * const listener: Listener = await network.transport("10.0.0.1").listen();
 * const dialled = await network.transport("10.0.0.2").dial(listener.address);
 * for await (const conn of listener) {
 *   strictEqual(conn.remoteAddress?.host, "10.0.0.2");
 *   conn.close();
 *   break;
 * }
 * listener.close();
 * await dialled.closed;
 * ```
 */
export interface Listener extends AsyncIterable<Conn> {
  /** The bound address (with the real port when 0 was asked for). */
  readonly address: PeerAddress;
  /** Stops accepting; the iteration ends. Accepted connections stay open. */
  close(): void;
}

/**
 * Makes connections of one kind.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { MemoryNetwork } from "./memory.ts";
 * import type { Transport } from "./mod.ts";
 *
 * // A transport of your own: this one counts the dials of another.
 * const inner = new MemoryNetwork().transport();
 * let dials = 0;
 * const counting: Transport = {
 *   name: inner.name,
 *   dial(address, options) {
 *     dials++;
 *     return inner.dial(address, options);
 *   },
 *   listen: (options) => inner.listen(options),
 * };
 * const listener = await counting.listen();
 * (await counting.dial(listener.address)).close();
 * strictEqual(dials, 1);
 * listener.close();
 * ```
 */
export interface Transport {
  /** Which transport this is. */
  readonly name: TransportName;
  /**
   * Connects to a peer.
   *
   * @throws {Error} When the peer cannot be reached; `AbortError` when aborted.
   */
  dial(address: PeerAddress, options?: DialOptions): Promise<Conn>;
  /** Accepts connections. */
  listen(options?: ListenOptions): Promise<Listener>;
}

/**
 * Formats an address as `host:port`, bracketing IPv6: `[::1]:6881`.
 *
 * @example
 * ```ts
 * import { formatAddress } from "./mod.ts";
 * console.assert(formatAddress({ host: "::1", port: 6881 }) === "[::1]:6881");
 * ```
 */
export function formatAddress(address: PeerAddress): string {
  return address.host.includes(":")
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}

/**
 * Parses `host:port` or `[v6]:port`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { parseAddress } from "./mod.ts";
 *
 * deepStrictEqual(parseAddress("127.0.0.1:6881"), { host: "127.0.0.1", port: 6881 });
 * deepStrictEqual(parseAddress("[::1]:6881"), { host: "::1", port: 6881 });
 * throws(() => parseAddress("127.0.0.1"), SyntaxError); // no port
 * throws(() => parseAddress("127.0.0.1:0"), SyntaxError);
 * ```
 *
 * @throws {SyntaxError} When it is not an address with a port from 1 to 65535.
 */
export function parseAddress(text: string): PeerAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) {
    throw new SyntaxError(`Cannot parse peer address "${text}": expected HOST:PORT`);
  }
  return { host: match[1] ?? match[2]!, port };
}
