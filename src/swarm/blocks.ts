/**
 * Piece and block geometry: the 16 KiB blocks we request, and the size of
 * every piece (v1 torrents have one short last piece; v2 torrents have a
 * short last piece per file).
 *
 * @module
 */

/** Bytes in a block, the unit of a request (16 KiB, what every client uses). */
export const BLOCK_SIZE = 16 * 1024;

/** One block of a piece, as in a wire `request`, `piece` or `cancel`. */
export interface BlockRequest {
  /** Piece index. */
  piece: number;
  /** Byte offset within the piece, a multiple of {@link BLOCK_SIZE}. */
  begin: number;
  /** Bytes: {@link BLOCK_SIZE}, less for the last block of a short piece. */
  length: number;
}

/** What {@link pieceSizes} needs: a torrent's piece grid and file layout. */
export interface PieceLayout {
  /** Bytes per full piece. */
  pieceLength: number;
  /** Number of pieces. */
  pieceCount: number;
  /** Files (pad files included) with their offsets in piece space. */
  files: readonly { readonly offset: number; readonly length: number }[];
}

/**
 * Number of blocks in a piece.
 *
 * @param pieceSize Bytes in the piece.
 * @returns `ceil(pieceSize / BLOCK_SIZE)`.
 */
export function blockCount(pieceSize: number): number {
  return Math.ceil(pieceSize / BLOCK_SIZE);
}

/**
 * Bytes in one block of a piece: {@link BLOCK_SIZE} except maybe the last.
 *
 * @param pieceSize Bytes in the piece.
 * @param block Block index within the piece.
 * @returns The block's length.
 */
export function blockLength(pieceSize: number, block: number): number {
  return Math.min(BLOCK_SIZE, pieceSize - block * BLOCK_SIZE);
}

/**
 * The size of every piece: the bytes of file data (pad files included)
 * that fall inside it. Works for v1, v2 and hybrid layouts alike, since v2
 * files start on piece boundaries and hybrid pad files fill the gaps.
 *
 * @param layout Piece length, piece count and files with offsets, such as a
 * `Metainfo` or a `StorageLayout`.
 * @returns One size per piece.
 * @throws {RangeError} When a file reaches past the last piece.
 *
 * @example
 * ```ts
 * import { pieceSizes } from "./blocks.ts";
 * // v2-style: two files, each starting on a piece boundary.
 * const sizes = pieceSizes({
 *   pieceLength: 32768,
 *   pieceCount: 3,
 *   files: [{ offset: 0, length: 40000 }, { offset: 65536, length: 100 }],
 * });
 * console.assert(sizes.join() === "32768,7232,100");
 * ```
 */
export function pieceSizes(layout: PieceLayout): Uint32Array {
  const { pieceLength: size, pieceCount } = layout;
  const sizes = new Uint32Array(pieceCount);
  for (const { offset, length } of layout.files) {
    if (length <= 0) continue;
    const end = offset + length;
    const first = Math.floor(offset / size);
    const last = Math.floor((end - 1) / size);
    if (last >= pieceCount) {
      throw new RangeError(`A file ends at byte ${end}, past piece ${pieceCount - 1}`);
    }
    if (first === last) {
      sizes[first]! += length;
      continue;
    }
    sizes[first]! += (first + 1) * size - offset;
    for (let i = first + 1; i < last; i++) sizes[i] = size;
    sizes[last]! += end - last * size;
  }
  return sizes;
}
