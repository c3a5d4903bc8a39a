/**
 * Which pieces we still want, and in what order to start them: by
 * priority level, then rarest first with a random choice among equally
 * rare pieces (wholly at random until we have a few pieces). Only wanted
 * pieces that are not started are queued, so a walk never wades through
 * pieces already being downloaded.
 *
 * @module
 */

import { Bitfield } from "./bitfield.ts";
import { type Random, randomInt } from "./random.ts";
import { RarityQueue } from "./_rarity.ts";

/** The highest piece priority. Priorities are integers from 0 (skip) to this. */
export const MAX_PRIORITY = 7;
/** The priority every piece starts with. */
export const DEFAULT_PRIORITY = 4;

/** A peer with fewer pieces than the wanted ones divided by this is scanned by its own pieces. */
const SPARSE = 16;

/** Options for a {@link PieceOrder}. */
export interface PieceOrderOptions {
  /** Source of randomness. */
  random: Random;
  /** Until we have this many pieces, new pieces are picked at random. */
  randomFirst: number;
  /** A piece's availability, seeds excluded. */
  rarity: (piece: number) => number;
}

/** Wanted pieces in picking order, with the pieces we have. */
export class PieceOrder {
  /** The pieces we have (verified). Change it only through {@link PieceOrder.markHave}. */
  readonly have: Bitfield;
  #priority: Uint8Array;
  #started: Uint8Array;
  #queues: RarityQueue[] = [];
  #options: PieceOrderOptions;
  #remaining: number;

  /**
   * @param pieceCount Number of pieces; all start wanted at {@link DEFAULT_PRIORITY}.
   * @param options Randomness and availability.
   */
  constructor(pieceCount: number, options: PieceOrderOptions) {
    this.have = new Bitfield(pieceCount);
    this.#priority = new Uint8Array(pieceCount).fill(DEFAULT_PRIORITY);
    this.#started = new Uint8Array(pieceCount);
    this.#options = options;
    const pos = new Int32Array(pieceCount).fill(-1);
    for (let level = 0; level <= MAX_PRIORITY; level++) this.#queues.push(new RarityQueue(pos));
    const queue = this.#queues[DEFAULT_PRIORITY]!;
    for (let piece = 0; piece < pieceCount; piece++) queue.insert(piece, 0);
    this.#remaining = pieceCount;
  }

  /** Wanted pieces we do not have. */
  get remaining(): number {
    return this.#remaining;
  }

  /**
   * Whether we want a piece: priority above 0 and not had.
   *
   * @param piece The piece index.
   * @returns True when wanted.
   */
  wanted(piece: number): boolean {
    return this.#priority[piece]! > 0 && !this.have.get(piece);
  }

  /**
   * A piece's priority.
   *
   * @param piece The piece index.
   * @returns 0 to {@link MAX_PRIORITY}.
   */
  priority(piece: number): number {
    return this.#priority[piece] ?? 0;
  }

  /**
   * Sets a piece's priority.
   *
   * @param piece A valid piece index.
   * @param priority A valid priority.
   * @returns +1 when the piece became wanted, -1 when it no longer is, else 0.
   */
  setPriority(piece: number, priority: number): number {
    const wasWanted = this.wanted(piece);
    this.#dequeue(piece);
    this.#priority[piece] = priority;
    this.#enqueue(piece);
    const change = Number(this.wanted(piece)) - Number(wasWanted);
    this.#remaining += change;
    return change;
  }

  /**
   * Records a verified piece.
   *
   * @param piece A valid piece index.
   * @returns True when the piece was wanted until now.
   */
  markHave(piece: number): boolean {
    const wasWanted = this.wanted(piece);
    this.#dequeue(piece);
    this.#started[piece] = 0;
    this.have.set(piece);
    if (wasWanted) this.#remaining--;
    return wasWanted;
  }

  /**
   * Takes a piece out of the queue while it is being downloaded.
   *
   * @param piece A valid piece index.
   */
  start(piece: number): void {
    this.#dequeue(piece);
    this.#started[piece] = 1;
  }

  /**
   * Puts a started piece that holds nothing any more back in the queue.
   *
   * @param piece A valid piece index.
   */
  release(piece: number): void {
    this.#started[piece] = 0;
    this.#enqueue(piece);
  }

  /**
   * Keeps the rarity order after a piece's availability changed by one.
   *
   * @param piece The piece index.
   * @param before Availability before.
   * @param after Availability after.
   */
  rarityChanged(piece: number, before: number, after: number): void {
    if (this.#queued(piece)) this.#queues[this.#priority[piece]!]!.move(piece, before, after);
  }

  /**
   * Offers the queued pieces of one level that a peer has, in picking
   * order, until `visit` returns true. `visit` must not change the order.
   *
   * @param level Priority level, 1 to {@link MAX_PRIORITY}.
   * @param has The peer's pieces, or `"all"`.
   * @param visit Called per piece; returns true to stop.
   */
  visit(level: number, has: Readonly<Bitfield> | "all", visit: (piece: number) => boolean): void {
    const queue = this.#queues[level]!;
    if (queue.size === 0) return;
    if (has !== "all" && has.count * SPARSE < this.#remaining) {
      this.#visitSparse(level, has, visit);
      return;
    }
    const scan = (start: number, end: number): boolean => {
      const span = end - start;
      const offset = randomInt(this.#options.random, span);
      for (let i = 0; i < span; i++) {
        const piece = queue.at(start + ((offset + i) % span));
        if ((has === "all" || has.get(piece)) && visit(piece)) return true;
      }
      return false;
    };
    if (this.have.count < this.#options.randomFirst) {
      scan(0, queue.size);
      return;
    }
    for (let bucket = 0; bucket < queue.bucketCount; bucket++) {
      const start = queue.start(bucket), end = queue.end(bucket);
      if (end > start && scan(start, end)) return;
    }
  }

  /** For a peer with few pieces: walk its pieces rather than all wanted ones. */
  #visitSparse(level: number, has: Readonly<Bitfield>, visit: (piece: number) => boolean): void {
    const list: number[] = [];
    for (const piece of has.ones()) {
      if (this.#priority[piece] === level && this.#queued(piece)) list.push(piece);
    }
    const { random, randomFirst, rarity } = this.#options;
    for (let i = list.length - 1; i > 0; i--) {
      const j = randomInt(random, i + 1);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    if (this.have.count >= randomFirst) list.sort((a, b) => rarity(a) - rarity(b));
    for (const piece of list) if (visit(piece)) return;
  }

  #queued(piece: number): boolean {
    return this.wanted(piece) && this.#started[piece] === 0;
  }

  #enqueue(piece: number): void {
    if (this.#queued(piece)) {
      this.#queues[this.#priority[piece]!]!.insert(piece, this.#options.rarity(piece));
    }
  }

  #dequeue(piece: number): void {
    if (this.#queued(piece)) {
      this.#queues[this.#priority[piece]!]!.remove(piece, this.#options.rarity(piece));
    }
  }
}
