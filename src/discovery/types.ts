/**
 * What tracker clients send and receive, shared by the HTTP and UDP clients
 * and the announcer.
 *
 * @module
 */

import type { PeerAddress } from "../../transports/mod.ts";

/** The events an announce may carry; a regular re-announce carries none. */
export type AnnounceEventName = "started" | "completed" | "stopped";

/** How much this client has moved for one torrent, in bytes. */
export interface TransferStats {
  /** Bytes sent to peers since the `started` event. */
  uploaded: number;
  /** Bytes received from peers since the `started` event. */
  downloaded: number;
  /** Bytes still missing (0 for a seed). */
  left: number;
}

/** One announce: who we are, for which torrent, and how far along. */
export interface AnnounceRequest extends TransferStats {
  /** The 20-byte info hash (the v1 hash, or the truncated v2 hash). */
  infoHash: Uint8Array;
  /** Our 20-byte peer id. */
  peerId: Uint8Array;
  /** The port we accept peers on (0 when we do not listen). */
  port: number;
  /** The event, if any. */
  event?: AnnounceEventName;
  /** How many peers we would like (the tracker's default when absent). */
  numWant?: number;
  /** A 32-bit number that stays the same for the session (BEP 7), so the tracker knows us across address changes. */
  key?: number;
  /** HTTP only: the `tracker id` the tracker gave us last time. */
  trackerId?: string;
  /** HTTP only: our IPv6 address, for a tracker reached over IPv4 (BEP 7). */
  ipv6?: string;
}

/** A tracker's answer to an announce. */
export interface AnnounceResponse {
  /** Seconds the tracker wants between regular announces. */
  interval: number;
  /** Seconds the tracker requires between announces, or `null`. */
  minInterval: number | null;
  /** HTTP only: an id to send back on later announces, or `null`. */
  trackerId: string | null;
  /** Seeders, or `null` when not told. */
  complete: number | null;
  /** Leechers, or `null` when not told. */
  incomplete: number | null;
  /** Peers, IPv4 and IPv6 together, in the tracker's order. */
  peers: PeerAddress[];
  /** A `warning message` to show the user, or `null`. */
  warning: string | null;
}

/** One torrent's counts in a scrape reply. */
export interface ScrapeStats {
  /** Seeders. */
  complete: number;
  /** Leechers. */
  incomplete: number;
  /** Times the torrent was downloaded completely. */
  downloaded: number;
}

/** A scrape reply: counts per info hash (lower-case hex) for the torrents the tracker knows. */
export type ScrapeResponse = Map<string, ScrapeStats>;

/** Where a peer candidate came from. */
export type CandidateSource = "tracker" | "dht" | "pex" | "given";

/** A peer worth dialling, as a discovery source reports it. */
export interface PeerCandidate {
  /** Where to dial. */
  address: PeerAddress;
  /** The kind of source. */
  source: CandidateSource;
  /** Which one: the tracker URL for trackers. */
  via: string;
}

/**
 * A source that finds a torrent's peers by info hash and tells others about
 * us (the DHT): the torrent calls `track` while it runs and the returned
 * function when it stops.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import type { PeerAddress } from "../../transports/mod.ts";
 * import type { SwarmLookup } from "./types.ts";
 *
 * // A lookup that knows one peer of every torrent.
 * const lookup: SwarmLookup = {
 *   track(_infoHash, _port, onPeer) {
 *     onPeer({ host: "127.0.0.1", port: 6881 });
 *     return () => {}; // nothing to stop
 *   },
 * };
 * const found: PeerAddress[] = [];
 * const stop = lookup.track(new Uint8Array(20), 0, (address) => found.push(address));
 * stop();
 * deepStrictEqual(found, [{ host: "127.0.0.1", port: 6881 }]);
 * ```
 */
export interface SwarmLookup {
  /** Looks up and announces `infoHash` now and on a schedule; each peer found goes to `onPeer`. */
  track(infoHash: Uint8Array, port: number, onPeer: (address: PeerAddress) => void): () => void;
  /** A DHT node's UDP port, which peers hear of in BEP 5 `port` messages; absent when not a DHT. */
  readonly nodePort?: number;
  /** Pings a DHT node a peer told us of (BEP 5 `port`), keeping it when it answers. */
  addNode?(node: PeerAddress): void;
}
