/**
 * Bencode with the bounds a hostile file needs.
 *
 * Decoding is one iterative pass that checks the document against
 * {@link Limits} (size, nesting depth, token count, string length, integer
 * size) and the canonical form (no leading zeros, no `-0`, no duplicate
 * keys), and reports the byte offset of the first fault. It also returns
 * where each top-level dictionary value lies, so info hashes are taken over
 * the original bytes of the info dictionary, never over a re-encoding.
 *
 * Dictionary keys become property names losslessly: UTF-8 text (a leading
 * byte order mark kept), or, for bytes that are not UTF-8, one lone surrogate
 * U+DC00 + byte per byte, which no UTF-8 text can produce ({@link keyBytes}
 * turns a name back into its bytes). `npm:bencode`'s decoder is not used:
 * it strips byte order marks and turns keys holding U+FFFD into hex, so
 * distinct keys collide and v2 file names change.
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

import { BencodeError } from "../errors.ts";
import { encodeBencode, encodeDictOfEncoded } from "./bencode_encode.ts";
import { bencodeKey, keyBytes } from "./bencode_keys.ts";
import { type Limits, resolveLimits } from "../limits.ts";
import type { BencodeDict, BencodeValue } from "./types.ts";

/**
 * Where a value lies in the input: `bytes.subarray(start, end)`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { decodeBencode, type Span } from "./bencode.ts";
 *
 * const bytes = new TextEncoder().encode("d4:infod4:name1:aee");
 * const span: Span = decodeBencode(bytes).spans.get("info")!;
 * strictEqual(new TextDecoder().decode(bytes.subarray(span.start, span.end)), "d4:name1:ae");
 * ```
 */
export interface Span {
  /** Offset of the value's first byte. */
  start: number;
  /** Offset just past the value's last byte. */
  end: number;
}

/**
 * The result of {@link decodeBencode}.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { type Decoded, decodeBencode } from "./bencode.ts";
 *
 * const decoded: Decoded = decodeBencode(new TextEncoder().encode("d3:agei42e3:tagli1ei2eee"));
 * deepStrictEqual(decoded.value, { age: 42, tag: [1, 2] });
 * deepStrictEqual(decoded.spans.get("age"), { start: 6, end: 10 });
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { decodeBencode } from "./bencode.ts";
 *
 * const { value } = decodeBencode(new TextEncoder().encode("l4:spami7ee"));
 * deepStrictEqual(value, [new TextEncoder().encode("spam"), 7]);
 * throws(() => decodeBencode(new TextEncoder().encode("i03e")), { name: "BencodeError" });
 * throws(() => decodeBencode(new TextEncoder().encode("le"), { maxBencodeBytes: 1 }), { offset: 0 });
 * ```
 */
export function decodeBencode(
  bytes: Uint8Array,
  limits: Partial<Limits> = {},
): Decoded {
  return scan(bytes, resolveLimits(limits));
}

export { bencodeKey, encodeBencode, encodeDictOfEncoded, keyBytes };

/** One open container during the scan. */
interface Frame {
  dict: boolean;
  /** Offset of the `d` or `l` that opened it. */
  start: number;
  /** The list or dictionary being filled. */
  container: BencodeValue[] | BencodeDict;
  /** For dictionaries: whether the next item is a key. */
  expectKey: boolean;
  /** For dictionaries: the key whose value comes next. */
  pendingKey: string | null;
}

/** Validates and decodes the document; records the top-level value spans. */
function scan(bytes: Uint8Array, limits: Limits): Decoded {
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
  let result: BencodeValue | undefined;
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
      afterValue(frame.container, frame.start, pos);
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
      const key = bencodeKey(bytes.subarray(start, end));
      if (key === "__proto__") {
        throw new BencodeError(
          'dictionary key "__proto__" is not allowed',
          pos,
        );
      }
      if (Object.hasOwn(frame.container, key)) {
        throw new BencodeError(`duplicate dictionary key "${key}"`, pos);
      }
      frame.expectKey = false;
      frame.pendingKey = key;
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
        container: byte === D ? {} : [],
        expectKey: true,
        pendingKey: null,
      });
      pos++;
      continue;
    }
    let value: BencodeValue;
    if (byte === I) {
      [value, pos] = readInteger(bytes, pos);
    } else if (byte >= ZERO && byte <= NINE) {
      const [start, end] = readString(bytes, pos, limits);
      value = bytes.subarray(start, end);
      pos = end;
    } else {
      throw new BencodeError(
        `unexpected byte 0x${byte.toString(16).padStart(2, "0")}`,
        pos,
      );
    }
    afterValue(value, valueStart, pos);
  }
  if (!done) {
    throw new BencodeError(
      stack.length > 0 ? "truncated: unterminated list or dictionary" : "truncated",
      bytes.length,
    );
  }
  return { value: result!, spans };

  /** Stores a complete value in its container and records top-level spans. */
  function afterValue(value: BencodeValue, start: number, end: number): void {
    const frame = stack[stack.length - 1];
    if (!frame) {
      result = value;
      done = true;
    } else if (Array.isArray(frame.container)) {
      frame.container.push(value);
    } else {
      const key = frame.pendingKey!;
      frame.container[key] = value;
      if (stack.length === 1) spans.set(key, { start, end });
      frame.pendingKey = null;
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

/** Reads `i<digits>e` at `pos`; returns the value and the offset after it. */
function readInteger(bytes: Uint8Array, pos: number): [number, number] {
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
  const value = Number(latin1.decode(bytes.subarray(begin + 1, pos)));
  if (!Number.isSafeInteger(value)) {
    throw new BencodeError("integer is too large", begin);
  }
  return [value, pos + 1];
}
