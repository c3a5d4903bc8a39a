/**
 * The torrent's geometry as the wire sees it, and the range checks on piece
 * indexes and blocks that follow from it.
 *
 * @module
 */

import { WireError } from "./wire_error.ts";

/**
 * The torrent's geometry, for range checks; fields left out are not checked.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { pieceSize, type TorrentShape } from "./torrent_shape.ts";
 *
 * const shape: TorrentShape = { pieceCount: 3, pieceLength: 32768, lastPieceLength: 100 };
 * strictEqual(pieceSize(shape, 0), 32768);
 * strictEqual(pieceSize(shape, 2), 100);
 * ```
 */
export interface TorrentShape {
  /** Number of pieces. */
  pieceCount: number;
  /** Bytes in every piece but the last. */
  pieceLength?: number;
  /** Bytes in the last piece (defaults to `pieceLength`). */
  lastPieceLength?: number;
}

/**
 * Checks a piece index against the piece count.
 *
 * @param torrent The shape, or `null` while unknown (nothing is checked).
 * @param what The message, for the error.
 * @param index The piece index.
 * @throws {WireError} `bad-index` when at or past the piece count.
 *
 * @example
 * ```ts
 * import { checkIndex } from "./torrent_shape.ts";
 * checkIndex({ pieceCount: 4 }, "have", 3);
 * try {
 *   checkIndex({ pieceCount: 4 }, "have", 4);
 * } catch (error) {
 *   console.assert((error as { reason: string }).reason === "bad-index");
 * }
 * ```
 */
export function checkIndex(torrent: TorrentShape | null, what: string, index: number): void {
  if (torrent && index >= torrent.pieceCount) {
    throw new WireError("bad-index", `${what} for piece ${index} of ${torrent.pieceCount}`);
  }
}

/**
 * Checks a block: a valid index, not empty, and inside its piece.
 *
 * @param torrent The shape, or `null` while unknown (only emptiness is checked).
 * @param what The message, for the error.
 * @param index The piece index.
 * @param begin Offset in the piece.
 * @param length Block length.
 * @throws {WireError} `bad-index`, or `bad-request` for an empty block or one past the piece's end.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkBlock } from "./torrent_shape.ts";
 *
 * const shape = { pieceCount: 3, pieceLength: 32768, lastPieceLength: 100 };
 * checkBlock(shape, "request", 2, 0, 100);
 * throws(() => checkBlock(shape, "request", 2, 0, 101), { reason: "bad-request" });
 * throws(() => checkBlock(shape, "request", 3, 0, 100), { reason: "bad-index" });
 * ```
 */
export function checkBlock(
  torrent: TorrentShape | null,
  what: string,
  index: number,
  begin: number,
  length: number,
): void {
  checkIndex(torrent, what, index);
  if (length === 0) throw new WireError("bad-request", `${what} of 0 bytes`);
  const size = torrent && pieceSize(torrent, index);
  if (typeof size === "number" && begin + length > size) {
    const detail = `${what} of ${begin}+${length} past the end of piece ${index} (${size} bytes)`;
    throw new WireError("bad-request", detail);
  }
}

/**
 * The length of one piece, when the shape says.
 *
 * @param torrent The shape.
 * @param index A piece index below the piece count.
 * @returns Bytes in the piece, or `undefined` when the shape leaves lengths out.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { pieceSize } from "./torrent_shape.ts";
 *
 * strictEqual(pieceSize({ pieceCount: 2, pieceLength: 16384, lastPieceLength: 5 }, 1), 5);
 * strictEqual(pieceSize({ pieceCount: 2 }, 0), undefined);
 * ```
 */
export function pieceSize(torrent: TorrentShape, index: number): number | undefined {
  return index === torrent.pieceCount - 1
    ? torrent.lastPieceLength ?? torrent.pieceLength
    : torrent.pieceLength;
}
