/**
 * A transfer rate over a sliding window, driven by the time the caller
 * passes in (no clock of its own).
 *
 * @module
 */

/** Options for a {@link RateMeter}. */
export interface RateMeterOptions {
  /** Length of the window in milliseconds. Default 5000. */
  windowMs?: number;
  /** Resolution of the window in milliseconds. Default 1000. */
  bucketMs?: number;
}

/**
 * Bytes per second over the last few seconds, kept in a ring of buckets.
 *
 * @example
 * ```ts
 * import { RateMeter } from "./rate.ts";
 * const meter = new RateMeter(0);
 * for (let t = 0; t < 10_000; t += 100) meter.add(1000, t);
 * console.assert(Math.abs(meter.rate(10_000) - 10_000) < 1000);
 * ```
 */
export class RateMeter {
  #bucketMs: number;
  #buckets: Float64Array;
  #start: number;
  #slot: number;
  #total = 0;

  /**
   * A meter that has counted nothing.
   *
   * @param now The current time in milliseconds: the meter counts from here.
   * @param options Window length and resolution.
   */
  constructor(now: number, options: RateMeterOptions = {}) {
    this.#bucketMs = options.bucketMs ?? 1000;
    const count = Math.max(1, Math.ceil((options.windowMs ?? 5000) / this.#bucketMs));
    this.#buckets = new Float64Array(count);
    this.#start = now;
    this.#slot = Math.floor(now / this.#bucketMs);
  }

  /** Every byte ever added. */
  get total(): number {
    return this.#total;
  }

  /**
   * Counts transferred bytes.
   *
   * @param bytes How many.
   * @param now The current time in milliseconds.
   */
  add(bytes: number, now: number): void {
    this.#advance(now);
    this.#buckets[this.#slot % this.#buckets.length]! += bytes;
    this.#total += bytes;
  }

  /**
   * The rate over the window (over the time since the start while that is shorter).
   *
   * @param now The current time in milliseconds.
   * @returns Bytes per second.
   */
  rate(now: number): number {
    this.#advance(now);
    let sum = 0;
    for (const bytes of this.#buckets) sum += bytes;
    const windowStart = (this.#slot - this.#buckets.length + 1) * this.#bucketMs;
    const span = Math.max(this.#bucketMs, now - Math.max(windowStart, this.#start));
    return (sum * 1000) / span;
  }

  #advance(now: number): void {
    const slot = Math.floor(now / this.#bucketMs);
    if (slot <= this.#slot) return;
    const steps = Math.min(slot - this.#slot, this.#buckets.length);
    for (let i = 1; i <= steps; i++) this.#buckets[(this.#slot + i) % this.#buckets.length] = 0;
    this.#slot = slot;
  }
}
