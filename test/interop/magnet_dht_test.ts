/**
 * Magnet links over the DHT with libtorrent 2.0, all on 127.0.0.1: one
 * bittorrent-dht node of ours is the only bootstrap node of everyone
 * (libtorrent's `dht_bootstrap_nodes`, its DHT on in these tests only),
 * and nobody gets a tracker or a peer address.
 *
 * - libtorrent seeds, ours gets a bare magnet, finds libtorrent through the
 *   DHT, fetches the metadata from it (ut_metadata) and completes;
 * - ours seeds, libtorrent gets the magnet, finds ours through the DHT,
 *   fetches the metadata from ours and completes.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Dht } from "../../src/discovery/dht.ts";
import { learnsNode, LOOPBACK, loopbackClient, seedData } from "../magnet/_swarm.ts";
import { startLibtorrent } from "./_clients_libtorrent.ts";
import { completeWithin } from "./_clients_peer.ts";
import { requireTool } from "./_tools.ts";

const TIMEOUT_MS = 60_000;

async function withBootstrapNode<T>(body: (node: Dht) => Promise<T>): Promise<T> {
  const node = await Dht.start({ host: LOOPBACK, bootstrap: [] });
  try {
    return await body(node);
  } finally {
    await node.close();
  }
}

Deno.test({
  name: "libtorrent seeds, ours completes a bare magnet found through the DHT",
  ignore: !(await requireTool("libtorrent")),
  fn: () =>
    withBootstrapNode(async (node) => {
      const { dir, data, torrent, magnet } = await seedData(2_000_000, 21);
      const torrentFile = `${dir}/data.torrent`;
      await Deno.writeFile(torrentFile, torrent);
      const seeder = startLibtorrent({
        role: "seed",
        torrentFile,
        dir,
        dhtBootstrap: node.address,
      });
      const out = await Deno.makeTempDir({ prefix: "magnet-lt-" });
      const ours = await loopbackClient({
        dht: { bootstrap: [`${LOOPBACK}:${node.address.port}`], retryMs: 500 },
      });
      try {
        await seeder.complete;
        const leeching = await ours.add(magnet, {
          dir: out,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await leeching.done;
        assert.deepEqual(await Deno.readFile(`${out}/data.bin`), data);
        assert.ok(leeching.downloaded >= data.length, `downloaded ${leeching.downloaded}`);
      } finally {
        await ours.close();
        await seeder.stop();
      }
    }),
});

Deno.test({
  name: "ours seeds, libtorrent completes a bare magnet found through the DHT",
  ignore: !(await requireTool("libtorrent")),
  fn: () =>
    withBootstrapNode(async (node) => {
      const { dir, data, meta, magnet } = await seedData(2_000_000, 22);
      const ours = await loopbackClient({
        dht: { bootstrap: [`${LOOPBACK}:${node.address.port}`], retryMs: 500 },
      });
      const out = await Deno.makeTempDir({ prefix: "magnet-lt-" });
      const leecher = startLibtorrent({
        role: "leech",
        torrentFile: magnet,
        dir: out,
        dhtBootstrap: node.address,
      });
      try {
        const seeding = await ours.add(meta, { dir });
        await completeWithin(leecher, TIMEOUT_MS);
        assert.deepEqual(await Deno.readFile(`${out}/data.bin`), data);
        assert.ok(seeding.uploaded >= data.length, `uploaded ${seeding.uploaded}`);
      } finally {
        await leecher.stop();
        await ours.close();
      }
    }),
});

Deno.test({
  name: "BEP 5: libtorrent tells ours its DHT port on connect, and our node learns it",
  ignore: !(await requireTool("libtorrent")),
  fn: async () => {
    const { dir, data, torrent, meta } = await seedData(400_000, 23);
    const torrentFile = `${dir}/data.torrent`;
    await Deno.writeFile(torrentFile, torrent);
    // libtorrent's DHT on, bootstrapped from nobody: it can learn of ours only from the wire.
    const seeder = startLibtorrent({
      role: "seed",
      torrentFile,
      dir,
      dhtBootstrap: { host: LOOPBACK, port: 9 },
    });
    const ours = await loopbackClient({ dht: { bootstrap: [] } });
    const out = await Deno.makeTempDir({ prefix: "dht-port-lt-" });
    try {
      await seeder.complete;
      const leeching = await ours.add(meta, {
        dir: out,
        peers: [{ host: LOOPBACK, port: seeder.port }],
      });
      await leeching.done;
      assert.deepEqual(await Deno.readFile(`${out}/data.bin`), data);
      await learnsNode(ours, seeder.port, 15_000);
    } finally {
      await ours.close();
      await seeder.stop();
    }
  },
});
