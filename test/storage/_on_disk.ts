/**
 * What is on disk, found by reading a download folder's files directly
 * rather than through a storage.
 *
 * @module
 */

import type { TestTorrent } from "./_torrents.ts";

/**
 * The pieces whose bytes are on disk and right, found by reading the files
 * directly rather than through the storage.
 */
export async function goodPiecesOnDisk(t: TestTorrent, dir: string): Promise<Set<number>> {
  const { meta } = t;
  const space = new Uint8Array(meta.pieceCount * meta.pieceLength);
  const present = new Uint8Array(space.length);
  for (const file of meta.files) {
    if (file.padding) {
      present.fill(1, file.offset, file.offset + file.length);
      continue;
    }
    const bytes = await Deno.readFile(`${dir}/${file.path.join("/")}`).catch(() => null);
    if (!bytes) continue;
    const kept = bytes.subarray(0, file.length);
    space.set(kept, file.offset);
    present.fill(1, file.offset, file.offset + kept.length);
  }
  const good = new Set<number>();
  for (const [piece, expected] of t.pieces.entries()) {
    const start = piece * meta.pieceLength;
    const there = present.subarray(start, start + expected.length).every((b) => b === 1);
    const bytes = space.subarray(start, start + expected.length);
    if (there && bytes.every((b, i) => b === expected[i])) good.add(piece);
  }
  return good;
}
