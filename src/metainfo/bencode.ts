/**
 * Bencode with the bounds a hostile file needs, over `npm:bencode`.
 *
 * `npm:bencode` does the decoding and encoding; before it sees a byte, a
 * strict, iterative scan here checks the document against {@link Limits}
 * (size, nesting depth, token count, string length, integer size) and the
 * canonical form (no leading zeros, no `-0`, string keys without
 * duplicates), and reports the byte offset of the first fault. The scan also
 * returns where each top-level dictionary value lies, so info hashes are taken
 * over the original bytes of the info dictionary, never over a re-encoding.
 *
 * @example
 * ```ts
 * import { decodeBencode, encodeBencode } from "./bencode.ts";
 * const bytes = encodeBencode({ a: 1, b: [new TextEncoder().encode("x")] });
 * const { value, spans } = decodeBencode(bytes);
 * console.assert((value as { a: number }).a === 1);
 * console.assert(spans.get("a")?.start === 4);
 * ```
 *
 * @module
 */

import bencode from "npm:bencode@^4";
import { compareBytes, concatBytes, toHex, utf8 } from "../bytes.ts";
import { BencodeError } from "../errors.ts";
import { type Limits, resolveLimits } from "../limits.ts";
import type { BencodeValue } from "./types.ts";

/** Where a value lies in the input: `bytes.subarray(start, end)`. */
export interface Span {
  /** Offset of the value's first byte. */
  start: number;
  /** Offset just past the value's last byte. */
  end: number;
}

/** The result of {@link decodeBencode}. */
export interface Decoded {
  /** The decoded value: numbers, byte strings, arrays, dictionaries. */
  value: BencodeValue;
  /** For a top-level dictionary, the span of each key's value. */
  spans: Map<string, Span>;
}

const D = 0x64; // d
const L = 0x6c; // l
const I = 0x69; // i
const E = 0x65; // e
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const MAX_INT_DIGITS = 16; // Number.MAX_SAFE_INTEGER has 16 digits

const latin1 = new TextDecoder("latin1");

/**
 * Decodes one bencoded value that must fill `bytes` exactly.
 *
 * @param bytes The encoded document.
 * @param limits Bounds to enforce (defaults from `defaultLimits`).
 * @returns The value and, for a dictionary, the spans of its values.
 * @throws {BencodeError} With the byte offset of the first fault.
 */
export function decodeBencode(
  bytes: Uint8Array,
  limits: Partial<Limits> = {},
): Decoded {
  const spans = scan(bytes, resolveLimits(limits));
  return { value: bencode.decode(bytes) as BencodeValue, spans };
}

/**
 * Encodes a value as canonical bencode (dictionary keys sorted).
 *
 * @param value Numbers (safe integers), strings (as UTF-8), bytes, arrays and
 * plain objects; `undefined` members of objects are left out.
 * @returns The encoded bytes.
 */
export function encodeBencode(value: unknown): Uint8Array {
  return bencode.encode(value);
}

/** One open container during the scan. */
interface Frame {
  dict: boolean;
  /** Offset of the `d` or `l` that opened it. */
  start: number;
  /** For dictionaries: the keys seen, to refuse duplicates. */
  keys: Set<string> | null;
  /** For dictionaries: whether the next item is a key. */
  expectKey: boolean;
  /** For the top-level dictionary: the key whose value comes next. */
  pendingKey: string | null;
}

