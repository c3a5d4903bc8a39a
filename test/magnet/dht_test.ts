import assert from "node:assert/strict";
import { Dht, type DhtOptions } from "../../src/discovery/dht.ts";
import type { PeerAddress } from "../../transports/mod.ts";
import { announced, LOOPBACK, loopbackClient, seedData } from "./_swarm.ts";

/** A small DHT of our own nodes on loopback, each bootstrapped only from the first. */
async function loopbackDht(size: number, options: DhtOptions = {}): Promise<Dht[]> {
  const first = await Dht.start({ ...options, host: LOOPBACK, bootstrap: [] });
  const nodes = [first];
  const at = `${LOOPBACK}:${first.address.port}`;
  for (let i = 1; i < size; i++) {
    nodes.push(await Dht.start({ ...options, host: LOOPBACK, bootstrap: [at] }));
  }
  return nodes;
}

Deno.test("DHT only: our seeder announces, our leecher finds it from a magnet and completes", async () => {
  const nodes = await loopbackDht(3);
  const bootstrap = [`${LOOPBACK}:${nodes[0]!.address.port}`];
  const state = await Deno.makeTempDir({ prefix: "dht-state-" });
  const dht = { bootstrap, retryMs: 500 };
  const seeder = await loopbackClient({ dht: { ...dht, stateFile: `${state}/seeder.json` } });
  const leecher = await loopbackClient({ dht });
  const { dir, data, meta, magnet } = await seedData(400_000, 11);
  const out = await Deno.makeTempDir({ prefix: "dht-leech-" });
  try {
    // The DHT shares the client's UDP socket, bound on the TCP port.
    assert.equal(seeder.dht!.address.port, seeder.port);
    const seederAnnounced = announced(seeder.dht!, meta.infoHash!);
    await seeder.add(meta, { dir });
    await seederAnnounced;
    const torrent = await leecher.add(magnet, { dir: out, signal: AbortSignal.timeout(30_000) });
    await torrent.done;
    assert.deepEqual(await Deno.readFile(`${out}/data.bin`), data);
  } finally {
    await leecher.close();
    await seeder.close();
    for (const node of nodes) await node.close();
  }
  // The routing table was saved on close and is read back at the next start.
  const saved = JSON.parse(await Deno.readTextFile(`${state}/seeder.json`));
  assert.ok(saved.nodes.length >= 1, JSON.stringify(saved));
  const again = await Dht.start({
    host: LOOPBACK,
    bootstrap: [],
    stateFile: `${state}/seeder.json`,
  });
  try {
    assert.equal(again.nodeId, saved.id);
  } finally {
    await again.close();
  }
});

Deno.test("DHT: a tracked torrent is announced again on schedule, and another node finds it", async () => {
  const nodes = await loopbackDht(3, { announceIntervalMs: 100, retryMs: 100 });
  const [, announcer, seeker] = nodes as [Dht, Dht, Dht];
  const hash = crypto.getRandomValues(new Uint8Array(20));
  const stops: (() => void)[] = [];
  try {
    let rounds = 0;
    const thirdRound = new Promise<void>((resolve) =>
      announcer.addEventListener("announce", () => ++rounds === 3 && resolve())
    );
    stops.push(announcer.track(hash, 1234, () => {}));
    await thirdRound;
    const found = new Promise<PeerAddress>((resolve) => stops.push(seeker.track(hash, 0, resolve)));
    assert.deepEqual(await found, { host: LOOPBACK, port: 1234 });
  } finally {
    for (const stop of stops) stop();
    for (const node of nodes) await node.close();
  }
});
