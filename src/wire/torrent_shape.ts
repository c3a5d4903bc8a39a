/**
 * The torrent's geometry as the wire sees it, and the range checks on piece
 * indexes and blocks that follow from it.
 *
 * @module
 */

import { WireError } from "./wire_error.ts";

/** The torrent's geometry, for range checks; fields left out are not checked. */
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
 */
export function pieceSize(torrent: TorrentShape, index: number): number | undefined {
  return index === torrent.pieceCount - 1
    ? torrent.lastPieceLength ?? torrent.pieceLength
    : torrent.pieceLength;
}
