/**
 * Typed reads of decoded bencode fields, failing with a `MetainfoError` that
 * names the field.
 *
 * @module
 */

import { utf8OrNull } from "../bytes.ts";
import { MetainfoError } from "../errors.ts";
import type { BencodeDict, BencodeValue } from "./types.ts";

/** True for a decoded bencode dictionary. */
export function isDict(value: BencodeValue | undefined): value is BencodeDict {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Uint8Array);
}

/** The value of `key` if the dictionary itself has it. */
export function own(dict: BencodeDict, key: string): BencodeValue | undefined {
  return Object.hasOwn(dict, key) ? dict[key] : undefined;
}

/** A dictionary member that must be a dictionary. */
export function dictField(
  dict: BencodeDict,
  key: string,
  where: string,
): BencodeDict {
  const value = own(dict, key);
  if (!isDict(value)) throw new MetainfoError(`"${where}" is not a dictionary`);
  return value;
}

/** An integer member, or `undefined` when absent; checked against [min, max]. */
export function intField(
  dict: BencodeDict,
  key: string,
  where: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = own(dict, key);
  if (value === undefined) return undefined;
  if (typeof value !== "number") {
    throw new MetainfoError(`"${where}" is not an integer`);
  }
  if (value < min) {
    throw new MetainfoError(`"${where}" is ${value}, below ${min}`);
  }
  if (value > max) {
    throw new MetainfoError(`"${where}" is ${value}, above ${max}`);
  }
  return value;
}

/** A byte-string member, or `undefined` when absent. */
export function bytesField(
  dict: BencodeDict,
  key: string,
  where: string,
): Uint8Array | undefined {
  const value = own(dict, key);
  if (value === undefined) return undefined;
  if (!(value instanceof Uint8Array)) {
    throw new MetainfoError(`"${where}" is not a byte string`);
  }
  return value;
}

/**
 * A text member, or `undefined` when absent or not text (informational
 * fields like `comment` are dropped rather than failing the torrent).
 */
export function textField(dict: BencodeDict, key: string): string | undefined {
  const value = own(dict, key);
  return value instanceof Uint8Array ? utf8OrNull(value) ?? undefined : undefined;
}

/** A list member, or `undefined` when absent. */
export function listField(
  dict: BencodeDict,
  key: string,
  where: string,
): BencodeValue[] | undefined {
  const value = own(dict, key);
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new MetainfoError(`"${where}" is not a list`);
  }
  return value;
}
