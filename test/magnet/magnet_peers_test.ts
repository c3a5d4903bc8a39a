import assert from "node:assert/strict";
import { scrapeHttp } from "../../src/discovery/http_tracker.ts";
import { haveOpentracker, startOpentracker } from "../discovery/_opentracker.ts";
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

Deno.test("a magnet with a tracker (tr=): the seeder is found through opentracker", async () => {
  if (!(await haveOpentracker())) return;
  const { dir, data, meta, magnet } = await seedData(600_000, 7);
  const tracker = await startOpentracker([meta.infoHashBytes!]);
  const seeder = await loopbackClient();
  const leecher = await loopbackClient();
  const out = await Deno.makeTempDir({ prefix: "magnet-tracker-" });
  try {
    const hash = meta.infoHashBytes!;
    await seeder.add(meta, { dir, announce: [tracker.udp] });
    // The seeder is on the tracker before the leecher asks.
    while ((await scrapeHttp(tracker.http, [hash])).get(meta.infoHash!)?.complete !== 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const link = `${magnet}&tr=${encodeURIComponent(tracker.http)}`;
    const torrent = await leecher.add(link, { dir: out, signal: AbortSignal.timeout(20_000) });
    assert.deepEqual(torrent.meta.announce, [[tracker.http]]);
    await torrent.done;
    assert.deepEqual(await Deno.readFile(`${out}/data.bin`), data);
  } finally {
    await leecher.close();
    await seeder.close();
    await tracker.stop();
  }
});

Deno.test("a hybrid magnet (btih and btmh) is checked against both hashes; a v2-only one completes too", async () => {
  const hybrid = await seedData(200_000, 8, "hybrid");
  const v2 = await seedData(200_000, 8, 2);
  const seeder = await loopbackClient();
  const leecher = await loopbackClient();
  const out = await Deno.makeTempDir({ prefix: "magnet-hybrid-" });
  try {
    await seeder.add(hybrid.meta, { dir: hybrid.dir });
    await seeder.add(v2.meta, { dir: v2.dir });
    assert.match(hybrid.magnet, /xt=urn:btih:.*xt=urn:btmh:/);
    const peers = [{ host: LOOPBACK, port: seeder.port }];
    const torrent = await leecher.add(hybrid.magnet, { dir: out, peers });
    assert.equal(torrent.meta.infoHashV2, hybrid.meta.infoHashV2);
    await torrent.done;
    assert.deepEqual(await Deno.readFile(`${out}/data.bin`), hybrid.data);
    const v2Out = await Deno.makeTempDir({ prefix: "magnet-v2-" });
    const v2Torrent = await leecher.add(v2.magnet, { dir: v2Out, peers });
    assert.equal(v2Torrent.meta.infoHash, null);
    await v2Torrent.done;
    assert.deepEqual(await Deno.readFile(`${v2Out}/data.bin`), v2.data);
  } finally {
    await leecher.close();
    await seeder.close();
  }
});
