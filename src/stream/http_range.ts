/**
 * The HTTP `Range` header (RFC 9110, section 14), single ranges only.
 *
 * @module
 */

/** Bytes `[start, end]`, inclusive as in HTTP. */
export interface ByteRange {
  /** First byte. */
  start: number;
  /** Last byte. */
  end: number;
}

/**
 * Reads a `Range` header against a resource's length.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { parseRange } from "./http_range.ts";
 *
 * deepStrictEqual(parseRange("bytes=10-", 100), { start: 10, end: 99 });
 * deepStrictEqual(parseRange("bytes=-10", 100), { start: 90, end: 99 });
 * strictEqual(parseRange("bytes=200-", 100), "unsatisfiable");
 * strictEqual(parseRange("bytes=0-1,5-6", 100), null); // several ranges: send it all
 * ```
 *
 * @param header The header's value, or null.
 * @param length The resource's length in bytes.
 * @returns The range; `null` to send the whole resource (no header, one we
 * ignore); `"unsatisfiable"` for a range outside it (416).
 */
export function parseRange(
  header: string | null,
  length: number,
): ByteRange | null | "unsatisfiable" {
  if (header === null) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === "" && match[2] === "")) return null;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0 || length === 0) return "unsatisfiable";
    return { start: Math.max(0, length - suffix), end: length - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? length - 1 : Math.min(Number(match[2]), length - 1);
  if (!Number.isSafeInteger(start) || start >= length) return "unsatisfiable";
  if (end < start) return null;
  return { start, end };
}
