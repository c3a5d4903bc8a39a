/**
 * Clients choosing transports: uTP only, TCP only, and both (uTP preferred,
 * one connection per peer, TCP when the peer has no uTP), with incoming uTP
 * on the same port number as TCP. Loopback only.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Client, type ClientOptions } from "../src/client.ts";
import { createTorrent } from "../src/metainfo/create_torrent.ts";
import { memorySource, pseudoRandomBytes } from "./_data.ts";

const LOOPBACK = "127.0.0.1";

async function seedData() {
  const dir = await Deno.makeTempDir({ prefix: "client-utp-" });
  const data = pseudoRandomBytes(3_000_000, 7);
  await Deno.writeFile(`${dir}/blob.bin`, data);
  const torrent = await createTorrent([memorySource(["blob.bin"], data)], {
    name: "blob.bin",
    pieceLength: 65536,
  });
  return { dir, data, torrent };
}

async function transfer(seederOptions: ClientOptions, leecherOptions: ClientOptions) {
  const { dir, data, torrent } = await seedData();
  const out = await Deno.makeTempDir({ prefix: "client-utp-out-" });
  const seeder = await Client.create({ host: LOOPBACK, port: 0, ...seederOptions });
  const leecher = await Client.create({ host: LOOPBACK, port: 0, ...leecherOptions });
  try {
    await seeder.add(torrent, { dir });
    const leeching = await leecher.add(torrent, {
      dir: out,
      peers: [{ host: LOOPBACK, port: seeder.port }],
    });
    await leeching.done;
    const transports = leeching.peers.map((p) => p.transport);
    assert.deepEqual(await Deno.readFile(`${out}/blob.bin`), data);
    return { transports, peers: leeching.peers.length };
  } finally {
    await leecher.close();
    await seeder.close();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
}

Deno.test("client: by default both transports, and the dial goes over uTP", async () => {
  const { transports } = await transfer({}, {});
  assert.deepEqual(transports, ["utp"]);
});

Deno.test("client: uTP only on both sides", async () => {
  const { transports } = await transfer({ transports: ["utp"] }, { transports: ["utp"] });
  assert.deepEqual(transports, ["utp"]);
});

Deno.test("client: a seeder without uTP refuses the SYN, and the dialler falls back to TCP at once", async () => {
  const started = performance.now();
  const { transports } = await transfer({ transports: ["tcp"] }, {});
  assert.deepEqual(transports, ["tcp"]);
  assert.ok(performance.now() - started < 2_000, "the fallback waited for SYN timeouts");
});

Deno.test("client: uTP listens on the TCP port number", async () => {
  const client = await Client.create({ host: LOOPBACK, port: 0 });
  try {
    const tcp = await Deno.connect({ hostname: LOOPBACK, port: client.port });
    tcp.close();
    const { utpTransport } = await import("../transports/utp/mod.ts");
    const conn = await utpTransport().dial({ host: LOOPBACK, port: client.port });
    assert.equal(conn.transport, "utp");
    conn.close();
    await conn.closed;
  } finally {
    await client.close();
  }
});
