/**
 * BEP 52 merkle trees: SHA-256 over 16 KiB blocks, padded with zero hashes to
 * a power of two, with piece layers at the height of one piece.
 *
 * @module
 */

import { concatBytes } from "../bytes.ts";
import { sha256 } from "./hash.ts";

/** The size of a merkle leaf: 16 KiB. */
export const BLOCK_SIZE = 16384;

/** Smallest power of two that is at least `n` (1 for 0). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

const zeroHashes: Uint8Array[] = [new Uint8Array(32)];

/**
 * The root of a subtree of `2 ** height` zero leaves: the padding used where
 * a file ends before its tree does.
 */
export async function zeroSubtreeRoot(height: number): Promise<Uint8Array> {
  while (zeroHashes.length <= height) {
    const below = zeroHashes[zeroHashes.length - 1]!;
    zeroHashes.push(await sha256(concatBytes([below, below])));
  }
  return zeroHashes[height]!;
}

/**
 * Reduces a layer of hashes to its root, padding it to `width` nodes (a power
 * of two, at least the layer's length) with `padding`.
 *
 * @param layer Hashes of one level, left to right.
 * @param width Number of nodes the level has once padded.
 * @param padding Hash standing for each missing node.
 * @returns The root hash.
 */
export async function merkleRoot(
  layer: readonly Uint8Array[],
  width: number,
  padding: Uint8Array,
): Promise<Uint8Array> {
  let level = layer.slice();
  let pad = padding;
  while (width > 1) {
    const next: Promise<Uint8Array>[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(sha256(concatBytes([level[i]!, level[i + 1] ?? pad])));
    }
    level = await Promise.all(next);
    pad = await sha256(concatBytes([pad, pad]));
    width /= 2;
  }
  return level[0] ?? pad;
}

/** True for 1, 2, 4, 8, ... up to 2 ** 52. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && Number.isInteger(Math.log2(n));
}

/** log2 of a power of two. */
export function log2(powerOfTwo: number): number {
  return Math.round(Math.log2(powerOfTwo));
}

/**
 * Root of a file's tree from its piece layer (for files longer than a piece).
 *
 * @param pieceHashes The file's piece layer, 32 bytes per piece.
 * @param pieceLength Bytes per piece (a power of two, at least 16 KiB).
 */
export async function rootFromPieceLayer(
  pieceHashes: readonly Uint8Array[],
  pieceLength: number,
): Promise<Uint8Array> {
  const padding = await zeroSubtreeRoot(log2(pieceLength / BLOCK_SIZE));
  return merkleRoot(pieceHashes, nextPowerOfTwo(pieceHashes.length), padding);
}
