/**
 * The resume file of the filesystem storage: which pieces are complete, and
 * the size and modification time of each file when that was recorded.
 *
 * The file is JSON:
 * `{"format":"seed-resume/1","layout":"<hex>","files":[[size,mtime]|null,...],"complete":"<hex bitfield>"}`;
 * `layout` is the SHA-256 of the layout's key, `files` follows
 * `layout.files` (`null` for pad files and files that did not exist), and
 * the bitfield has piece 0 in the high bit of its first byte, as on the
 * wire.
 *
 * @module
 */

import { fromHex, toHex, utf8 } from "../bytes.ts";

const FORMAT = "seed-resume/1";

/** A file's size and modification time, as `stat` gave them. */
export interface FileStamp {
  /** Size in bytes. */
  size: number;
  /** Modification time in whole milliseconds, or `null`. */
  mtime: number | null;
}

/** What a resume file holds. */
export interface Resume {
  /** One stamp per file of the layout; `null` for pad files and missing files. */
  files: (FileStamp | null)[];
  /** The pieces complete when the file was written. */
  complete: Set<number>;
}

/** Encodes a resume file for a layout whose key hashes to `layout` (hex). */
export function encodeResume(layout: string, pieceCount: number, resume: Resume): Uint8Array {
  const bits = new Uint8Array(Math.ceil(pieceCount / 8));
  for (const piece of resume.complete) bits[piece >> 3]! |= 0x80 >> (piece & 7);
  return utf8(JSON.stringify({
    format: FORMAT,
    layout,
    files: resume.files.map((s) => s && [s.size, s.mtime]),
    complete: toHex(bits),
  }));
}

/**
 * Decodes a resume file; `null` when it is not one, or was written for
 * another layout.
 */
export function decodeResume(
  bytes: Uint8Array,
  layout: string,
  pieceCount: number,
  fileCount: number,
): Resume | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  const record = value as {
    format?: unknown;
    layout?: unknown;
    files?: unknown;
    complete?: unknown;
  };
  if (
    typeof value !== "object" || value === null || record.format !== FORMAT ||
    record.layout !== layout || !Array.isArray(record.files) ||
    record.files.length !== fileCount || typeof record.complete !== "string" ||
    record.complete.length !== Math.ceil(pieceCount / 8) * 2
  ) return null;
  const files: (FileStamp | null)[] = [];
  for (const stamp of record.files as unknown[]) {
    if (stamp === null) files.push(null);
    else if (
      Array.isArray(stamp) && stamp.length === 2 && Number.isSafeInteger(stamp[0]) &&
      (stamp[1] === null || Number.isSafeInteger(stamp[1]))
    ) files.push({ size: stamp[0], mtime: stamp[1] });
    else return null;
  }
  let bits: Uint8Array;
  try {
    bits = fromHex(record.complete);
  } catch {
    return null;
  }
  const complete = new Set<number>();
  for (let piece = 0; piece < pieceCount; piece++) {
    if (bits[piece >> 3]! & (0x80 >> (piece & 7))) complete.add(piece);
  }
  return { files, complete };
}
