/**
 * Dictionary keys as property names, losslessly: UTF-8 text, or one lone
 * surrogate per byte for keys that are not UTF-8.
 *
 * @module
 */

/**
 * The property name a dictionary key with these bytes gets when decoded:
 * its UTF-8 text, or one U+DC00 + byte per byte when it is not UTF-8. Use it
 * to look up binary keys, like BEP 52 pieces roots.
 *
 * @example
 * ```ts
 * import { bencodeKey, keyBytes } from "./bencode_keys.ts";
 * const root = new Uint8Array([0xff, 0x41]);
 * console.assert(bencodeKey(root) === "\udcff\udc41");
 * console.assert(keyBytes(bencodeKey(root))[0] === 0xff);
 * ```
 */
export function bencodeKey(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return Array.from(bytes, (b) => String.fromCharCode(0xdc00 | b)).join("");
  }
}

/** The bytes of a dictionary key named by {@link bencodeKey}. */
export function keyBytes(key: string): Uint8Array {
  return /^[\udc00-\udcff]+$/.test(key)
    ? Uint8Array.from(key, (c) => c.charCodeAt(0) & 0xff)
    : utf8Encoder.encode(key);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();
