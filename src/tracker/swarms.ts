/**
 * The tracker's memory: which peers are in which swarm. Every bound is
 * explicit (swarms, peers per swarm, peers per answer) and peers that stop
 * announcing expire, so a busy or hostile public cannot grow it without end.
 *
 * @module
 */

/**
 * Bounds and timings of a {@link SwarmTable}.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { type SwarmLimits, SwarmTable } from "./swarms.ts";
 *
 * const limits: Partial<SwarmLimits> = { maxSwarms: 1 };
 * const table = new SwarmTable(limits);
 * const peer = { id: "a".repeat(20), host: "127.0.0.1", port: 6881, left: 0 };
 * table.announce({ infoHash: "x".repeat(20), peer });
 * throws(() => table.announce({ infoHash: "y".repeat(20), peer }), RangeError); // full
 * ```
 */
export interface SwarmLimits {
  /** Seconds a peer is told to wait between announces. Default 120. */
  intervalSeconds: number;
  /** A peer not heard from for this long is dropped. Default three intervals. */
  peerTtlMs: number;
  /** Most peers kept per swarm; the longest silent is dropped first. Default 5,000. */
  maxPeersPerSwarm: number;
  /** Most swarms kept; announces for new ones are refused beyond it. Default 100,000. */
  maxSwarms: number;
  /** Most peers in one answer. Default 50. */
  maxNumWant: number;
}

/**
 * The defaults of {@link SwarmLimits}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { defaultSwarmLimits, SwarmTable } from "./swarms.ts";
 *
 * strictEqual(defaultSwarmLimits.intervalSeconds, 120);
 * const table = new SwarmTable({ maxNumWant: 10 }); // the rest from the defaults
 * strictEqual(table.limits.peerTtlMs, defaultSwarmLimits.peerTtlMs);
 * ```
 */
export const defaultSwarmLimits: SwarmLimits = {
  intervalSeconds: 120,
  peerTtlMs: 360_000,
  maxPeersPerSwarm: 5_000,
  maxSwarms: 100_000,
  maxNumWant: 50,
};

/**
 * A peer as the tracker knows it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { SwarmTable, type TrackedPeer } from "./swarms.ts";
 *
 * const table = new SwarmTable({}, () => 1000); // a clock that always says 1000
 * const [hash, id] = ["h".repeat(20), "a".repeat(20)];
 * table.announce({ infoHash: hash, peer: { id, host: "127.0.0.1", port: 6881, left: 0 } });
 * const peer: TrackedPeer | undefined = table.peer(hash, id);
 * strictEqual(peer?.port, 6881);
 * strictEqual(peer?.seen, 1000); // set by the table
 * ```
 */
export interface TrackedPeer {
  /** The 20-byte peer id as a binary string (one char per byte). */
  id: string;
  /** Its IP address, or `null` for a WebSocket peer (reached by signalling only). */
  host: string | null;
  /** The port it accepts peers on (0 for none). */
  port: number;
  /** Bytes it still misses; 0 for a seeder. */
  left: number;
  /** When it last announced (ms, the table's clock). */
  seen: number;
  /** Sends a signalling message to it (WebSocket peers only). */
  signal?: (message: string) => void;
}

/**
 * Counts of one swarm.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { type SwarmCounts, SwarmTable } from "./swarms.ts";
 *
 * const table = new SwarmTable();
 * const [hash, a, b] = ["h".repeat(20), "a".repeat(20), "b".repeat(20)];
 * table.announce({ infoHash: hash, peer: { id: a, host: "127.0.0.1", port: 1, left: 0 } });
 * table.announce({ infoHash: hash, peer: { id: b, host: "127.0.0.1", port: 2, left: 9 } });
 * const counts: SwarmCounts = table.counts(hash);
 * deepStrictEqual(counts, { complete: 1, incomplete: 1, downloaded: 0 });
 * ```
 */
export interface SwarmCounts {
  /** Seeders. */
  complete: number;
  /** Leechers. */
  incomplete: number;
  /** Completed downloads seen. */
  downloaded: number;
}

/**
 * One announce as every front end (HTTP, UDP, WebSocket) reports it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { SwarmTable, type TableAnnounce } from "./swarms.ts";
 *
 * const announce: TableAnnounce = {
 *   infoHash: "h".repeat(20),
 *   peer: { id: "a".repeat(20), host: "127.0.0.1", port: 6881, left: 0 },
 *   event: "started",
 *   numWant: 10,
 * };
 * const { peers, counts } = new SwarmTable().announce(announce);
 * strictEqual(peers.length, 0); // never the announcing peer itself
 * strictEqual(counts.complete, 1);
 * ```
 */
export interface TableAnnounce {
  /** The info hash as a binary string. */
  infoHash: string;
  /** The peer; `seen` is set by the table. */
  peer: Omit<TrackedPeer, "seen">;
  /** `started`, `completed`, `stopped`, or none. */
  event?: string;
  /** Peers wanted; capped by `maxNumWant`. */
  numWant?: number;
}

interface Swarm {
  /** Peers by id, least recently seen first. */
  peers: Map<string, TrackedPeer>;
  downloaded: number;
}

