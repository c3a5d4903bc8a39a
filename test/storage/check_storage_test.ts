import assert from "node:assert/strict";
import { checkStorage } from "../../src/storage/check_storage.ts";
import { fsStorage } from "../../src/storage/fs.ts";
import { memoryStorage } from "../../src/storage/memory.ts";
import type { Storage } from "../../src/storage/types.ts";
import { pseudoRandomBytes } from "../_data.ts";
import { goodPiecesOnDisk } from "./_on_disk.ts";
import { makeTorrent, standardTorrents } from "./_torrents.ts";

const KIB = 1024;
const MIB = 1024 * KIB;

Deno.test("checkStorage: marks exactly the valid pieces, and unmarks the rest", async () => {
  for (const t of await standardTorrents()) {
    const storage = await memoryStorage()(t.meta);
    // Piece 0 is missing, piece 1 has a wrong byte and was marked complete,
    // the last piece has only its first byte written, and the rest are right.
    const last = t.pieces.length - 1;
    for (const [piece, bytes] of t.pieces.entries()) {
      if (piece === 0) continue;
      const data = piece === 1 ? bytes.map((b, i) => i === 7 ? b ^ 1 : b) : bytes;
      await storage.write(piece, 0, piece === last ? data.subarray(0, 1) : data);
    }
    await storage.markComplete(1, true);
    const progress: [number, number][] = [];
    const valid = await checkStorage(t.meta, storage, {
      onProgress: (done, total) => progress.push([done, total]),
    });
    const expected = new Set(t.pieces.keys().filter((p) => p > 1 && p !== last));
    assert.deepEqual(valid, expected, t.label);
    assert.deepEqual(await storage.completed(), expected, t.label);
    const total = t.pieces.reduce((sum, p) => sum + p.length, 0);
    assert.equal(progress.length, t.pieces.length);
    assert.deepEqual(progress.at(-1), [total, total]);
    assert.ok(progress.every(([done], i) => i === 0 || done > progress[i - 1]![0]));
    await storage.close();
  }
});

Deno.test("checkStorage: files copied into the folder by hand, some damaged", async () => {
  const t = await makeTorrent(
    "copied",
    [["a.bin", 50_000], ["b.bin", 50_000], ["c.bin", 50_000], ["d.bin", 50_000]],
    { pieceLength: 16 * KIB, name: "copied" },
  );
  const dir = await Deno.makeTempDir({ prefix: "check-" });
  try {
    await Deno.mkdir(`${dir}/copied`);
    for (const [path, bytes] of t.data) {
      if (path.endsWith("b.bin")) continue; // missing
      let data = bytes;
      if (path.endsWith("c.bin")) data = bytes.subarray(0, 30_000); // cut short
      if (path.endsWith("d.bin")) data = bytes.map((b, i) => i === 40_000 ? b ^ 1 : b);
      await Deno.writeFile(`${dir}/${path}`, data);
    }
    const storage = await fsStorage(dir)(t.meta);
    assert.deepEqual(await storage.completed(), new Set());
    const valid = await checkStorage(t.meta, storage);
    const good = await goodPiecesOnDisk(t, dir);
    assert.deepEqual(valid, good);
    const byHand = new Set<number>();
    for (let piece = 0; piece < t.pieces.length; piece++) {
      const start = piece * 16 * KIB;
      const end = start + t.pieces[piece]!.length;
      const inB = start < 100_000 && end > 50_000;
      const pastC = end > 130_000 && start < 150_000;
      const hasFlip = start <= 190_000 && 190_000 < end;
      if (!inB && !pastC && !hasFlip) byHand.add(piece);
    }
    assert.deepEqual(valid, byHand);
    // Pieces 3-6 touch the missing b.bin, 7-9 the part of c.bin cut off, 11 the flipped byte.
    assert.deepEqual(valid, new Set([0, 1, 2, 10, 12]));
    await storage.close();
    const reopened = await fsStorage(dir)(t.meta);
    assert.deepEqual(await reopened.completed(), valid);
    await reopened.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkStorage: stops when aborted, and passes on read errors other than missing data", async () => {
  const [t] = await standardTorrents();
  const storage = await memoryStorage()(t!.meta);
  for (const [piece, bytes] of t!.pieces.entries()) await storage.write(piece, 0, bytes);
  const controller = new AbortController();
  let calls = 0;
  await assert.rejects(
    checkStorage(t!.meta, storage, {
      signal: controller.signal,
      onProgress: () => {
        calls++;
        controller.abort(new Error("stop"));
      },
    }),
    /stop/,
  );
  assert.ok(calls < t!.pieces.length, `${calls} pieces checked`);
  await assert.rejects(checkStorage(t!.meta, storage, { signal: controller.signal }), /stop/);

  const failing: Storage = {
    read: () => Promise.reject(new Error("EIO")),
    write: (piece, offset, data) => storage.write(piece, offset, data),
    markComplete: (piece, complete) => storage.markComplete(piece, complete),
    completed: () => storage.completed(),
    close: () => storage.close(),
  };
  await assert.rejects(checkStorage(t!.meta, failing), /EIO/);
  await storage.close();
});

Deno.test("checkStorage: hash throughput of v1 and v2 torrents on disk", async () => {
  for (const version of [1, 2] as const) {
    const size = 256 * MIB;
    const t = await makeTorrent(
      `throughput v${version}`,
      [["a.bin", size / 2], ["b.bin", size / 2 - 12_345]],
      { pieceLength: MIB, name: "speed", version },
    );
    const dir = await Deno.makeTempDir({ prefix: "speed-" });
    try {
      const writer = await fsStorage(dir)(t.meta);
      for (const [piece, bytes] of t.pieces.entries()) await writer.write(piece, 0, bytes);
      await writer.close();
      const storage = await fsStorage(dir)(t.meta);
      const started = performance.now();
      const valid = await checkStorage(t.meta, storage);
      const seconds = (performance.now() - started) / 1000;
      assert.equal(valid.size, t.pieces.length);
      const total = t.pieces.reduce((sum, p) => sum + p.length, 0);
      console.log(`checkStorage v${version}: ${(total / 1e6 / seconds).toFixed(0)} MB/s`);
      await storage.close();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

// Keeps pseudoRandomBytes honest as the source of test data.
Deno.test("test data is deterministic", () => {
  assert.deepEqual(pseudoRandomBytes(8, 3), pseudoRandomBytes(8, 3));
  assert.notDeepEqual(pseudoRandomBytes(8, 3), pseudoRandomBytes(8, 4));
});
