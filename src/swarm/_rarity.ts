/**
 * The pieces of one priority level kept in rarity order, as libtorrent's
 * piece picker does: one array holds the pieces grouped in buckets by
 * availability (rarest first), so a change of one piece's availability by
 * one is a single swap across a bucket boundary, and picking walks the
 * array from the front. Within a bucket the order is arbitrary; the picker
 * starts each walk of a bucket at a random place.
 *
 * @module
 */

/** Pieces of one priority level in buckets of equal availability. */
export class RarityQueue {
  #order: number[] = [];
  /** `#ends[k]` is the exclusive end of bucket `k` in `#order`; buckets past the last are empty. */
  #ends: number[] = [];
  #pos: Int32Array;

  /**
   * @param pos Where each piece sits in its queue, shared by all the queues
   * of a picker (a piece is in at most one).
   */
  constructor(pos: Int32Array) {
    this.#pos = pos;
  }

  /** Number of pieces in the queue. */
  get size(): number {
    return this.#order.length;
  }

  /** Number of buckets (the highest availability seen, plus one). */
  get bucketCount(): number {
    return this.#ends.length;
  }

  /**
   * Where a bucket starts.
   *
   * @param bucket Availability.
   * @returns Index into the queue.
   */
  start(bucket: number): number {
    return bucket === 0 ? 0 : this.#ends[bucket - 1]!;
  }

  /**
   * Where a bucket ends (exclusive).
   *
   * @param bucket Availability.
   * @returns Index into the queue.
   */
  end(bucket: number): number {
    return this.#ends[bucket]!;
  }

  /**
   * The piece at a place in the queue.
   *
   * @param index Place, from 0 to `size - 1`.
   * @returns The piece index.
   */
  at(index: number): number {
    return this.#order[index]!;
  }

  /**
   * Adds a piece.
   *
   * @param piece The piece index.
   * @param rarity Its availability.
   */
  insert(piece: number, rarity: number): void {
    this.#grow(rarity);
    const last = this.#ends.length - 1;
    this.#pos[piece] = this.#order.length;
    this.#order.push(piece);
    this.#ends[last]!++;
    for (let k = last; k > rarity; k--) {
      this.#swap(this.#pos[piece]!, this.#ends[k - 1]!);
      this.#ends[k - 1]!++;
    }
  }

  /**
   * Removes a piece.
   *
   * @param piece The piece index.
   * @param rarity Its availability.
   */
  remove(piece: number, rarity: number): void {
    const last = this.#ends.length - 1;
    for (let k = rarity; k < last; k++) {
      this.#swap(this.#pos[piece]!, this.#ends[k]! - 1);
      this.#ends[k]!--;
    }
    this.#swap(this.#pos[piece]!, this.#order.length - 1);
    this.#ends[last]!--;
    this.#order.pop();
    this.#pos[piece] = -1;
  }

  /**
   * Moves a piece to the neighbouring bucket after its availability changed by one.
   *
   * @param piece The piece index.
   * @param from The availability before.
   * @param to The availability after, `from ± 1`.
   */
  move(piece: number, from: number, to: number): void {
    if (to > from) {
      this.#grow(to);
      this.#swap(this.#pos[piece]!, this.#ends[from]! - 1);
      this.#ends[from]!--;
    } else {
      this.#swap(this.#pos[piece]!, this.#ends[to]!);
      this.#ends[to]!++;
    }
  }

  #grow(bucket: number): void {
    while (this.#ends.length <= bucket) this.#ends.push(this.#order.length);
  }

  #swap(i: number, j: number): void {
    if (i === j) return;
    const a = this.#order[i]!, b = this.#order[j]!;
    this.#order[i] = b;
    this.#order[j] = a;
    this.#pos[b] = i;
    this.#pos[a] = j;
  }
}
