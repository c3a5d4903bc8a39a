/**
 * RFC 4648 base32 (the `A-Z2-7` alphabet), as used by base32 info hashes in
 * magnet links.
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Character code to its 5-bit value, or -1; both cases are accepted. */
const VALUES = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) {
    table[ALPHABET.charCodeAt(i)] = i;
    table[ALPHABET.toLowerCase().charCodeAt(i)] = i;
  }
  return table;
})();

/**
 * Encodes bytes as upper-case base32 without `=` padding.
 *
 * @param bytes The bytes to encode.
 * @returns The base32 text.
 *
 * @example
 * ```ts
 * import { encodeBase32 } from "./base32.ts";
 * console.assert(encodeBase32(new TextEncoder().encode("foobar")) === "MZXW6YTBOI");
 * ```
 */
export function encodeBase32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes base32 in either case, with or without `=` padding.
 *
 * @param text The base32 text.
 * @returns The decoded bytes.
 * @throws {SyntaxError} On a character outside the alphabet, an impossible
 * length, wrong padding or non-zero trailing bits.
 *
 * @example
 * ```ts
 * import { decodeBase32 } from "./base32.ts";
 * console.assert(new TextDecoder().decode(decodeBase32("mzxw6ytboi")) === "foobar");
 * ```
 */
export function decodeBase32(text: string): Uint8Array {
  const fail = (why: string): never => {
    throw new SyntaxError(
      `Cannot parse base32 (${why}): "${text.slice(0, 80)}"`,
    );
  };
  let end = text.length;
  while (end > 0 && text[end - 1] === "=") end--;
  const tail = end % 8;
  if (tail === 1 || tail === 3 || tail === 6) fail("impossible length");
  if (end < text.length && (tail === 0 || text.length !== end + 8 - tail)) {
    fail("bad padding");
  }
  const out = new Uint8Array(Math.floor((end * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < end; i++) {
    const value = VALUES[text.charCodeAt(i)] ?? -1;
    if (value < 0) fail(`bad character at ${i}`);
    buffer = ((buffer << 5) | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) fail("non-zero trailing bits");
  return out;
}
