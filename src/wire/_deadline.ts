/**
 * A timer that fires when some moment is `ms` in the past, re-checking
 * rather than being reset on every event: one timer per period, whatever
 * the traffic.
 *
 * @module
 */

/** Calls `expire` whenever `since()` is at least `ms` ago, until stopped. */
export class Deadline {
  #ms: number;
  #since: () => number;
  #expire: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  /**
   * Starts the timer.
   *
   * @param ms The period.
   * @param since The moment it counts from (`performance.now()` time), read when the timer fires.
   * @param expire Called when the period has passed; the deadline then counts again from `since()`.
   */
  constructor(ms: number, since: () => number, expire: () => void) {
    this.#ms = ms;
    this.#since = since;
    this.#expire = expire;
    this.#arm(ms);
  }

  /** Stops for good. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => this.#check(), Math.max(0, delay));
  }

  #check(): void {
    if (this.#stopped) return;
    const left = this.#since() + this.#ms - performance.now();
    if (left > 0) return this.#arm(left);
    this.#expire();
    if (!this.#stopped) this.#arm(this.#ms);
  }
}