/** Scans and validates the document; returns the top-level value spans. */
function scan(bytes: Uint8Array, limits: Limits): Map<string, Span> {
  const spans = new Map<string, Span>();
  if (bytes.length > limits.maxBencodeBytes) {
    throw new BencodeError(
      `document of ${bytes.length} bytes exceeds the limit of ${limits.maxBencodeBytes}`,
      0,
    );
  }
  if (bytes.length === 0) throw new BencodeError("empty input", 0);
  const stack: Frame[] = [];
  let pos = 0;
  let tokens = 0;
  let done = false;
  while (pos < bytes.length) {
    if (done) throw new BencodeError("trailing data after the value", pos);
    const frame = stack[stack.length - 1];
    const byte = bytes[pos]!;
    const valueStart = pos;
    if (byte === E) {
      if (!frame) throw new BencodeError("unexpected end marker", pos);
      if (frame.dict && !frame.expectKey) {
        throw new BencodeError("dictionary key without a value", pos);
      }
      stack.pop();
      pos++;
      afterValue(frame.start, pos);
      continue;
    }
    if (++tokens > limits.maxBencodeTokens) {
      throw new BencodeError(
        `more than ${limits.maxBencodeTokens} tokens`,
        pos,
      );
    }
    if (frame?.dict && frame.expectKey) {
      if (byte < ZERO || byte > NINE) {
        throw new BencodeError("dictionary key is not a string", pos);
      }
      const [start, end] = readString(bytes, pos, limits);
      const key = latin1.decode(bytes.subarray(start, end));
      if (key === "__proto__") {
        throw new BencodeError(
          'dictionary key "__proto__" is not allowed',
          pos,
        );
      }
      if (frame.keys!.has(key)) {
        throw new BencodeError(`duplicate dictionary key "${key}"`, pos);
      }
      frame.keys!.add(key);
      frame.expectKey = false;
      if (stack.length === 1) frame.pendingKey = key;
      pos = end;
      continue;
    }
    if (byte === D || byte === L) {
      if (stack.length >= limits.maxBencodeDepth) {
        throw new BencodeError(
          `nesting deeper than ${limits.maxBencodeDepth}`,
          pos,
        );
      }
      stack.push({
        dict: byte === D,
        start: pos,
        keys: byte === D ? new Set() : null,
        expectKey: true,
        pendingKey: null,
      });
      pos++;
      continue;
    }
    if (byte === I) {
      pos = readInteger(bytes, pos);
    } else if (byte >= ZERO && byte <= NINE) {
      pos = readString(bytes, pos, limits)[1];
    } else {
      throw new BencodeError(
        `unexpected byte 0x${byte.toString(16).padStart(2, "0")}`,
        pos,
      );
    }
    afterValue(valueStart, pos);
  }
  if (!done) {
    throw new BencodeError(
      stack.length > 0 ? "truncated: unterminated list or dictionary" : "truncated",
      bytes.length,
    );
  }
  return spans;

  /** Records spans and flips dictionary state after a complete value. */
  function afterValue(start: number, end: number): void {
    const frame = stack[stack.length - 1];
    if (!frame) {
      done = true;
      return;
    }
    if (frame.dict) {
      if (stack.length === 1 && frame.pendingKey !== null) {
        spans.set(frame.pendingKey, { start, end });
        frame.pendingKey = null;
      }
      frame.expectKey = true;
    }
  }
}

/** Reads `<len>:<bytes>` at `pos`; returns the content's [start, end). */
function readString(
  bytes: Uint8Array,
  pos: number,
  limits: Limits,
): [number, number] {
  const begin = pos;
  let length = 0;
  let digits = 0;
  while (pos < bytes.length && bytes[pos] !== COLON) {
    const b = bytes[pos]!;
    if (b < ZERO || b > NINE) {
      throw new BencodeError("string length is not a number", pos);
    }
    if (digits === 1 && length === 0) {
      throw new BencodeError("string length has a leading zero", begin);
    }
    length = length * 10 + (b - ZERO);
    digits++;
    if (length > limits.maxBencodeStringBytes) {
      throw new BencodeError(
        `string length exceeds the limit of ${limits.maxBencodeStringBytes} bytes`,
        begin,
      );
    }
    pos++;
  }
  if (pos >= bytes.length) {
    throw new BencodeError("truncated string length", begin);
  }
  const start = pos + 1;
  const end = start + length;
  if (end > bytes.length) {
    throw new BencodeError(
      `string of ${length} bytes runs past the end of the input`,
      begin,
    );
  }
  return [start, end];
}

/** Reads `i<digits>e` at `pos`; returns the offset after it. */
function readInteger(bytes: Uint8Array, pos: number): number {
  const begin = pos;
  pos++;
  const negative = bytes[pos] === MINUS;
  if (negative) pos++;
  const digitsStart = pos;
  while (pos < bytes.length && bytes[pos] !== E) {
    const b = bytes[pos]!;
    if (b < ZERO || b > NINE) {
      throw new BencodeError("integer has a non-digit", pos);
    }
    if (pos - digitsStart >= MAX_INT_DIGITS) {
      throw new BencodeError("integer is too large", begin);
    }
    pos++;
  }
  if (pos >= bytes.length) throw new BencodeError("truncated integer", begin);
  const digits = pos - digitsStart;
  if (digits === 0) throw new BencodeError("integer has no digits", begin);
  if (bytes[digitsStart] === ZERO && (digits > 1 || negative)) {
    throw new BencodeError(
      negative ? "integer is negative zero" : "integer has a leading zero",
      begin,
    );
  }
  const text = latin1.decode(bytes.subarray(digitsStart, pos));
  if (!Number.isSafeInteger(Number(text))) {
    throw new BencodeError("integer is too large", begin);
  }
  return pos + 1;
}

/**
 * The property name `npm:bencode` gives a dictionary key with these bytes:
 * the UTF-8 text, or lower-case hex when the bytes are not clean UTF-8.
 * Use it to look up keys that are binary, like BEP 52 pieces roots.
 */
export function bencodeKey(bytes: Uint8Array): string {
  const text = lenientUtf8.decode(bytes);
  return text.includes("\uFFFD") ? toHex(bytes) : text;
}

const lenientUtf8 = new TextDecoder();

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
  const parts: Uint8Array[] = [utf8("d")];
  for (const { key, value } of keyed) parts.push(utf8(`${key.length}:`), key, value);
  parts.push(utf8("e"));
  return concatBytes(parts);
}
