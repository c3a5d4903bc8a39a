/**
 * Injectable randomness for the swarm layer: every choice that should be
 * random (which of several equally rare pieces, which peer to unchoke
 * optimistically) takes a {@link Random}, so tests can pass a seeded one.
 *
 * @module
 */

/** A source of uniform numbers in `[0, 1)`, like `Math.random`. */
export type Random = () => number;

/**
 * A small, fast, seeded generator (mulberry32) for deterministic tests and
 * simulations. Not for anything that must be unpredictable.
 *
 * @param seed Any integer; the same seed gives the same sequence.
 * @returns A {@link Random} over `[0, 1)`.
 *
 * @example
 * ```ts
 * import { seededRandom } from "./random.ts";
 * const a = seededRandom(7), b = seededRandom(7);
 * console.assert(a() === b() && a() < 1);
 * ```
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random integer in `[0, n)`.
 *
 * @param random The source of randomness.
 * @param n The exclusive upper bound, at least 1.
 * @returns An integer from 0 to `n - 1`.
 */
export function randomInt(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}
