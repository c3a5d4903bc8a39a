/**
 * uTP through a relay of ours on loopback that drops 5% of packets,
 * duplicates 1% and reorders 3%, both ways: 32 MiB between two of our
 * clients, and between libtorrent (uTP only) and ours in both directions.
 * Every download must hold the seeded bytes exactly.
 *
 * libtorrent gives a uTP connection up once one packet has been sent three
 * times (`utp_num_resends`, default 3). At 5% loss that is 1 packet in 8,000
 * lost three times in a row: about three times in a 32 MiB transfer, so with
 * the default libtorrent itself drops the connection (seen in the relay's
 * log: one DATA packet of libtorrent's dropped on all three sendings, then
 * silence). The libtorrent side here allows 10 sendings.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";
import { type LossyRelay, startLossyRelay } from "../transports/_lossy_relay.ts";
import { haveClients, LOOPBACK, Swarm } from "./_clients.ts";

const SIZE = 32 * 1024 * 1024;
const TIMEOUT_MS = 150_000;
const IMPAIRMENT = { drop: 0.05, duplicate: 0.01, reorder: 0.03 };
const haveLibtorrent = await haveClients(["libtorrent"]);

/** 32 MiB in one file, seeded under `root`, and its torrent file beside it. */
async function data() {
  const root = await Deno.makeTempDir({ prefix: "utp-lossy-" });
  const bytes = pseudoRandomBytes(SIZE, 0x10557);
  await Deno.mkdir(`${root}/seed`);
  await Deno.writeFile(`${root}/seed/lossy.bin`, bytes);
  const torrent = await createTorrent([memorySource(["lossy.bin"], bytes)], {
    name: "lossy.bin",
    pieceLength: 256 * 1024,
  });
  await Deno.writeFile(`${root}/lossy.torrent`, torrent);
  await Deno.mkdir(`${root}/out`);
  return { root, bytes, torrent, torrentFile: `${root}/lossy.torrent` };
}

async function sameBytes(path: string, expected: Uint8Array): Promise<void> {
  const got = await Deno.readFile(path);
  assert.equal(got.length, expected.length, "length");
  assert.ok(got.every((b, i) => b === expected[i]), "the download differs from the seed");
}

function report(relay: LossyRelay, label: string, ms: number): void {
  const c = relay.counts;
  console.log(
    `  ${label}: 32 MiB in ${(ms / 1000).toFixed(1)} s through the relay ` +
      `(${c.dropped} dropped, ${c.duplicated} duplicated, ${c.reordered} reordered)`,
  );
  assert.ok(c.dropped > 0 && c.duplicated > 0 && c.reordered > 0, "the relay spoiled nothing");
}

Deno.test("lossy relay: 32 MiB between two of our clients over uTP", async () => {
  const d = await data();
  const seeder = await Client.create({ host: LOOPBACK, port: 0, transports: ["utp"] });
  const leecher = await Client.create({ host: LOOPBACK, port: 0, transports: ["utp"] });
  const relay = await startLossyRelay({ host: LOOPBACK, port: seeder.port }, IMPAIRMENT);
  try {
    await seeder.add(d.torrent, { dir: `${d.root}/seed` });
    const started = performance.now();
    const torrent = await leecher.add(d.torrent, { dir: `${d.root}/out`, peers: [relay.address] });
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      torrent.done,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`stalled at ${torrent.progress}`)), TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    report(relay, "ours -> ours", performance.now() - started);
    await sameBytes(`${d.root}/out/lossy.bin`, d.bytes);
  } finally {
    relay.close();
    await leecher.close();
    await seeder.close();
    await Deno.remove(d.root, { recursive: true });
  }
});

for (const [seedKind, leechKind] of [["libtorrent", "ours"], ["ours", "libtorrent"]] as const) {
  Deno.test({
    name: `lossy relay: 32 MiB from ${seedKind} to ${leechKind} over uTP`,
    ignore: !haveLibtorrent,
    async fn() {
      const d = await data();
      let relay: LossyRelay | null = null;
      try {
        await using swarm = new Swarm();
        const common = {
          torrentFile: d.torrentFile,
          transports: ["utp"],
          libtorrentSettings: { utp_num_resends: 10 },
        } as const;
        const seeder = await swarm.start(seedKind, {
          ...common,
          role: "seed",
          dir: `${d.root}/seed`,
        });
        await swarm.waitComplete([seeder], TIMEOUT_MS);
        relay = await startLossyRelay({ host: LOOPBACK, port: seeder.port }, IMPAIRMENT);
        const started = performance.now();
        const leecher = await swarm.start(leechKind, {
          ...common,
          role: "leech",
          dir: `${d.root}/out`,
          peers: [relay.address],
        });
        await swarm.waitComplete([leecher], TIMEOUT_MS);
        report(relay, `${seedKind} -> ${leechKind}`, performance.now() - started);
        await swarm.stop();
        await sameBytes(`${d.root}/out/lossy.bin`, d.bytes);
      } finally {
        relay?.close();
        await Deno.remove(d.root, { recursive: true });
      }
    },
  });
}