/**
 * Swarms by info hash.
 *
 * @example
 * ```ts
 * import { SwarmTable } from "./swarms.ts";
 * const table = new SwarmTable({}, () => 0);
 * const hash = "h".repeat(20);
 * table.announce({ infoHash: hash, peer: { id: "a".repeat(20), host: "127.0.0.1", port: 1, left: 0 } });
 * const { peers } = table.announce({
 *   infoHash: hash, peer: { id: "b".repeat(20), host: "127.0.0.1", port: 2, left: 5 },
 * });
 * console.assert(peers.length === 1 && peers[0]!.port === 1);
 * ```
 */
export class SwarmTable {
  /** The bounds in force. */
  readonly limits: SwarmLimits;
  readonly #swarms = new Map<string, Swarm>();
  readonly #now: () => number;

  /**
   * Makes an empty table.
   *
   * @param limits Bounds to change from {@link defaultSwarmLimits}.
   * @param now The clock in ms (tests pass their own).
   */
  constructor(limits: Partial<SwarmLimits> = {}, now: () => number = Date.now) {
    this.limits = { ...defaultSwarmLimits, ...limits };
    this.#now = now;
  }

  /** How many swarms are held. */
  get size(): number {
    return this.#swarms.size;
  }

  /**
   * Records an announce and picks peers for the answer (random, never the
   * announcing peer).
   *
   * @returns The chosen peers and the swarm's counts.
   * @throws {RangeError} When the table is full and the swarm is new.
   */
  announce(request: TableAnnounce): { peers: TrackedPeer[]; counts: SwarmCounts } {
    let swarm = this.#swarms.get(request.infoHash);
    if (request.event === "stopped") {
      if (swarm) this.#remove(request.infoHash, swarm, request.peer.id);
      return { peers: [], counts: this.counts(request.infoHash) };
    }
    if (!swarm) {
      if (this.#swarms.size >= this.limits.maxSwarms) {
        this.sweep();
        if (this.#swarms.size >= this.limits.maxSwarms) {
          throw new RangeError("Tracker is full: too many torrents");
        }
      }
      swarm = { peers: new Map(), downloaded: 0 };
      this.#swarms.set(request.infoHash, swarm);
    }
    const previous = swarm.peers.get(request.peer.id);
    if (request.event === "completed" && previous && previous.left > 0) swarm.downloaded++;
    swarm.peers.delete(request.peer.id); // re-inserted last: the map stays ordered by `seen`
    swarm.peers.set(request.peer.id, { ...request.peer, seen: this.#now() });
    while (swarm.peers.size > this.limits.maxPeersPerSwarm) {
      swarm.peers.delete(swarm.peers.keys().next().value!);
    }
    const wanted = Math.max(0, Math.min(request.numWant ?? 50, this.limits.maxNumWant));
    const others = [...swarm.peers.values()].filter((p) => p.id !== request.peer.id);
    return { peers: pickRandom(others, wanted), counts: this.counts(request.infoHash) };
  }

  /** Peers of a swarm that can take signalling messages, other than `except`. */
  signallable(infoHash: string, except: string, count: number): TrackedPeer[] {
    const peers = [...this.#swarms.get(infoHash)?.peers.values() ?? []];
    return pickRandom(peers.filter((p) => p.signal && p.id !== except), count);
  }

  /** One peer of a swarm by id. */
  peer(infoHash: string, id: string): TrackedPeer | undefined {
    return this.#swarms.get(infoHash)?.peers.get(id);
  }

  /** Removes a peer from a swarm (a WebSocket that closed). */
  leave(infoHash: string, id: string): void {
    const swarm = this.#swarms.get(infoHash);
    if (swarm) this.#remove(infoHash, swarm, id);
  }

  /** The counts of a swarm (zeros when unknown). */
  counts(infoHash: string): SwarmCounts {
    const swarm = this.#swarms.get(infoHash);
    let complete = 0;
    for (const peer of swarm?.peers.values() ?? []) if (peer.left === 0) complete++;
    const size = swarm?.peers.size ?? 0;
    return { complete, incomplete: size - complete, downloaded: swarm?.downloaded ?? 0 };
  }

  /** Drops peers not heard from within `peerTtlMs`, and swarms left empty. */
  sweep(): void {
    const oldest = this.#now() - this.limits.peerTtlMs;
    for (const [hash, swarm] of this.#swarms) {
      for (const [id, peer] of swarm.peers) {
        if (peer.seen >= oldest) break; // ordered by `seen`
        swarm.peers.delete(id);
      }
      if (swarm.peers.size === 0) this.#swarms.delete(hash);
    }
  }

  #remove(infoHash: string, swarm: Swarm, id: string): void {
    swarm.peers.delete(id);
    if (swarm.peers.size === 0) this.#swarms.delete(infoHash);
  }
}

function pickRandom<T>(items: T[], count: number): T[] {
  for (let i = 0; i < Math.min(count, items.length); i++) {
    const j = i + Math.floor(Math.random() * (items.length - i));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items.slice(0, count);
}
