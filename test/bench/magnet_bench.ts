/**
 * How long a bare magnet link takes over the DHT, ours against libtorrent:
 * a libtorrent seeder and one bittorrent-dht node of ours on 127.0.0.1 (the
 * only bootstrap node of everyone); each leecher in turn gets only the
 * magnet, finds the seeder through the DHT, fetches the metadata
 * (ut_metadata) and downloads. Reported: seconds to the metadata (ours
 * only: libtorrent's helper does not report it) and to the last verified
 * piece, medians over the runs. A measurement, not a test.
 *
 * ```sh
 * deno run -A test/bench/magnet_bench.ts --size-mib 32 --runs 3
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Dht } from "../../src/discovery/dht.ts";
import { startLibtorrent } from "../interop/_clients_libtorrent.ts";
import { LOOPBACK, loopbackClient, seedData } from "../magnet/_swarm.ts";

const { values } = parseArgs({
  options: {
    "size-mib": { type: "string", default: "32" },
    runs: { type: "string", default: "3" },
  },
});
const size = Number(values["size-mib"]) * 1024 * 1024;
const runs = Number(values.runs);
const TIMEOUT_MS = 120_000;

const node = await Dht.start({ host: LOOPBACK, bootstrap: [] });
const bootstrap = `${LOOPBACK}:${node.address.port}`;
const { dir, data, torrent, magnet } = await seedData(size, 71);
await Deno.writeFile(`${dir}/data.torrent`, torrent);
const seeder = startLibtorrent({
  role: "seed",
  torrentFile: `${dir}/data.torrent`,
  dir,
  dhtBootstrap: node.address,
});
await seeder.complete;

const times = { oursMetadata: [] as number[], ours: [] as number[], libtorrent: [] as number[] };
for (let run = 0; run < runs; run++) {
  const out = await Deno.makeTempDir({ prefix: "magnet-bench-" });
  const client = await loopbackClient({ dht: { bootstrap: [bootstrap], retryMs: 500 } });
  const start = performance.now();
  const meta = await client.fetchMetadata(magnet, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  times.oursMetadata.push((performance.now() - start) / 1000);
  const leech = await client.add(meta, { dir: out });
  await leech.done;
  times.ours.push((performance.now() - start) / 1000);
  await client.close();
  await same(`${out}/data.bin`);

  const ltOut = await Deno.makeTempDir({ prefix: "magnet-bench-lt-" });
  const ltStart = performance.now();
  const lt = startLibtorrent({
    role: "leech",
    torrentFile: magnet,
    dir: ltOut,
    dhtBootstrap: node.address,
  });
  await lt.complete;
  times.libtorrent.push((performance.now() - ltStart) / 1000);
  await lt.stop();
  await same(`${ltOut}/data.bin`);
}
await seeder.stop();
await node.close();

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
console.log(
  `bare magnet over a loopback DHT, ${size / 1048576} MiB, libtorrent seeding, ${runs} runs`,
);
console.log(
  `  ours:       metadata ${median(times.oursMetadata).toFixed(2)} s, done ${
    median(times.ours).toFixed(2)
  } s`,
);
console.log(`  libtorrent: done ${median(times.libtorrent).toFixed(2)} s (process start included)`);
console.log(
  `  ours / libtorrent time to done: ${(median(times.ours) / median(times.libtorrent)).toFixed(2)}`,
);

async function same(path: string): Promise<void> {
  const got = await Deno.readFile(path);
  if (got.length !== data.length || got.some((b, i) => b !== data[i])) {
    console.error(`${path} differs from the source`);
    Deno.exit(1);
  }
}
