/**
 * Chooses a piece length for a new torrent.
 *
 * @module
 */

const MIN = 16 * 1024;
const MAX = 16 * 1024 * 1024;
const TARGET_PIECES = 2000;

/**
 * The smallest power of two from 16 KiB to 16 MiB that keeps the torrent at
 * or under 2,000 pieces, so most torrents get 1,000 to 2,000 pieces.
 *
 * @example
 * ```ts
 * import { choosePieceLength } from "./piece_length.ts";
 * console.assert(choosePieceLength(1024 ** 3) === 1024 * 1024); // 1 GiB: 1,024 pieces
 * ```
 *
 * @param totalLength Bytes in the torrent.
 * @returns Bytes per piece.
 */
export function choosePieceLength(totalLength: number): number {
  let length = MIN;
  while (length < MAX && totalLength / length > TARGET_PIECES) length *= 2;
  return length;
}
