/**
 * Where a piece's bytes lie in a torrent's files: piece sizes, range checks
 * and the file spans of a range, for every storage to share.
 *
 * Pieces are laid over the files' offsets in piece space. In a v1 or hybrid
 * torrent the files (pad files included) follow one another, so only the
 * last piece is short. In a v2-only torrent each file starts on a piece
 * boundary and the space after its end is not stored, so each file's last
 * piece is short.
 *
 * @module
 */

import type { TorrentFile } from "../metainfo/types.ts";
import type { StorageLayout } from "./types.ts";

/** A part of a range that lies in one file. */
export interface FileSpan {
  /** Index of the file in `layout.files`. */
  file: number;
  /** Position in the file. */
  position: number;
  /** Position in the range (0 for its first byte). */
  at: number;
  /** Number of bytes. */
  length: number;
}

/**
 * Bytes in a piece: the piece length, less for the last piece of a v1
 * torrent or of each file in a v2 torrent.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { pieceSize } from "./layout.ts";
 *
 * const file = { path: ["a"], length: 40_000, offset: 0, attr: "", padding: false, piecesRoot: null };
 * const layout = { name: "a", pieceLength: 16_384, pieceCount: 3, files: [file] };
 * strictEqual(pieceSize(layout, 0), 16_384);
 * strictEqual(pieceSize(layout, 2), 40_000 - 2 * 16_384);
 * ```
 *
 * @param layout The torrent's layout (a `Metainfo` is one).
 * @param piece A piece index.
 * @returns The piece's size in bytes.
 * @throws {RangeError} When the piece does not exist.
 */
export function pieceSize(layout: StorageLayout, piece: number): number {
  if (!Number.isSafeInteger(piece) || piece < 0 || piece >= layout.pieceCount) {
    throw new RangeError(`Piece ${piece} is outside 0..${layout.pieceCount - 1}`);
  }
  const start = piece * layout.pieceLength;
  const limit = start + layout.pieceLength;
  // File ends never decrease, so the last file starting before the piece's
  // end is the one that ends last among those reaching into it.
  const last = layout.files[lastStartingBefore(layout.files, limit)];
  const end = last ? Math.min(limit, last.offset + last.length) : start;
  if (end <= start) throw new RangeError(`Piece ${piece} holds no file data`);
  return end - start;
}

/**
 * Checks that a range lies inside a piece.
 *
 * @param layout The torrent's layout.
 * @param piece A piece index.
 * @param offset Start of the range in the piece.
 * @param length Bytes in the range.
 * @returns The piece's size.
 * @throws {RangeError} When the piece does not exist or the range leaves it.
 */
export function checkRange(
  layout: StorageLayout,
  piece: number,
  offset: number,
  length: number,
): number {
  const size = pieceSize(layout, piece);
  if (
    !Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 ||
    length < 0 || offset + length > size
  ) {
    throw new RangeError(
      `Range of ${length} bytes at ${offset} is outside piece ${piece} of ${size} bytes`,
    );
  }
  return size;
}

/**
 * The parts of a range of a piece that lie in each file, in order, pad files
 * included and empty files left out. The range must have passed
 * {@link checkRange}.
 *
 * @param layout The torrent's layout.
 * @param piece A piece index.
 * @param offset Start of the range in the piece.
 * @param length Bytes in the range.
 * @returns The spans, covering the range exactly.
 */
export function fileSpans(
  layout: StorageLayout,
  piece: number,
  offset: number,
  length: number,
): FileSpan[] {
  const start = piece * layout.pieceLength + offset;
  const end = start + length;
  const files = layout.files;
  const spans: FileSpan[] = [];
  for (let i = firstEndingAfter(files, start); i < files.length; i++) {
    const file = files[i]!;
    if (file.offset >= end) break;
    const from = Math.max(start, file.offset);
    const to = Math.min(end, file.offset + file.length);
    if (to > from) {
      spans.push({ file: i, position: from - file.offset, at: from - start, length: to - from });
    }
  }
  return spans;
}

/**
 * The pieces holding bytes of a file: `[first, end)`; empty for an empty file.
 *
 * @param layout The torrent's layout.
 * @param file The file.
 * @returns The first piece and one past the last.
 */
export function piecesOfFile(layout: StorageLayout, file: TorrentFile): [number, number] {
  if (file.length === 0) return [0, 0];
  return [
    Math.floor(file.offset / layout.pieceLength),
    Math.ceil((file.offset + file.length) / layout.pieceLength),
  ];
}

/** Index of the last file whose offset is below `limit`, or -1. */
function lastStartingBefore(files: readonly TorrentFile[], limit: number): number {
  let low = 0;
  let high = files.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (files[mid]!.offset < limit) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

/** Index of the first file that ends after `position`, or `files.length`. */
function firstEndingAfter(files: readonly TorrentFile[], position: number): number {
  let low = 0;
  let high = files.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const file = files[mid]!;
    if (file.offset + file.length <= position) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * A text that identifies a layout: equal for layouts that map pieces to the
 * same files in the same way.
 *
 * @param layout The torrent's layout.
 * @returns A JSON text of the name, piece geometry and every file.
 */
export function layoutKey(layout: StorageLayout): string {
  return JSON.stringify([
    layout.name,
    layout.pieceLength,
    layout.pieceCount,
    layout.files.map((f) => [f.path, f.length, f.offset, f.padding]),
  ]);
}
