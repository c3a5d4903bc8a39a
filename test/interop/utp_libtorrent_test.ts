/**
 * uTP with libtorrent 2.0 on 127.0.0.1, with TCP off on both sides so that
 * nothing but uTP can carry the data: libtorrent seeds the 64 MiB data set
 * and ours downloads it, then the other way round. Each download is checked
 * file by file (size and SHA-256). Rates are printed for information.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  dataset,
  haveClients,
  LOOPBACK,
  type PeerKind,
  reportRate,
  Swarm,
  verifyDownload,
} from "./_clients.ts";

const TIMEOUT_MS = 120_000;
const haveLibtorrent = await haveClients(["libtorrent"]);

for (const [seedKind, leechKind] of [["libtorrent", "ours"], ["ours", "libtorrent"]] as const) {
  Deno.test({
    name: `uTP only: ${seedKind} seeds 64 MiB, ${leechKind} downloads it`,
    ignore: !haveLibtorrent,
    fn: () => pair(seedKind, leechKind),
  });
}

async function pair(seedKind: PeerKind, leechKind: PeerKind): Promise<void> {
  const data = await dataset();
  const work = await Deno.makeTempDir({ prefix: "utp-lt-" });
  try {
    const torrentFile = `${work}/data.torrent`;
    await Deno.writeFile(torrentFile, data.torrent);
    const out = `${work}/out`;
    await Deno.mkdir(out);
    await using swarm = new Swarm();
    const seeder = await swarm.start(seedKind, {
      role: "seed",
      torrentFile,
      dir: data.root,
      transports: ["utp"],
    });
    await swarm.waitComplete([seeder], TIMEOUT_MS);
    const leecher = await swarm.start(leechKind, {
      role: "leech",
      torrentFile,
      dir: out,
      transports: ["utp"],
      peers: [{ host: LOOPBACK, port: seeder.port }],
    });
    await swarm.waitComplete([leecher], TIMEOUT_MS);
    reportRate(leecher, data.length, `${seedKind} -> ${leechKind} over uTP`);
    await swarm.stop();
    await verifyDownload(data, out, leecher.name);
    const ours = seedKind === "ours" ? seeder : leecher;
    const moved = seedKind === "ours" ? ours.status.uploaded : ours.status.downloaded;
    assert.ok(moved >= data.length, `${ours.name} moved ${moved} bytes, less than the torrent`);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}
