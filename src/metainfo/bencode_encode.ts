/**
 * Canonical bencode encoding: dictionary keys in the byte order of their
 * encoding (as BEP 3 and BEP 52 require), integers checked.
 *
 * @module
 */

import { compareBytes, concatBytes, utf8 } from "../bytes.ts";
import { keyBytes } from "./bencode_keys.ts";

const D = utf8("d");
const L = utf8("l");
const E = utf8("e");

/**
 * Encodes a value as canonical bencode.
 *
 * @example
 * ```ts
 * import { encodeBencode } from "./bencode_encode.ts";
 * const bytes = encodeBencode({ b: 1, a: ["x", new Uint8Array([0x79])] });
 * console.assert(new TextDecoder().decode(bytes) === "d1:al1:x1:ye1:bi1ee");
 * ```
 *
 * @param value Safe integers, strings (as UTF-8), bytes, arrays and plain
 * objects (keys named as `decodeBencode` names them); `undefined` and `null`
 * members are left out.
 * @returns The encoded bytes.
 * @throws {TypeError} For a number that is not a safe integer, or a value of
 * another type.
 */
export function encodeBencode(value: unknown): Uint8Array {
  const parts: Uint8Array[] = [];
  encodeInto(parts, value);
  return concatBytes(parts);
}

function encodeInto(parts: Uint8Array[], value: unknown): void {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new TypeError(`Cannot bencode ${value}: not a safe integer`);
    }
    parts.push(utf8(`i${value}e`));
  } else if (typeof value === "string") {
    const bytes = utf8(value);
    parts.push(utf8(`${bytes.length}:`), bytes);
  } else if (value instanceof Uint8Array) {
    parts.push(utf8(`${value.length}:`), value);
  } else if (Array.isArray(value)) {
    parts.push(L);
    for (const item of value) if (item !== undefined && item !== null) encodeInto(parts, item);
    parts.push(E);
  } else if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && v !== null);
    const keyed = entries.map(([key, v]) => ({ key: keyBytes(key), v }));
    keyed.sort((a, b) => compareBytes(a.key, b.key));
    parts.push(D);
    for (const { key, v } of keyed) {
      parts.push(utf8(`${key.length}:`), key);
      encodeInto(parts, v);
    }
    parts.push(E);
  } else {
    throw new TypeError(`Cannot bencode a value of type ${typeof value}`);
  }
}

/**
 * Encodes a dictionary whose values are already bencoded, keys in byte
 * order: how a torrent keeps its info dictionary's original bytes, and how
 * binary keys (BEP 52 pieces roots) are written.
 *
 * @param entries Pairs of key (text or raw bytes) and encoded value.
 * @returns The encoded dictionary.
 */
export function encodeDictOfEncoded(
  entries: Iterable<readonly [string | Uint8Array, Uint8Array]>,
): Uint8Array {
  const keyed = [...entries].map(([key, value]) => ({
    key: typeof key === "string" ? utf8(key) : key,
    value,
  }));
  keyed.sort((a, b) => compareBytes(a.key, b.key));
  const parts: Uint8Array[] = [D];
  for (const { key, value } of keyed) parts.push(utf8(`${key.length}:`), key, value);
  parts.push(E);
  return concatBytes(parts);
}
