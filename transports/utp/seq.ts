/**
 * Arithmetic on uTP's 16-bit sequence and ack numbers, which wrap around
 * from 65535 to 0.
 *
 * @example
 * ```ts
 * import { seqAdd, seqDistance, seqLess } from "./seq.ts";
 * console.assert(seqAdd(65535, 1) === 0);
 * console.assert(seqDistance(65534, 2) === 4);
 * console.assert(seqLess(65535, 0));
 * ```
 *
 * @module
 */

/** All sequence numbers are taken modulo 2^16. */
export const SEQ_MASK = 0xffff;

/** `a + n` modulo 2^16. */
export function seqAdd(a: number, n: number): number {
  return (a + n) & SEQ_MASK;
}

/**
 * How far `b` is after `a`, from -32768 to 32767 (negative when `b` is before `a`).
 */
export function seqDistance(a: number, b: number): number {
  return (((b - a) & SEQ_MASK) << 16) >> 16;
}

/** Whether `a` comes before `b` (within half the sequence space). */
export function seqLess(a: number, b: number): boolean {
  return seqDistance(a, b) > 0;
}
