/**
 * How many connected peers have each piece, kept up to date from the
 * messages peers send (`bitfield`, `have`, BEP 6 `have all` / `have none`)
 * and from disconnects.
 *
 * Peers that have every piece ("seeds") are counted apart: they make every
 * piece equally available, so they do not change which piece is rarest, and
 * counting them apart makes a seed's arrival and departure O(1).
 *
 * @module
 */

import { Bitfield } from "./bitfield.ts";

/**
 * Called when the count of non-seed peers having a piece changes by one.
 *
 * @param piece The piece index.
 * @param before The count before.
 * @param after The count after (`before ± 1`).
 */
export type AvailabilityListener = (piece: number, before: number, after: number) => void;

/**
 * Per-piece availability and per-peer piece sets.
 *
 * @typeParam P How the caller names a peer (any value usable as a `Map` key).
 *
 * @example
 * ```ts
 * import { Availability } from "./availability.ts";
 * import { Bitfield } from "./bitfield.ts";
 * const avail = new Availability<string>(4);
 * avail.bitfield("a", Bitfield.fromWire(new Uint8Array([0b1100_0000]), 4));
 * avail.haveAll("b");
 * avail.have("c", 1);
 * console.assert(avail.count(0) === 2 && avail.count(1) === 3 && avail.count(3) === 1);
 * avail.peerGone("b");
 * console.assert(avail.count(3) === 0);
 * ```
 */
export class Availability<P> {
  /** Number of pieces in the torrent. */
  readonly pieceCount: number;
  #counts: Uint32Array;
  #peers = new Map<P, Bitfield | "all">();
  #seeds = 0;
  #onChange: AvailabilityListener | undefined;

  /**
   * Nothing known yet: no peers, every count zero.
   *
   * @param pieceCount Number of pieces.
   * @param onChange Told about every change of a piece's non-seed count.
   */
  constructor(pieceCount: number, onChange?: AvailabilityListener) {
    this.pieceCount = pieceCount;
    this.#counts = new Uint32Array(pieceCount);
    this.#onChange = onChange;
  }

  /** Number of connected peers that have every piece. */
  get seeds(): number {
    return this.#seeds;
  }

  /**
   * How many known peers have a piece, seeds included.
   *
   * @param piece The piece index.
   * @returns The number of peers.
   */
  count(piece: number): number {
    return (this.#counts[piece] ?? 0) + this.#seeds;
  }

  /**
   * How many non-seed peers have a piece: the count that orders pieces by
   * rarity.
   *
   * @param piece The piece index.
   * @returns The number of peers, seeds excluded.
   */
  rarity(piece: number): number {
    return this.#counts[piece] ?? 0;
  }

  /**
   * Whether a peer has a piece.
   *
   * @param peer The peer.
   * @param piece The piece index.
   * @returns True when the peer announced the piece.
   */
  has(peer: P, piece: number): boolean {
    const bits = this.#peers.get(peer);
    if (bits === "all") return piece >= 0 && piece < this.pieceCount;
    return bits !== undefined && bits.get(piece);
  }

  /**
   * Whether a peer has every piece.
   *
   * @param peer The peer.
   * @returns True for a seed.
   */
  isSeed(peer: P): boolean {
    return this.#peers.get(peer) === "all";
  }

  /**
   * The pieces a peer has, or `"all"` for a seed.
   *
   * @param peer The peer.
   * @returns A live view (do not modify it), `"all"`, or `undefined` for a peer that announced nothing.
   */
  piecesOf(peer: P): Readonly<Bitfield> | "all" | undefined {
    return this.#peers.get(peer);
  }

  /**
   * A peer's `bitfield` message: replaces anything known about the peer.
   *
   * @param peer The peer.
   * @param bits Its pieces (copied).
   * @throws {RangeError} When the bitfield is not one bit per piece.
   */
  bitfield(peer: P, bits: Bitfield): void {
    if (bits.size !== this.pieceCount) {
      throw new RangeError(`Bitfield of ${bits.size} bits for ${this.pieceCount} pieces`);
    }
    this.peerGone(peer);
    if (bits.hasAll()) {
      this.haveAll(peer);
      return;
    }
    const own = bits.clone();
    this.#peers.set(peer, own);
    for (const piece of own.ones()) this.#bump(piece, 1);
  }

  /**
   * A peer's `have` message. A peer that thereby has every piece becomes a seed.
   *
   * @param peer The peer.
   * @param piece The piece it now has.
   * @returns True when the peer did not have the piece before.
   * @throws {RangeError} When the piece index is out of range.
   */
  have(peer: P, piece: number): boolean {
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.pieceCount) {
      throw new RangeError(`Have for piece ${piece} of ${this.pieceCount}`);
    }
    let bits = this.#peers.get(peer);
    if (bits === "all") return false;
    if (bits === undefined) {
      bits = new Bitfield(this.pieceCount);
      this.#peers.set(peer, bits);
    }
    if (!bits.set(piece)) return false;
    this.#bump(piece, 1);
    if (bits.hasAll()) this.haveAll(peer);
    return true;
  }

  /**
   * A peer's `have all` message (BEP 6), or a peer found to have every piece.
   *
   * @param peer The peer.
   */
  haveAll(peer: P): void {
    this.peerGone(peer);
    this.#peers.set(peer, "all");
    this.#seeds++;
  }

  /**
   * A peer's `have none` message (BEP 6): it has nothing yet.
   *
   * @param peer The peer.
   */
  haveNone(peer: P): void {
    this.peerGone(peer);
    this.#peers.set(peer, new Bitfield(this.pieceCount));
  }

  /**
   * Forgets a peer and what it had.
   *
   * @param peer The peer.
   */
  peerGone(peer: P): void {
    const bits = this.#peers.get(peer);
    if (bits === undefined) return;
    this.#peers.delete(peer);
    if (bits === "all") {
      this.#seeds--;
      return;
    }
    for (const piece of bits.ones()) this.#bump(piece, -1);
  }

  #bump(piece: number, delta: 1 | -1): void {
    const before = this.#counts[piece]!;
    this.#counts[piece] = before + delta;
    this.#onChange?.(piece, before, before + delta);
  }
}
