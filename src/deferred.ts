/**
 * A promise with its settle functions outside, as `Promise.withResolvers()`
 * gives (which Node 20 lacks).
 *
 * @module
 */

/** A promise and the functions that settle it. */
export interface Deferred<T> {
  /** The promise. */
  promise: Promise<T>;
  /** Fulfils it. */
  resolve: (value: T | PromiseLike<T>) => void;
  /** Rejects it. */
  reject: (reason?: unknown) => void;
}

/**
 * Makes a promise to settle from outside.
 *
 * @example
 * ```ts
 * import { deferred } from "./deferred.ts";
 * const ready = deferred<number>();
 * setTimeout(() => ready.resolve(42), 0);
 * console.assert(await ready.promise === 42);
 * ```
 */
export function deferred<T>(): Deferred<T> {
  let resolve!: Deferred<T>["resolve"];
  let reject!: Deferred<T>["reject"];
  const promise = new Promise<T>((yes, no) => [resolve, reject] = [yes, no]);
  return { promise, resolve, reject };
}
