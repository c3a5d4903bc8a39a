/**
 * Rate limits of a torrent: its own token buckets and the client's, upload
 * and download, applied together (a byte must pass every bucket).
 *
 * @module
 */

import { TokenBucket } from "../swarm/token_bucket.ts";

/** Upload and download limits in bytes per second; absent or 0 means none. */
export interface RateLimits {
  /** Most bytes per second sent. */
  up?: number;
  /** Most bytes per second received. */
  down?: number;
}

/** A chain of token buckets that one direction of traffic must pass. */
export class Throttle {
  #buckets: TokenBucket[];

  /** @param buckets Every bucket that applies (the torrent's, the client's). */
  constructor(buckets: readonly (TokenBucket | null)[]) {
    this.#buckets = buckets.filter((bucket) => bucket !== null);
  }

  /** True when no bucket applies. */
  get unlimited(): boolean {
    return this.#buckets.length === 0;
  }

  /**
   * Bytes every bucket would let through now (Infinity when unlimited).
   *
   * @param now The current time in milliseconds.
   * @returns The smallest balance.
   */
  available(now: number): number {
    let least = Infinity;
    for (const bucket of this.#buckets) least = Math.min(least, bucket.available(now));
    return least;
  }

  /**
   * Takes bytes from every bucket.
   *
   * @param bytes How many.
   * @param now The current time in milliseconds.
   * @returns Milliseconds to wait before they may go.
   */
  take(bytes: number, now: number): number {
    let wait = 0;
    for (const bucket of this.#buckets) wait = Math.max(wait, bucket.take(bytes, now));
    return wait;
  }

  /**
   * Milliseconds until every bucket holds `bytes`.
   *
   * @param bytes How many.
   * @param now The current time in milliseconds.
   * @returns The wait (0 when they may go now).
   */
  waitFor(bytes: number, now: number): number {
    let wait = 0;
    for (const bucket of this.#buckets) wait = Math.max(wait, bucket.waitFor(bytes, now));
    return wait;
  }

  /**
   * Takes bytes and waits out any debt.
   *
   * @param bytes How many.
   * @returns Settles when they may go.
   */
  pass(bytes: number): Promise<void> {
    const wait = this.take(bytes, performance.now());
    return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
  }
}

/**
 * A bucket for a limit, or null for none.
 *
 * @param rate Bytes per second; undefined or 0 for no limit.
 * @returns The bucket.
 * @throws {RangeError} When the rate is negative or not a number.
 */
export function bucketFor(rate: number | undefined): TokenBucket | null {
  if (rate === undefined || rate === 0) return null;
  return new TokenBucket(rate, performance.now());
}

/** Upload and download throttles of one torrent. */
export interface Throttles {
  /** Bytes sent. */
  up: Throttle;
  /** Bytes requested (and so received). */
  down: Throttle;
}

/**
 * Runs a callback once when a throttle has room again: at most one wait at
 * a time.
 */
export class ThrottleWake {
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Calls `run` once `throttle` holds `bytes`, unless a call is already due.
   *
   * @param throttle The throttle.
   * @param bytes How many bytes must fit.
   * @param run What to do then.
   */
  schedule(throttle: Throttle, bytes: number, run: () => void): void {
    if (this.#timer !== undefined) return;
    const wait = Math.max(1, throttle.waitFor(bytes, performance.now()));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      run();
    }, wait);
  }

  /** Drops the pending call. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
