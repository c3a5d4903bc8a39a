/**
 * BEP 52 hash requests over a file's Merkle tree, from the piece layer up:
 * which requests fetch a piece layer, the hashes (and uncle hashes) that
 * answer a request, and checking an answer against the file's pieces root.
 * Proofs follow libtorrent's layout: the base hashes, then for each proof
 * layer above the subtree the base hashes span, the sibling on the path to
 * the root.
 *
 * @module
 */

import { bytesEqual, concatBytes } from "../bytes.ts";
import { sha256 } from "./hash.ts";
import { BLOCK_SIZE, isPowerOfTwo, log2, nextPowerOfTwo, zeroSubtreeRoot } from "./merkle.ts";

/** Most base hashes one request asks for or is answered with (BEP 52: at most 512). */
export const MAX_HASHES_PER_REQUEST = 512;

/** The numbers of a hash request: base layer, first index, count, proof layers. */
export interface HashRange {
  /** Layer of the hashes (0: 16 KiB blocks). */
  baseLayer: number;
  /** Offset of the first hash in that layer. */
  index: number;
  /** How many hashes of the base layer. */
  length: number;
  /** Layers above the base the proof covers. */
  proofLayers: number;
}

/** The layer of a tree that holds one hash per piece. */
export function pieceLayerOf(pieceLength: number): number {
  return log2(pieceLength / BLOCK_SIZE);
}

/** Pieces of a file (with the piece length of the torrent). */
function piecesOf(fileLength: number, pieceLength: number): number {
  return Math.ceil(fileLength / pieceLength);
}

/**
 * The requests that fetch a file's whole piece layer, each checkable on its
 * own against the pieces root.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { pieceLayerRequests } from "./merkle_proof.ts";
 *
 * // 5 pieces of 32 KiB: the piece layer (layer 1) is 8 wide, one request.
 * deepStrictEqual(pieceLayerRequests(5 * 32768, 32768), [
 *   { baseLayer: 1, index: 0, length: 8, proofLayers: 2 },
 * ]);
 * ```
 *
 * @param fileLength The file's bytes (more than one piece).
 * @param pieceLength The torrent's piece length.
 * @returns One request per 512 hashes of the padded layer.
 */
export function pieceLayerRequests(fileLength: number, pieceLength: number): HashRange[] {
  const width = nextPowerOfTwo(piecesOf(fileLength, pieceLength));
  const length = Math.min(width, MAX_HASHES_PER_REQUEST);
  const proofLayers = log2(width) - 1;
  const baseLayer = pieceLayerOf(pieceLength);
  return Array.from(
    { length: width / length },
    (_, i) => ({ baseLayer, index: i * length, length, proofLayers }),
  );
}

/** Uncle hashes that follow `length` base hashes for `proofLayers` layers. */
function uncleCount(length: number, proofLayers: number): number {
  return Math.max(0, proofLayers - log2(length) + 1);
}

/**
 * Checks an answer to a piece-layer request against the pieces root.
 *
 * @param range The request answered.
 * @param hashes The answer's hashes: base hashes, then uncles.
 * @param piecesRoot The file's root.
 * @returns The base hashes when the proof leads to the root, else `null`.
 */
export async function checkHashes(
  range: HashRange,
  hashes: Uint8Array,
  piecesRoot: Uint8Array,
): Promise<Uint8Array[] | null> {
  const { index, length, proofLayers } = range;
  if (!isPowerOfTwo(length) || length < 2) return null;
  if (hashes.length !== (length + uncleCount(length, proofLayers)) * 32) return null;
  const split = (at: number) => hashes.subarray(at * 32, at * 32 + 32);
  const base = Array.from({ length }, (_, i) => split(i));
  let level = base;
  while (level.length > 1) {
    level = await Promise.all(
      Array.from(
        { length: level.length / 2 },
        (_, i) => hashPair(level[2 * i]!, level[2 * i + 1]!),
      ),
    );
  }
  let node = level[0]!;
  let position = index / length;
  for (let u = 0; u < uncleCount(length, proofLayers); u++, position = Math.floor(position / 2)) {
    const uncle = split(length + u);
    node = await (position % 2 === 0 ? hashPair(node, uncle) : hashPair(uncle, node));
  }
  return bytesEqual(node, piecesRoot) ? base : null;
}

/**
 * A file's tree from its piece layer to its root, padded: serves hash
 * requests at the piece layer and above.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { sha256 } from "./hash.ts";
 * import { PieceTree, pieceLayerRequests, checkHashes } from "./merkle_proof.ts";
 *
 * const layer = await Promise.all([1, 2, 3].map((i) => sha256(new Uint8Array([i]))));
 * const tree = await PieceTree.build(layer, 32768);
 * const [range] = pieceLayerRequests(3 * 32768, 32768);
 * ok(await checkHashes(range!, tree.answer(range!)!, tree.root));
 * ```
 */
export class PieceTree {
  /** Layers from the padded piece layer (0) to the root. */
  #layers: Uint8Array[][];
  #pieceLayer: number;

  private constructor(layers: Uint8Array[][], pieceLayer: number) {
    this.#layers = layers;
    this.#pieceLayer = pieceLayer;
  }

  /**
   * Hashes the tree above a piece layer.
   *
   * @param pieceHashes The file's piece layer, one 32-byte hash per piece.
   * @param pieceLength The torrent's piece length.
   */
  static async build(pieceHashes: readonly Uint8Array[], pieceLength: number): Promise<PieceTree> {
    const pieceLayer = pieceLayerOf(pieceLength);
    let pad = await zeroSubtreeRoot(pieceLayer);
    let level = [...pieceHashes];
    const width = nextPowerOfTwo(level.length);
    while (level.length < width) level.push(pad);
    const layers = [level];
    while (level.length > 1) {
      const below = level;
      level = await Promise.all(
        Array.from(
          { length: below.length / 2 },
          (_, i) => hashPair(below[2 * i]!, below[2 * i + 1]!),
        ),
      );
      pad = await hashPair(pad, pad);
      layers.push(level);
    }
    return new PieceTree(layers, pieceLayer);
  }

  /** The file's pieces root. */
  get root(): Uint8Array {
    return this.#layers[this.#layers.length - 1]![0]!;
  }

  /**
   * The hashes answering a request, or `null` when it asks for what this
   * tree does not hold (below the piece layer) or is malformed: a count
   * that is not a power of two from 2 to 512, an index not a multiple of
   * it, a range past the layer, or a proof above the root.
   *
   * @param range The request.
   * @returns Base hashes then uncles, concatenated.
   */
  answer(range: HashRange): Uint8Array | null {
    const { baseLayer, index, length, proofLayers } = range;
    const layer = baseLayer - this.#pieceLayer;
    const height = this.#layers.length - 1 - Math.max(layer, 0);
    const row = this.#layers[layer];
    if (
      layer < 0 || !row || !isPowerOfTwo(length) || length < 2 ||
      length > MAX_HASHES_PER_REQUEST || index % length !== 0 || index + length > row.length ||
      proofLayers >= height
    ) {
      return null;
    }
    const out = row.slice(index, index + length);
    for (let up = log2(length); up <= proofLayers; up++) {
      const position = Math.floor(index / 2 ** up);
      out.push(this.#layers[layer + up]![position ^ 1]!);
    }
    return concatBytes(out);
  }
}

function hashPair(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes([left, right]));
}
