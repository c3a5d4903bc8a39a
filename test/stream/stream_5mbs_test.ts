import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { memoryStorage } from "../../src/storage/memory.ts";
import { torrentHandler } from "../../src/stream/http_handler.ts";
import { serveHttp } from "../../src/stream/serve_http.ts";
import { makeSeedFile, startSeeder } from "./_swarm.ts";

const MIB = 1024 * 1024;

/** A seeded random offset generator, so failures repeat. */
function offsets(count: number, max: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((x / 2 ** 31) * max);
  });
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("a 256 MiB file from a seeder limited to 5 MB/s: readers at random offsets and concurrent HTTP ranges get the file's bytes", async () => {
  const seed = await makeSeedFile(256 * MIB);
  const seeder = await startSeeder(seed);
  const leecher = await Client.create({ host: "127.0.0.1", port: 0 });
  let server: Awaited<ReturnType<typeof serveHttp>> | undefined;
  try {
    const torrent = await leecher.add(seed.meta, {
      storage: memoryStorage(),
      peers: [{ host: "127.0.0.1", port: seeder.port }],
    });
    const [file] = torrent.files;
    assert.ok(file);
    assert.equal(file.length, seed.data.length);

    // Readers at random offsets, all at once.
    const reads = offsets(8, file.length - 200_000, 1).map(async (start) => {
      const end = start + 150_000;
      const got = await readAll(file.stream({ start, end }));
      assert.deepEqual(got, seed.data.subarray(start, end), `bytes ${start}..${end}`);
    });
    await Promise.all(reads);

    // Many concurrent ranges through the HTTP server.
    server = await serveHttp(torrentHandler(torrent));
    const url = `http://127.0.0.1:${server.port}/0/big.bin`;
    const ranges = offsets(12, file.length - 300_000, 2).map(async (start, i) => {
      const end = start + 100_000 + i * 10_000; // inclusive
      const response = await fetch(url, { headers: { range: `bytes=${start}-${end}` } });
      assert.equal(response.status, 206);
      assert.equal(response.headers.get("content-range"), `bytes ${start}-${end}/${file.length}`);
      const body = new Uint8Array(await response.arrayBuffer());
      assert.deepEqual(body, seed.data.subarray(start, end + 1), `range ${start}-${end}`);
    });
    await Promise.all(ranges);
    // The end of the file (a short last piece) as a suffix range.
    const tail = await fetch(url, { headers: { range: "bytes=-1000" } });
    assert.deepEqual(new Uint8Array(await tail.arrayBuffer()), seed.data.subarray(-1000));
    assert.ok(torrent.progress < 1, "the ranges came before the whole file");
  } finally {
    await server?.close();
    await leecher.close();
    await seeder.close();
    await Deno.remove(seed.dir, { recursive: true });
  }
});
