/**
 * BEP 5 `port` messages between two clients of ours, each with a DHT node
 * that knows no other node: the DHT bit in the handshake, then each tells
 * the other its node's port, and each node pings the other into its routing
 * table. A private torrent keeps its peers off the DHT: no bit, no message.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Client } from "../../src/client.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { memorySource } from "../_data.ts";
import { learnsNode, LOOPBACK, loopbackClient, seedData } from "./_swarm.ts";

/** Two clients with lone DHT nodes; `body` gets them, both closed after. */
async function withLoneNodes(body: (seeder: Client, leecher: Client) => Promise<void>) {
  const seeder = await loopbackClient({ dht: { bootstrap: [] } });
  const leecher = await loopbackClient({ dht: { bootstrap: [] } });
  try {
    assert.deepEqual([seeder.dht!.nodes, leecher.dht!.nodes], [[], []]);
    await body(seeder, leecher);
  } finally {
    await leecher.close();
    await seeder.close();
  }
}

Deno.test("BEP 5: peers exchange DHT ports and each node learns the other's", () =>
  withLoneNodes(async (seeder, leecher) => {
    const { dir, meta } = await seedData(200_000, 31);
    const out = await Deno.makeTempDir({ prefix: "dht-port-" });
    await seeder.add(meta, { dir });
    const torrent = await leecher.add(meta, {
      dir: out,
      peers: [{ host: LOOPBACK, port: seeder.port }],
    });
    await torrent.done;
    await learnsNode(leecher, seeder.dht!.nodePort);
    await learnsNode(seeder, leecher.dht!.nodePort);
  }));

Deno.test("BEP 5: a private torrent sends no DHT port", () =>
  withLoneNodes(async (seeder, leecher) => {
    const { dir, data } = await seedData(200_000, 32);
    const meta = await parseTorrent(
      await createTorrent([memorySource(["data.bin"], data)], {
        name: "data.bin",
        pieceLength: 32768,
        private: true,
      }),
    );
    const out = await Deno.makeTempDir({ prefix: "dht-port-private-" });
    await seeder.add(meta, { dir });
    const torrent = await leecher.add(meta, {
      dir: out,
      peers: [{ host: LOOPBACK, port: seeder.port }],
    });
    await torrent.done;
    await new Promise((resolve) => setTimeout(resolve, 500)); // room for a ping to land
    assert.deepEqual([seeder.dht!.nodes, leecher.dht!.nodes], [[], []]);
  }));
