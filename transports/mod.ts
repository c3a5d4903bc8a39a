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

/** The transports the library knows. */
export type TransportName = "tcp" | "utp" | "webrtc" | "memory";

/** Where a peer is: a host name or IP literal (IPv6 without brackets) and a port. */
export interface PeerAddress {
  /** Host name, IPv4 address, or IPv6 address without brackets. */
  host: string;
  /** Port, 1 to 65535. */
  port: number;
}

/** A reliable, ordered byte stream to one peer. */
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

/** Options for {@link Transport.dial}. */
export interface DialOptions {
  /** Abandons the attempt (and closes a connection that arrives later). */
  signal?: AbortSignal;
}

/** Options for {@link Transport.listen}. */
export interface ListenOptions {
  /** Address to bind; defaults to all interfaces. Tests use `127.0.0.1`. */
  host?: string;
  /** Port to bind; 0 or absent picks a free one. */
  port?: number;
}

/** Incoming connections on one address. */
export interface Listener extends AsyncIterable<Conn> {
  /** The bound address (with the real port when 0 was asked for). */
  readonly address: PeerAddress;
  /** Stops accepting; the iteration ends. Accepted connections stay open. */
  close(): void;
}

/** Makes connections of one kind. */
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
