/**
 * A token bucket for rate limits, driven by the time the caller passes in
 * (no clock of its own).
 *
 * @module
 */

/**
 * Bytes per second with a bounded burst. Taking more than is there puts
 * the bucket in debt, and the caller waits out the debt: the long-run rate
 * is exact whatever the size of each take.
 *
 * @example
 * ```ts
 * import { TokenBucket } from "./token_bucket.ts";
 * const bucket = new TokenBucket(1000, 0, { burst: 1000 });
 * console.assert(bucket.take(1000, 0) === 0); // the burst
 * console.assert(bucket.take(500, 0) === 500); // 500 bytes of debt: wait 500 ms
 * ```
 */
export class TokenBucket {
  /** Bytes per second. */
  readonly rate: number;
  /** Most bytes that can be taken at once after a quiet spell. */
  readonly burst: number;
  #tokens: number;
  #at: number;

  /**
   * A full bucket.
   *
   * @param rate Bytes per second, above 0.
   * @param now The current time in milliseconds.
   * @param options `burst`: bucket size in bytes; default a tenth of a
   * second of the rate, at least 64 KiB.
   * @throws {RangeError} When the rate or burst is not a positive number.
   */
  constructor(rate: number, now: number, options: { burst?: number } = {}) {
    if (!(rate > 0) || !Number.isFinite(rate)) {
      throw new RangeError(`Rate ${rate} is not a positive number of bytes per second`);
    }
    const burst = options.burst ?? Math.max(64 * 1024, rate / 10);
    if (!(burst > 0)) throw new RangeError(`Burst ${burst} is not a positive number of bytes`);
    this.rate = rate;
    this.burst = burst;
    this.#tokens = burst;
    this.#at = now;
  }

  /**
   * Bytes that may be taken now without waiting (negative in debt).
   *
   * @param now The current time in milliseconds.
   * @returns Tokens in the bucket.
   */
  available(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  /**
   * Takes bytes, going into debt if needed.
   *
   * @param bytes How many.
   * @param now The current time in milliseconds.
   * @returns Milliseconds to wait before the bytes may go (0 when none).
   */
  take(bytes: number, now: number): number {
    this.#refill(now);
    this.#tokens -= bytes;
    return this.#tokens >= 0 ? 0 : (-this.#tokens * 1000) / this.rate;
  }

  /**
   * Milliseconds until the bucket holds `bytes` (0 when it does now).
   *
   * @param bytes How many.
   * @param now The current time in milliseconds.
   * @returns The wait.
   */
  waitFor(bytes: number, now: number): number {
    this.#refill(now);
    return this.#tokens >= bytes ? 0 : ((bytes - this.#tokens) * 1000) / this.rate;
  }

  #refill(now: number): void {
    if (now > this.#at) {
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) * this.rate) / 1000);
      this.#at = now;
    }
  }
}
