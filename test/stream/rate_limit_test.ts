import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { memoryStorage } from "../../src/storage/memory.ts";
import { makeSeedFile, startSeeder } from "./_swarm.ts";

const SIZE = 3_000_000;
const RATE = 1_000_000;

async function timedDownload(limits: { up?: number; down?: number }, perTorrent: boolean) {
  const seed = await makeSeedFile(SIZE, 65536, "limited.bin");
  const seeder = await startSeeder(seed, limits.up ?? 0);
  const leecher = await Client.create({
    host: "127.0.0.1",
    port: 0,
    ...(limits.down && !perTorrent ? { limitDown: limits.down } : {}),
  });
  try {
    const started = performance.now();
    const torrent = await leecher.add(seed.meta, {
      storage: memoryStorage(),
      peers: [{ host: "127.0.0.1", port: seeder.port }],
      ...(limits.down && perTorrent ? { limitDown: limits.down } : {}),
    });
    await torrent.done;
    const seconds = (performance.now() - started) / 1000;
    assert.deepEqual(new Uint8Array(await torrent.files[0]!.arrayBuffer()), seed.data);
    return seconds;
  } finally {
    await leecher.close();
    await seeder.close();
    await Deno.remove(seed.dir, { recursive: true });
  }
}

// Lower bounds only: a loaded machine makes a transfer slower, never faster.
Deno.test("rate limits: a seeder's upload limit holds the transfer to it", async () => {
  const seconds = await timedDownload({ up: RATE }, false);
  assert.ok(seconds >= (SIZE - 200_000) / RATE, `3 MB at 1 MB/s took ${seconds} s`);
});

Deno.test("rate limits: a client-wide download limit", async () => {
  const seconds = await timedDownload({ down: RATE }, false);
  assert.ok(seconds >= (SIZE - 200_000) / RATE, `3 MB at 1 MB/s took ${seconds} s`);
});

Deno.test("rate limits: a per-torrent download limit", async () => {
  const seconds = await timedDownload({ down: RATE }, true);
  assert.ok(seconds >= (SIZE - 200_000) / RATE, `3 MB at 1 MB/s took ${seconds} s`);
});
