/**
 * v2-only magnets (`btmh` without `btih`) with libtorrent 2.0, on 127.0.0.1
 * with given peers: the info dictionary over `ut_metadata`, then the piece
 * layers over BEP 52 hash requests, both ways. The file spans 600 pieces of
 * 16 KiB, so the layer takes two requests with proofs.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { formatMagnet } from "../../src/metainfo/magnet.ts";
import { magnetOf } from "../../src/metainfo/magnet_of.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";
import { LOOPBACK, loopbackClient } from "../magnet/_swarm.ts";
import { startLibtorrent } from "./_clients_libtorrent.ts";
import { completeWithin } from "./_clients_peer.ts";
import { requireTool } from "./_tools.ts";

const TIMEOUT_MS = 60_000;

/** A v2-only one-file torrent in a temporary folder. */
async function v2Torrent() {
  const dir = await Deno.makeTempDir({ prefix: "magnet-v2-lt-" });
  const data = pseudoRandomBytes(600 * 16384 - 5000, 51);
  await Deno.writeFile(`${dir}/data.bin`, data);
  const torrent = await createTorrent([memorySource(["data.bin"], data)], {
    name: "data.bin",
    pieceLength: 16384,
    version: 2,
  });
  const torrentFile = `${dir}/data.torrent`;
  await Deno.writeFile(torrentFile, torrent);
  const meta = await parseTorrent(torrent);
  const magnet = formatMagnet(magnetOf(meta));
  assert.doesNotMatch(magnet, /btih/);
  return { dir, data, meta, torrentFile, magnet };
}

Deno.test({
  name: "libtorrent seeds a v2-only torrent; ours completes its btmh magnet",
  ignore: !(await requireTool("libtorrent")),
  fn: async () => {
    const { dir, data, torrentFile, magnet, meta } = await v2Torrent();
    const seeder = startLibtorrent({ role: "seed", torrentFile, dir });
    const ours = await loopbackClient();
    const out = await Deno.makeTempDir({ prefix: "magnet-v2-lt-out-" });
    try {
      await seeder.complete;
      const torrent = await ours.add(magnet, {
        dir: out,
        peers: [{ host: LOOPBACK, port: seeder.port }],
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      assert.deepEqual(torrent.meta.pieceLayers, meta.pieceLayers);
      await torrent.done;
      assert.deepEqual(await Deno.readFile(`${out}/data.bin`), data);
    } finally {
      await ours.close();
      await seeder.stop();
    }
  },
});

Deno.test({
  name: "ours seeds a v2-only torrent; libtorrent completes its btmh magnet",
  ignore: !(await requireTool("libtorrent")),
  fn: async () => {
    const { dir, data, meta, magnet } = await v2Torrent();
    const ours = await loopbackClient();
    const out = await Deno.makeTempDir({ prefix: "magnet-v2-lt-out-" });
    const seeding = await ours.add(meta, { dir });
    const leecher = startLibtorrent({
      role: "leech",
      torrentFile: magnet,
      dir: out,
      peers: [{ host: LOOPBACK, port: ours.port }],
    });
    try {
      await completeWithin(leecher, TIMEOUT_MS);
      assert.deepEqual(await Deno.readFile(`${out}/data.bin`), data);
      assert.ok(seeding.uploaded >= data.length, `uploaded ${seeding.uploaded}`);
    } finally {
      await leecher.stop();
      await ours.close();
    }
  },
});
