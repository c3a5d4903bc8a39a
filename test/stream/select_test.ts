import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { memoryStorage } from "../../src/storage/memory.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";

const PIECE = 65536;
const LOOPBACK = "127.0.0.1";

/** Three files; pieces 1 and 6 are shared by a.bin and b.bin, b.bin and c.bin. */
async function threeFiles() {
  const a = pseudoRandomBytes(100_000, 1);
  const b = pseudoRandomBytes(300_000, 2);
  const c = pseudoRandomBytes(50_000, 3);
  const torrent = await createTorrent([
    memorySource(["a.bin"], a),
    memorySource(["b.bin"], b),
    memorySource(["c.bin"], c),
  ], { name: "set", folder: true, pieceLength: PIECE });
  return { a, b, c, torrent, meta: await parseTorrent(torrent) };
}

/** {@link threeFiles}, written under a temporary folder for a seeder. */
async function threeFilesOnDisk() {
  const files = await threeFiles();
  const dir = await Deno.makeTempDir({ prefix: "select-seed-" });
  await Deno.mkdir(`${dir}/set`);
  for (
    const [name, bytes] of [["a.bin", files.a], ["b.bin", files.b], ["c.bin", files.c]] as const
  ) {
    await Deno.writeFile(`${dir}/set/${name}`, bytes);
  }
  return { ...files, dir };
}

Deno.test("selective download: only the selected files' pieces, shared pieces included; others on demand", async () => {
  const { a, b, c, torrent, meta, dir } = await threeFilesOnDisk();
  const seeder = await Client.create({ host: LOOPBACK, port: 0 });
  const leecher = await Client.create({ host: LOOPBACK, port: 0 });
  try {
    await seeder.add(torrent, { dir });
    const leeching = await leecher.add(meta, {
      storage: memoryStorage(),
      peers: [{ host: LOOPBACK, port: seeder.port }],
      select: [0, 2],
    });
    assert.deepEqual(leeching.files.map((f) => f.priority), [4, 0, 4]);
    await leeching.done;
    const [fa, fb, fc] = leeching.files;
    assert.deepEqual(new Uint8Array(await fa!.arrayBuffer()), a);
    assert.deepEqual(new Uint8Array(await fc!.arrayBuffer()), c);
    assert.equal(fa!.progress, 1);
    assert.equal(fc!.progress, 1);
    // Pieces 1 (a and b) and 6 (b and c) are needed; 2 to 5 lie wholly in b.bin.
    const had = [...Array(meta.pieceCount).keys()].filter((p) => leeching.hasPiece(p));
    assert.deepEqual(had, [0, 1, 6]);
    assert.ok(fb!.progress > 0 && fb!.progress < 1);
    assert.ok(leeching.progress < 1);

    // A reader of the unselected file after "done" still gets its bytes.
    const middle = new Uint8Array(
      await new Response(fb!.stream({ start: 150_000, end: 160_000 })).arrayBuffer(),
    );
    assert.deepEqual(middle, b.subarray(150_000, 160_000));
  } finally {
    await leecher.close();
    await seeder.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("selective download: a magnet's so= (BEP 53) selects files once the metadata arrives", async () => {
  const { c, torrent, meta, dir } = await threeFilesOnDisk();
  const seeder = await Client.create({ host: LOOPBACK, port: 0 });
  const leecher = await Client.create({ host: LOOPBACK, port: 0 });
  try {
    await seeder.add(torrent, { dir });
    const magnet = `magnet:?xt=urn:btih:${meta.infoHash}&so=2&x.pe=${LOOPBACK}:${seeder.port}`;
    const leeching = await leecher.add(magnet, { storage: memoryStorage() });
    assert.deepEqual(leeching.files.map((f) => f.priority), [0, 0, 4]);
    await leeching.done;
    assert.deepEqual(new Uint8Array(await leeching.files[2]!.arrayBuffer()), c);
    const had = [...Array(meta.pieceCount).keys()].filter((p) => leeching.hasPiece(p));
    assert.deepEqual(had, [6]); // c.bin lies in piece 6, which it shares with b.bin.
  } finally {
    await leecher.close();
    await seeder.close();
    await Deno.remove(dir, { recursive: true });
  }
});
