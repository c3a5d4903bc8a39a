/**
 * The choker: which peers we upload to. The caller runs {@link Choker.rechoke}
 * every `intervalMs` (10 s) with a snapshot of its peers and sends `choke`
 * and `unchoke` messages for the differences.
 *
 * - Leeching, tit-for-tat (BEP 3): the `slots` interested peers that send
 *   to us fastest are unchoked; snubbed peers do not count.
 * - Seeding, round robin (libtorrent's default `round_robin`): a peer keeps
 *   its slot for `seedSlotMs` (60 s), then the interested peers that have
 *   waited longest get their turn. We chose this over "fastest upload"
 *   because it spreads the upload over the whole swarm and cannot be won
 *   by a peer that merely downloads fast.
 * - In both, one more slot is the optimistic unchoke, rotated every
 *   `optimisticMs` (30 s) to a random choked interested peer, with peers
 *   connected within `newPeerMs` three times as likely (BEP 3, libtorrent).
 *
 * @module
 */

import type { Random } from "./random.ts";

/** One peer as the choker sees it, built fresh for every round. */
export interface ChokerPeer<P> {
  /** The caller's name for the peer. */
  peer: P;
  /** Whether the peer is interested in our pieces. */
  interested: boolean;
  /** Payload bytes per second the peer sends us. */
  downloadRate: number;
  /** Whether the peer snubs us (see `RequestPipeline.isSnubbed`). */
  snubbed: boolean;
  /** When the peer connected, in milliseconds. */
  connectedAt: number;
}

/** Options for a {@link Choker}. */
export interface ChokerOptions {
  /** Regular upload slots. Default 4. */
  slots?: number;
  /** Milliseconds between optimistic unchoke rotations. Default 30 000. */
  optimisticMs?: number;
  /** Peers connected for less than this are three times as likely to be the optimistic unchoke. Default 60 000. */
  newPeerMs?: number;
  /** When seeding, milliseconds a peer keeps a regular slot before others get a turn. Default 60 000. */
  seedSlotMs?: number;
  /** Source of randomness; `Math.random` by default. */
  random?: Random;
}

/** The outcome of a round. */
export interface ChokeDecision<P> {
  /** Every peer to unchoke; all others are choked. */
  unchoke: Set<P>;
  /** The optimistic unchoke (also in `unchoke`), if any. */
  optimistic: P | undefined;
}

/**
 * Decides unchokes round by round; remembers the optimistic unchoke and,
 * when seeding, how long each peer has held a slot.
 *
 * @typeParam P How the caller names a peer.
 *
 * @example
 * ```ts
 * import { Choker } from "./choker.ts";
 * import { seededRandom } from "./random.ts";
 * const choker = new Choker<string>({ slots: 1, random: seededRandom(1) });
 * const peers = ["a", "b", "c"].map((peer, i) => ({
 *   peer, interested: true, downloadRate: i * 1000, snubbed: false, connectedAt: 0,
 * }));
 * const { unchoke, optimistic } = choker.rechoke(peers, 100_000, false);
 * console.assert(unchoke.has("c") && unchoke.size === 2 && optimistic !== "c");
 * ```
 */
export class Choker<P> {
  #slots: number;
  #optimisticMs: number;
  #newPeerMs: number;
  #seedSlotMs: number;
  #random: Random;
  #optimistic: P | undefined;
  #optimisticSince = -Infinity;
  /** When each peer holding a regular slot got it. */
  #regularSince = new Map<P, number>();
  /** The last round each peer held a regular slot. */
  #lastRegular = new Map<P, number>();

  /**
   * A choker with no history.
   *
   * @param options Slots and timings.
   */
  constructor(options: ChokerOptions = {}) {
    this.#slots = options.slots ?? 4;
    this.#optimisticMs = options.optimisticMs ?? 30_000;
    this.#newPeerMs = options.newPeerMs ?? 60_000;
    this.#seedSlotMs = options.seedSlotMs ?? 60_000;
    this.#random = options.random ?? Math.random;
  }

  /**
   * One choking round.
   *
   * @param peers Every connected peer of the torrent.
   * @param now The current time in milliseconds.
   * @param seeding True when we have every wanted piece.
   * @returns Who to unchoke.
   */
  rechoke(peers: readonly ChokerPeer<P>[], now: number, seeding: boolean): ChokeDecision<P> {
    const live = new Set(peers.map((p) => p.peer));
    for (const peer of this.#lastRegular.keys()) {
      if (!live.has(peer)) this.#lastRegular.delete(peer);
    }
    const interested = peers.filter((p) => p.interested);
    const regular = new Set(
      (seeding ? this.#roundRobin(interested, now) : this.#titForTat(interested)).map((p) =>
        p.peer
      ),
    );
    for (const peer of this.#regularSince.keys()) {
      if (!regular.has(peer)) this.#regularSince.delete(peer);
    }
    for (const peer of regular) {
      if (!this.#regularSince.has(peer)) this.#regularSince.set(peer, now);
      this.#lastRegular.set(peer, now);
    }
    const optimistic = this.#rotateOptimistic(interested, regular, now);
    const unchoke = new Set(regular);
    if (optimistic !== undefined) unchoke.add(optimistic);
    return { unchoke, optimistic };
  }

  #titForTat(interested: ChokerPeer<P>[]): ChokerPeer<P>[] {
    return interested
      .filter((p) => !p.snubbed)
      .sort((a, b) =>
        b.downloadRate - a.downloadRate ||
        Number(this.#regularSince.has(b.peer)) - Number(this.#regularSince.has(a.peer))
      )
      .slice(0, this.#slots);
  }

  #roundRobin(interested: ChokerPeer<P>[], now: number): ChokerPeer<P>[] {
    const holding = (p: ChokerPeer<P>): boolean => {
      const since = this.#regularSince.get(p.peer);
      return since !== undefined && now - since < this.#seedSlotMs;
    };
    const waited = (p: ChokerPeer<P>): number => this.#lastRegular.get(p.peer) ?? -Infinity;
    return [...interested]
      .sort((a, b) => Number(holding(b)) - Number(holding(a)) || waited(a) - waited(b))
      .slice(0, this.#slots);
  }

  #rotateOptimistic(interested: ChokerPeer<P>[], regular: Set<P>, now: number): P | undefined {
    const current = interested.find((p) => p.peer === this.#optimistic);
    if (
      current && !regular.has(current.peer) && now - this.#optimisticSince < this.#optimisticMs
    ) {
      return current.peer;
    }
    const choked = interested.filter((p) => !regular.has(p.peer) && p.peer !== this.#optimistic);
    const pool = choked.length > 0 ? choked : interested.filter((p) => !regular.has(p.peer));
    const weight = (p: ChokerPeer<P>): number => now - p.connectedAt < this.#newPeerMs ? 3 : 1;
    let total = 0;
    for (const p of pool) total += weight(p);
    let ticket = this.#random() * total;
    this.#optimistic = pool.find((p) => (ticket -= weight(p)) < 0)?.peer ?? pool.at(-1)?.peer;
    this.#optimisticSince = now;
    return this.#optimistic;
  }
}
