import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { concatBytes } from "../../src/bytes.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import type { Metainfo } from "../../src/metainfo/types.ts";
import { pieceSize } from "../../src/storage/layout.ts";
import { verifyPiece } from "../../src/storage/verify.ts";
import { makeTorrent, standardTorrents, type TestTorrent } from "./_torrents.ts";

const KIB = 1024;

/** Every piece verifies; one flipped byte, or one byte more or less, does not. */
async function assertVerifies(t: TestTorrent): Promise<void> {
  for (const [piece, bytes] of t.pieces.entries()) {
    const where = `${t.label} piece ${piece}`;
    assert.equal(await verifyPiece(t.meta, piece, bytes), true, where);
    for (const at of new Set([0, bytes.length >> 1, bytes.length - 1])) {
      const corrupt = bytes.slice();
      corrupt[at]! ^= 1;
      assert.equal(await verifyPiece(t.meta, piece, corrupt), false, `${where} byte ${at}`);
    }
    assert.equal(await verifyPiece(t.meta, piece, bytes.subarray(0, -1)), false, where);
    const longer = concatBytes([bytes, new Uint8Array(1)]);
    assert.equal(await verifyPiece(t.meta, piece, longer), false, where);
  }
  await assert.rejects(verifyPiece(t.meta, t.pieces.length, new Uint8Array(1)), RangeError);
  await assert.rejects(verifyPiece(t.meta, -1, new Uint8Array(1)), RangeError);
}

Deno.test("verifyPiece: v1, v2 and hybrid torrents from createTorrent", async () => {
  for (const t of await standardTorrents()) await assertVerifies(t);
});

Deno.test("verifyPiece: v2 files of one block, a few blocks, exactly a piece, and more", async () => {
  const t = await makeTorrent(
    "v2 shapes",
    [
      ["one-block.bin", 10],
      ["three-blocks.bin", 40_000],
      ["one-piece.bin", 64 * KIB],
      ["five-blocks.bin", 5 * 16 * KIB],
      ["long.bin", 2 * 64 * KIB + 20_000],
    ],
    { pieceLength: 64 * KIB, name: "shapes", version: 2 },
  );
  assert.deepEqual(
    t.pieces.map((p) => p.length),
    // In the byte order of their names: five-blocks, long, one-block, one-piece, three-blocks.
    [64 * KIB, 16 * KIB, 64 * KIB, 64 * KIB, 20_000, 10, 64 * KIB, 40_000],
  );
  await assertVerifies(t);
  // A short piece is not a full piece padded with zeros, nor the reverse.
  const padded = concatBytes([t.pieces[4]!, new Uint8Array(64 * KIB - 20_000)]);
  assert.equal(await verifyPiece(t.meta, 4, padded), false);
});

Deno.test("pieceSize: the last piece of v1, each file's last piece in v2", async () => {
  for (const t of await standardTorrents()) {
    assert.deepEqual(
      t.pieces.map((_, piece) => pieceSize(t.meta, piece)),
      t.pieces.map((p) => p.length),
      t.label,
    );
  }
});

/** The data `test/fixtures/make_fixtures.sh` made the real tools' torrents from. */
const FIXTURE_DATA: Record<string, [number, string]> = {
  "sample.bin": [300_000, "sample"],
  "large.bin": [1_585_209, "large"],
  "résumé-été.txt": [70_000, "utf8-single"],
  "collection/README.txt": [1_000, "readme"],
  "collection/data/part1.bin": [100_000, "part1"],
  "collection/data/part2.bin": [65_536, "part2"],
  "collection/data/empty.dat": [0, "empty"],
  "collection/data/nested/deeper/leaf.bin": [200_000, "leaf"],
  "collection/z-last.bin": [16_384, "last"],
  "ünïcødé-名前/café.txt": [3_000, "cafe"],
  "ünïcødé-名前/日本語/ファイル.bin": [50_000, "japanese"],
  "ünïcødé-名前/emoji-🎵.dat": [20_000, "emoji"],
};

/** SHA-256 of `seed:counter` for counter 0, 1, ..., cut to `size`. */
function fixtureData(size: number, seed: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(size / 32) * 32);
  for (let i = 0; i * 32 < size; i++) {
    out.set(createHash("sha256").update(`${seed}:${i}`).digest(), i * 32);
  }
  return out.subarray(0, size);
}

/** Each piece of a torrent, from its files' data laid out at their offsets. */
function fixturePieces(meta: Metainfo): Uint8Array[] {
  const space = new Uint8Array(meta.pieceCount * meta.pieceLength);
  for (const file of meta.files) {
    if (file.padding) continue;
    const entry = FIXTURE_DATA[file.path.join("/")];
    assert.ok(entry, file.path.join("/"));
    assert.equal(entry[0], file.length);
    space.set(fixtureData(...entry), file.offset);
  }
  return Array.from({ length: meta.pieceCount }, (_, piece) => {
    const start = piece * meta.pieceLength;
    return space.subarray(start, start + pieceSize(meta, piece));
  });
}

Deno.test("verifyPiece: every piece of torrents made by libtorrent, mktorrent and Transmission", async () => {
  const folder = new URL("../fixtures/torrents/", import.meta.url);
  let checked = 0;
  for await (const entry of Deno.readDir(folder)) {
    if (!entry.name.endsWith(".torrent")) continue;
    const meta = await parseTorrent(await Deno.readFile(new URL(entry.name, folder)));
    const pieces = fixturePieces(meta);
    for (const [piece, bytes] of pieces.entries()) {
      assert.equal(await verifyPiece(meta, piece, bytes), true, `${entry.name} piece ${piece}`);
    }
    const corrupt = pieces.at(-1)!.slice();
    corrupt[0]! ^= 1;
    assert.equal(await verifyPiece(meta, pieces.length - 1, corrupt), false, entry.name);
    checked++;
  }
  assert.equal(checked, 18);
});
