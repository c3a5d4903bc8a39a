/**
 * Time for code that schedules: injected, so tests run a day of announces in
 * milliseconds.
 *
 * @module
 */

/** The current time and one-shot timers. */
export interface Clock {
  /** Milliseconds since the epoch (or any fixed origin). */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer; unknown or fired handles are ignored. */
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock: `Date.now` and the global timers.
 *
 * @example
 * ```ts
 * import { systemClock } from "./clock.ts";
 * const fired = Promise.withResolvers<void>();
 * systemClock.setTimeout(() => fired.resolve(), 1);
 * await fired.promise;
 * console.assert(systemClock.now() > 0);
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as number),
};
