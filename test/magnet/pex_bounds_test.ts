import assert from "node:assert/strict";
import { tcpTransport } from "../../transports/tcp.ts";
import { encodeMessage } from "../../src/wire/encode.ts";
import { encodeExtensionHandshake } from "../../src/wire/extension_handshake.ts";
import { decodePexMessage, encodePexMessage } from "../../src/wire/extensions/ut_pex.ts";
import { makePeerId } from "../../src/wire/peer_id.ts";
import { RawPeer } from "../wire/_helpers.ts";
import { LOOPBACK, loopbackClient, seedData } from "./_swarm.ts";

const PEX_ID = 5;

/** A raw peer that joins the torrent announcing ut_pex and a listen port. */
async function joinRaw(port: number, infoHash: Uint8Array, listenPort: number): Promise<RawPeer> {
  const raw = new RawPeer(await tcpTransport().dial({ host: LOOPBACK, port }));
  await raw.sendHandshake(infoHash, makePeerId("-XX0000-"), { extended: true, fast: true });
  await raw.read(68);
  const extensions = new Map([["ut_pex", PEX_ID]]);
  const payload = encodeExtensionHandshake({ extensions, port: listenPort });
  await raw.send(encodeMessage({ type: "extended", id: 0, payload }));
  return raw;
}

Deno.test("PEX sends at most 50 added peers per message, the rest in the next", async () => {
  const { dir, meta } = await seedData(100_000, 61);
  const seeder = await loopbackClient({
    limits: { pexIntervalMs: 300, maxConnectionsPerTorrent: 100, maxConnections: 200 },
  });
  const raws: RawPeer[] = [];
  try {
    const torrent = await seeder.add(meta, { dir });
    for (let i = 0; i < 61; i++) {
      raws.push(await joinRaw(seeder.port, meta.infoHashBytes!, 20000 + i));
    }
    while (torrent.peers.length < 61) {
      await new Promise((resolve) => torrent.addEventListener("peer", resolve, { once: true }));
    }
    const watcher = raws[0]!;
    const added: string[] = [];
    for (const size of [50, 10]) {
      let message;
      do message = await watcher.readMessage(); while (
        message.type !== "extended" || message.id !== PEX_ID
      );
      const pex = decodePexMessage(message.payload, 200);
      assert.equal(pex.added.length, size);
      added.push(...pex.added.map((p) => `${p.address.host}:${p.address.port}`));
    }
    // Everyone but the watcher itself, each once, at its announced listen port.
    assert.deepEqual(added.sort(), raws.slice(1).map((_, i) => `${LOOPBACK}:${20001 + i}`).sort());
  } finally {
    await seeder.close();
  }
});

Deno.test("one peer's PEX causes at most maxPexDialsPerPeer dials", async () => {
  const { dir, meta } = await seedData(100_000, 62);
  const client = await loopbackClient({ limits: { maxPexDialsPerPeer: 3 } });
  const targets = await Promise.all(
    Array.from({ length: 10 }, () => tcpTransport().listen({ host: LOOPBACK, port: 0 })),
  );
  let dialled = 0;
  const third = Promise.withResolvers<void>();
  for (const target of targets) {
    (async () => {
      for await (const conn of target) {
        if (++dialled === 3) third.resolve();
        conn.close();
      }
    })();
  }
  try {
    await client.add(meta, { dir });
    const raw = await joinRaw(client.port, meta.infoHashBytes!, 1);
    const added = targets.map((t) => ({ address: t.address, flags: 0 }));
    await raw.send(encodeMessage({
      type: "extended",
      id: 2, // the id our handshake gives ut_pex
      payload: encodePexMessage({ added: added.slice(0, 5), dropped: [] }),
    }));
    await raw.send(encodeMessage({
      type: "extended",
      id: 2,
      payload: encodePexMessage({ added: added.slice(5), dropped: [] }),
    }));
    await third.promise;
    // Give any further (unwanted) dial time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(dialled, 3);
  } finally {
    for (const target of targets) target.close();
    await client.close();
  }
});
