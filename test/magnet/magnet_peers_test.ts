import assert from "node:assert/strict";
import { LOOPBACK, loopbackClient, seedData } from "./_swarm.ts";

Deno.test("a magnet with given peers: metadata from our seeder, then the data", async () => {
  const { dir, data, meta, magnet } = await seedData();
  const seeder = await loopbackClient();
  const leecher = await loopbackClient();
  const out = await Deno.makeTempDir({ prefix: "magnet-leech-" });
  try {
    await seeder.add(meta, { dir });
    const fetched = await leecher.fetchMetadata(magnet, {
      peers: [{ host: LOOPBACK, port: seeder.port }],
    });
    assert.equal(fetched.infoHash, meta.infoHash);
    assert.deepEqual(fetched.infoBytes, meta.infoBytes);
    const torrent = await leecher.add(`${magnet}&x.pe=${LOOPBACK}:${seeder.port}`, { dir: out });
    assert.equal(torrent.infoHash, meta.infoHash);
    await torrent.done;
    assert.deepEqual(await Deno.readFile(`${out}/data.bin`), data);
  } finally {
    await leecher.close();
    await seeder.close();
  }
});

Deno.test("a magnet fetch gives up when its signal aborts", async () => {
  const { magnet } = await seedData(1000, 9);
  const leecher = await loopbackClient();
  try {
    const signal = AbortSignal.timeout(300);
    await assert.rejects(leecher.fetchMetadata(magnet, { signal }), (error: Error) => {
      assert.equal(error.name, "TimeoutError");
      return true;
    });
  } finally {
    await leecher.close();
  }
});
