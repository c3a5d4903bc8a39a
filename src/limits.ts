/**
 * Every bound the library enforces, in one place, with documented defaults.
 *
 * Pass a partial object wherever `limits` is accepted; missing fields take
 * the values of {@link defaultLimits}.
 *
 * @module
 */

/**
 * Bounds on what the library accepts from files and the network, and how long it waits.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import type { Limits } from "./limits.ts";
 * import { decodeBencode } from "./metainfo/bencode.ts";
 *
 * const shallow: Partial<Limits> = { maxBencodeDepth: 2 };
 * const nested = new TextEncoder().encode("llleee"); // three lists deep
 * decodeBencode(nested); // fine with the defaults
 * throws(() => decodeBencode(nested, shallow), { name: "BencodeError" });
 * ```
 */
export interface Limits {
  /** Largest bencoded document (a `.torrent` file, a tracker reply), in bytes. */
  maxBencodeBytes: number;
  /** Deepest nesting of lists and dictionaries in bencode. */
  maxBencodeDepth: number;
  /** Most bencode tokens (integers, strings, lists, dictionaries) in one document. */
  maxBencodeTokens: number;
  /** Longest single bencode byte string, in bytes. */
  maxBencodeStringBytes: number;
  /** Most files one torrent may list (pad files included). */
  maxTorrentFiles: number;
  /** Longest path component kept from a torrent, in UTF-8 bytes; longer ones are shortened. */
  maxPathComponentBytes: number;
  /** Largest info dictionary fetched from peers (BEP 9), in bytes. */
  maxMetadataBytes: number;
  /** Largest peer wire message other than a bitfield, length prefix excluded, in bytes. */
  maxMessageBytes: number;
  /** Largest block a peer may request, in bytes. */
  maxRequestBytes: number;
  /** Most requests a peer may have queued with us; more closes it. Advertised as `reqq`. */
  maxPeerRequests: number;
  /** Most requests we keep outstanding to one peer, whatever its rate. */
  maxRequestsPerPeer: number;
  /** Most connections per torrent. */
  maxConnectionsPerTorrent: number;
  /** Most connections for the whole client. */
  maxConnections: number;
  /** Most outgoing connection attempts in flight at once. */
  maxHalfOpen: number;
  /** Bytes of data received but not yet written to storage, per torrent; reading pauses above it. */
  maxPendingWriteBytes: number;
  /**
   * Milliseconds a dial over the preferred transport (uTP) runs alone before
   * the next (TCP) joins in; the first to connect wins.
   */
  transportHeadStartMs: number;
  /** Milliseconds to complete the handshake after connecting. */
  handshakeTimeoutMs: number;
  /** Milliseconds without any message before a peer is dropped. */
  idleTimeoutMs: number;
  /** Milliseconds between keep-alives we send when otherwise silent. */
  keepAliveIntervalMs: number;
  /** Milliseconds a requested block may take before it is requested elsewhere. */
  requestTimeoutMs: number;
  /**
   * Milliseconds to wait for a tracker's answer (HTTP), or before the first
   * resend (UDP, which doubles it each time); a tracker gets four times this
   * before the next one is tried.
   */
  trackerTimeoutMs: number;
  /** Largest tracker response body, in bytes. */
  maxTrackerResponseBytes: number;
  /** Open file handles the filesystem storage keeps per torrent. */
  maxOpenFiles: number;
  /** Milliseconds between PEX messages to a peer (BEP 11 asks for at least a minute). */
  pexIntervalMs: number;
  /** Most dials the PEX messages of one connected peer may cause. */
  maxPexDialsPerPeer: number;
}

/**
 * The defaults: generous for real torrents and fast links, small enough
 * that a hostile file or peer cannot exhaust memory, the stack or our time.
 *
 * @example
 * ```ts
 * import { defaultLimits } from "./limits.ts";
 * console.assert(defaultLimits.maxBencodeDepth === 100);
 * ```
 */
export const defaultLimits: Readonly<Limits> = Object.freeze({
  maxBencodeBytes: 64 * 1024 * 1024,
  maxBencodeDepth: 100,
  maxBencodeTokens: 4_000_000,
  maxBencodeStringBytes: 48 * 1024 * 1024,
  maxTorrentFiles: 1_000_000,
  maxPathComponentBytes: 255,
  maxMetadataBytes: 10 * 1024 * 1024,
  maxMessageBytes: 1024 * 1024,
  maxRequestBytes: 16 * 1024,
  maxPeerRequests: 2000,
  maxRequestsPerPeer: 500,
  maxConnectionsPerTorrent: 50,
  maxConnections: 200,
  maxHalfOpen: 20,
  maxPendingWriteBytes: 16 * 1024 * 1024,
  transportHeadStartMs: 500,
  handshakeTimeoutMs: 10_000,
  idleTimeoutMs: 120_000,
  keepAliveIntervalMs: 60_000,
  requestTimeoutMs: 20_000,
  trackerTimeoutMs: 15_000,
  maxTrackerResponseBytes: 4 * 1024 * 1024,
  maxOpenFiles: 64,
  pexIntervalMs: 60_000,
  maxPexDialsPerPeer: 50,
});

/**
 * Fills in the defaults for a partial set of limits.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { defaultLimits, resolveLimits } from "./limits.ts";
 *
 * const limits = resolveLimits({ maxTorrentFiles: 10 });
 * strictEqual(limits.maxTorrentFiles, 10);
 * strictEqual(limits.maxBencodeDepth, defaultLimits.maxBencodeDepth);
 * ```
 *
 * @param limits Overrides for some bounds.
 * @returns A complete set of limits.
 */
export function resolveLimits(limits: Partial<Limits> = {}): Limits {
  return { ...defaultLimits, ...limits };
}
