import assert from "node:assert/strict";
import { BLOCK_SIZE, blockCount, blockLength, pieceSizes } from "../../src/swarm/blocks.ts";

const KiB = 1024;

Deno.test("blocks: counts and the short last block", () => {
  assert.equal(blockCount(BLOCK_SIZE), 1);
  assert.equal(blockCount(BLOCK_SIZE + 1), 2);
  assert.equal(blockCount(100), 1);
  assert.equal(blockLength(100, 0), 100);
  assert.equal(blockLength(40_000, 0), BLOCK_SIZE);
  assert.equal(blockLength(40_000, 2), 40_000 - 2 * BLOCK_SIZE);
});

Deno.test("pieceSizes: v1 has one short last piece", () => {
  const sizes = pieceSizes({
    pieceLength: 32 * KiB,
    pieceCount: 4,
    files: [{ offset: 0, length: 50_000 }, { offset: 50_000, length: 50_000 }],
  });
  assert.deepEqual([...sizes], [32 * KiB, 32 * KiB, 32 * KiB, 100_000 - 3 * 32 * KiB]);
});

Deno.test("pieceSizes: v1 exact multiple and a single tiny file", () => {
  assert.deepEqual([
    ...pieceSizes({ pieceLength: 16, pieceCount: 2, files: [{ offset: 0, length: 32 }] }),
  ], [
    16,
    16,
  ]);
  assert.deepEqual([
    ...pieceSizes({ pieceLength: 16, pieceCount: 1, files: [{ offset: 0, length: 5 }] }),
  ], [5]);
});

Deno.test("pieceSizes: v2 files each end in their own short piece", () => {
  const L = 64 * KiB;
  // file a: 100 KiB (pieces 0-1), empty file, file b: exactly one piece (2), file c: 1 byte (3)
  const sizes = pieceSizes({
    pieceLength: L,
    pieceCount: 4,
    files: [
      { offset: 0, length: 100 * KiB },
      { offset: 2 * L, length: 0 },
      { offset: 2 * L, length: L },
      { offset: 3 * L, length: 1 },
    ],
  });
  assert.deepEqual([...sizes], [L, 36 * KiB, L, 1]);
});

Deno.test("pieceSizes: hybrid pad files fill pieces", () => {
  const L = 32 * KiB;
  const sizes = pieceSizes({
    pieceLength: L,
    pieceCount: 3,
    files: [
      { offset: 0, length: 40_000 },
      { offset: 40_000, length: 2 * L - 40_000 }, // pad
      { offset: 2 * L, length: 10 },
    ],
  });
  assert.deepEqual([...sizes], [L, L, 10]);
});

Deno.test("pieceSizes: a file past the last piece is a RangeError", () => {
  assert.throws(
    () => pieceSizes({ pieceLength: 16, pieceCount: 1, files: [{ offset: 0, length: 17 }] }),
    RangeError,
  );
});

Deno.test("pieceSizes: agrees with parsed v1, v2 and hybrid torrents", async () => {
  const { createTorrent } = await import("../../src/metainfo/create_torrent.ts");
  const { parseTorrent } = await import("../../src/metainfo/parse_torrent.ts");
  const lengths = [40_000, 5, 16 * KiB];
  const files = lengths.map((length, i) => ({
    path: [`f${i}`],
    length,
    stream: () => new Blob([new Uint8Array(length)]).stream(),
  }));
  const expected = {
    1: [32 * KiB, 40_000 + 5 + 16 * KiB - 32 * KiB],
    2: [32 * KiB, 40_000 - 32 * KiB, 5, 16 * KiB],
    hybrid: [32 * KiB, 32 * KiB, 32 * KiB, 32 * KiB], // pad files after every file
  } as const;
  for (const version of [1, 2, "hybrid"] as const) {
    const meta = await parseTorrent(
      await createTorrent(files, { name: "t", version, pieceLength: 32 * KiB, creationDate: null }),
    );
    const sizes = pieceSizes(meta);
    assert.equal(sizes.length, meta.pieceCount, `${version}`);
    assert.deepEqual([...sizes], [...expected[version]], `${version}`);
  }
});
