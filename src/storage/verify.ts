/**
 * Checks a piece's data against a torrent's hashes: SHA-1 for v1 and hybrid
 * torrents, BEP 52 merkle roots for v2-only ones.
 *
 * @module
 */

import { bytesEqual, toHex } from "../bytes.ts";
import { sha1, sha256 } from "../metainfo/hash.ts";
import { BLOCK_SIZE, merkleRoot, nextPowerOfTwo } from "../metainfo/merkle.ts";
import type { Metainfo } from "../metainfo/types.ts";
import { fileSpans, pieceSize } from "./layout.ts";

/** The hash standing for a leaf past a file's end. */
const ZERO_LEAF = new Uint8Array(32);

/**
 * Whether `data` is the piece the torrent describes.
 *
 * A v1 or hybrid torrent's piece is checked by SHA-1 against `meta.pieces`.
 * A v2-only torrent's piece is hashed as a merkle subtree of 16 KiB SHA-256
 * leaves: a piece of a file longer than one piece is padded with zero
 * leaves to the width of a piece and compared with the file's piece layer;
 * a file of one piece or less is its own tree, padded to a power of two of
 * its blocks, and compared with its pieces root.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { createTorrent } from "../metainfo/create_torrent.ts";
 * import { parseTorrent } from "../metainfo/parse_torrent.ts";
 * import { verifyPiece } from "./verify.ts";
 *
 * const data = new TextEncoder().encode("hello, swarm");
 * const file = { path: ["a.txt"], length: data.length, stream: () => new Blob([data]).stream() };
 * const meta = await parseTorrent(await createTorrent([file], { version: 2 }));
 * strictEqual(await verifyPiece(meta, 0, data), true);
 * strictEqual(await verifyPiece(meta, 0, data.map((b) => b ^ 1)), false);
 * ```
 *
 * @param meta The torrent.
 * @param piece A piece index.
 * @param data The piece's bytes (a piece of the wrong size is never valid).
 * @returns True when the data hashes to the torrent's value.
 * @throws {RangeError} When the piece does not exist.
 */
export async function verifyPiece(
  meta: Metainfo,
  piece: number,
  data: Uint8Array,
): Promise<boolean> {
  const size = pieceSize(meta, piece);
  if (data.length !== size) return false;
  if (meta.version !== 2) {
    return bytesEqual(await sha1(data), meta.pieces.subarray(piece * 20, piece * 20 + 20));
  }
  const span = fileSpans(meta, piece, 0, size)[0]!;
  const root = meta.files[span.file]!.piecesRoot!;
  const fileLength = meta.files[span.file]!.length;
  const leaves = await Promise.all(
    Array.from(
      { length: Math.ceil(size / BLOCK_SIZE) },
      (_, i) => sha256(data.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE)),
    ),
  );
  if (fileLength <= meta.pieceLength) {
    return bytesEqual(await merkleRoot(leaves, nextPowerOfTwo(leaves.length), ZERO_LEAF), root);
  }
  const layer = meta.pieceLayers.get(toHex(root));
  if (!layer) return false;
  const index = span.position / meta.pieceLength;
  const expected = layer.subarray(index * 32, index * 32 + 32);
  return bytesEqual(await merkleRoot(leaves, meta.pieceLength / BLOCK_SIZE, ZERO_LEAF), expected);
}
