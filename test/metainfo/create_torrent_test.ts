import assert from "node:assert/strict";
import { createTorrent, type SourceFile } from "../../src/metainfo/create_torrent.ts";
import { sha1, sha256 } from "../../src/metainfo/hash.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { choosePieceLength } from "../../src/metainfo/piece_length.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

/** A source of `length` bytes generated chunk by chunk, never held whole. */
function generatedSource(path: string[], length: number): SourceFile {
  return {
    path,
    length,
    stream() {
      let sent = 0;
      const chunk = pseudoRandomBytes(MiB, 7);
      return new ReadableStream({
        pull(controller) {
          const n = Math.min(chunk.length, length - sent);
          if (n === 0) return controller.close();
          controller.enqueue(chunk.slice(0, n));
          sent += n;
        },
      });
    },
  };
}

Deno.test("automatic piece length aims at 1,000-2,000 pieces within 16 KiB-16 MiB", () => {
  assert.equal(choosePieceLength(1), 16 * KiB);
  assert.equal(choosePieceLength(10 * MiB), 16 * KiB);
  assert.equal(choosePieceLength(1024 * MiB), MiB);
  assert.equal(choosePieceLength(2 ** 50), 16 * MiB);
  for (const size of [50 * MiB, 700 * MiB, 4500 * MiB, 30_000 * MiB]) {
    const pieces = Math.ceil(size / choosePieceLength(size));
    assert.ok(pieces > 1000 && pieces <= 2000, `${size}: ${pieces} pieces`);
  }
});

Deno.test("v2 leaves: a file under one block hashes to its SHA-256", async () => {
  const data = pseudoRandomBytes(1000);
  const meta = await parseTorrent(await createTorrent([memorySource(["f"], data)], { version: 2 }));
  assert.deepEqual(meta.files[0]!.piecesRoot, await sha256(data));
});

Deno.test("v2 root of a two-block file is the hash of its two leaf hashes", async () => {
  const data = pseudoRandomBytes(16 * KiB + 5);
  const meta = await parseTorrent(await createTorrent([memorySource(["f"], data)], { version: 2 }));
  const left = await sha256(data.subarray(0, 16 * KiB));
  const right = await sha256(data.subarray(16 * KiB));
  assert.deepEqual(meta.files[0]!.piecesRoot, await sha256(new Uint8Array([...left, ...right])));
});

Deno.test("empty files are listed but take no pieces and no root", async () => {
  const files = [memorySource(["empty"], new Uint8Array()), memorySource(["x"], new Uint8Array(9))];
  for (const version of [1, 2, "hybrid"] as const) {
    const meta = await parseTorrent(await createTorrent(files, { name: "e", version }));
    const empty = meta.files.find((f) => f.path.at(-1) === "empty")!;
    assert.equal(empty.length, 0);
    assert.equal(empty.piecesRoot, null);
    assert.equal(meta.pieceCount, 1, String(version));
  }
});

Deno.test("a single file can be put in a folder", async () => {
  const meta = await parseTorrent(
    await createTorrent([memorySource(["f.txt"], new Uint8Array(3))], {
      name: "dir",
      folder: true,
    }),
  );
  assert.equal(meta.singleFile, false);
  assert.deepEqual(meta.files[0]!.path, ["dir", "f.txt"]);
});

/** This isolate's memory (JS heap and buffers): unlike RSS, not shared with test files running beside it. */
function isolateMemory(): number {
  const { heapUsed, external } = Deno.memoryUsage();
  return heapUsed + external;
}

Deno.test("hashing streams: 512 MiB hybrid with flat memory and steady progress", async () => {
  const length = 512 * MiB;
  const before = isolateMemory();
  let peak = before;
  let last = 0;
  let calls = 0;
  const torrent = await createTorrent([generatedSource(["big.bin"], length)], {
    version: "hybrid",
    onProgress(done, total) {
      assert.equal(total, length);
      assert.ok(done > last, "progress moves forward");
      last = done;
      calls++;
      peak = Math.max(peak, isolateMemory());
    },
  });
  assert.equal(last, length);
  assert.ok(calls >= 512, `${calls} progress calls`);
  const grew = (peak - before) / MiB;
  console.log(`512 MiB hybrid: heap and buffers grew ${grew.toFixed(0)} MiB`);
  assert.ok(grew < 160, `memory grew by ${grew.toFixed(0)} MiB while hashing 512 MiB`);
  const meta = await parseTorrent(torrent);
  assert.equal(meta.pieceLength, choosePieceLength(length));
  const chunk = pseudoRandomBytes(MiB, 7);
  assert.deepEqual(meta.pieces.subarray(0, 20), await sha1(chunk.subarray(0, meta.pieceLength)));
});

Deno.test("bad inputs: no files, empty data, bad piece length, wrong stream size, abort", async () => {
  const one = [memorySource(["f"], new Uint8Array(10))];
  await assert.rejects(createTorrent([]), /without files/);
  await assert.rejects(createTorrent([memorySource(["f"], new Uint8Array())]), /empty files only/);
  await assert.rejects(createTorrent(one, { pieceLength: 30000 }), /not a power of two/);
  await assert.rejects(createTorrent(one, { pieceLength: 8192 }), /at least 16384/);
  await assert.rejects(
    createTorrent([memorySource(["a"], new Uint8Array(1)), memorySource(["b"], new Uint8Array(1))]),
    /a name is needed/,
  );
  const liar = { ...one[0]!, length: 11 };
  await assert.rejects(createTorrent([liar]), /gave 10 bytes, expected 11/);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(createTorrent(one, { signal: controller.signal }), { name: "AbortError" });
});
