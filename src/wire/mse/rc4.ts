/**
 * RC4, the stream cipher of message stream encryption (MSE), with the
 * first 1,024 bytes of keystream dropped as the MSE spec asks.
 *
 * @module
 */

/** Keystream bytes MSE drops before the first byte it encrypts. */
export const MSE_DISCARD = 1024;

/**
 * One direction's RC4 keystream: each call to {@link Rc4.apply} continues
 * where the last stopped.
 *
 * @example
 * ```ts
 * import { Rc4 } from "./rc4.ts";
 *
 * const key = new TextEncoder().encode("Key");
 * const bytes = new TextEncoder().encode("Plaintext");
 * const sealed = new Rc4(key, 0).apply(bytes, new Uint8Array(bytes.length));
 * console.assert(sealed[0] === 0xbb && sealed[8] === 0xc3); // the classic test vector
 * new Rc4(key, 0).apply(sealed); // in place
 * console.assert(new TextDecoder().decode(sealed) === "Plaintext");
 * ```
 */
export class Rc4 {
  #s = new Uint8Array(256);
  #i = 0;
  #j = 0;

  /**
   * Schedules the key.
   *
   * @param key 1 to 256 bytes (MSE uses 20).
   * @param discard Keystream bytes to drop first; MSE's 1,024 by default.
   * @throws {RangeError} For an empty or over-long key.
   */
  constructor(key: Uint8Array, discard: number = MSE_DISCARD) {
    if (key.length < 1 || key.length > 256) {
      throw new RangeError(`Cannot key RC4: ${key.length} bytes, expected 1 to 256`);
    }
    const s = this.#s;
    for (let i = 0; i < 256; i++) s[i] = i;
    for (let i = 0, j = 0; i < 256; i++) {
      const si = s[i]!;
      j = (j + si + key[i % key.length]!) & 255;
      s[i] = s[j]!;
      s[j] = si;
    }
    if (discard > 0) this.apply(new Uint8Array(discard));
  }

  /**
   * XORs the next keystream bytes into `input`, writing to `output`
   * (the same array by default: in place).
   *
   * @param input The bytes to encrypt or decrypt.
   * @param output Where to write; at least as long as `input`.
   * @returns `output`.
   */
  apply(input: Uint8Array, output: Uint8Array = input): Uint8Array {
    const s = this.#s;
    let i = this.#i;
    let j = this.#j;
    const n = input.length;
    for (let k = 0; k < n; k++) {
      i = (i + 1) & 255;
      const si = s[i]!;
      j = (j + si) & 255;
      const sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      output[k] = input[k]! ^ s[(si + sj) & 255]!;
    }
    this.#i = i;
    this.#j = j;
    return output;
  }
}
