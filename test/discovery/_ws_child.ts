/**
 * Child of `ws_tracker_test.ts` (in a loopback-only namespace): two of our
 * clients that cannot reach each other over TCP meet through our tracker's
 * WebSocket signalling and move a torrent over WebRTC.
 */
import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { memoryStorage } from "../../src/storage/memory.ts";
import type { StorageFactory } from "../../src/storage/types.ts";
import type { Metainfo } from "../../src/metainfo/types.ts";
import { startTracker } from "../../src/tracker/server.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";
import { runRegisteredTests } from "../_isolated.ts";

const webrtc = { config: { iceServers: [] } };

/** A memory storage factory already holding a one-file torrent's data (checked when added). */
async function holding(meta: Metainfo, data: Uint8Array): Promise<StorageFactory> {
  const factory = memoryStorage();
  const store = await factory(meta);
  for (let i = 0; i < meta.pieceCount; i++) {
    const at = i * meta.pieceLength;
    await store.write(i, 0, data.subarray(at, Math.min(at + meta.pieceLength, data.length)));
  }
  await store.close();
  return factory;
}

await runRegisteredTests(() => {
  Deno.test("ws tracker: a leecher downloads from a seeder over WebRTC via our tracker", async () => {
    const tracker = await startTracker({ host: "127.0.0.1", port: 0 });
    const data = pseudoRandomBytes(3_000_000, 7);
    const torrent = await createTorrent([memorySource(["w.bin"], data)], {
      name: "w.bin",
      pieceLength: 65536,
      announce: [tracker.wsUrl],
    });
    const meta = await parseTorrent(torrent);
    const options = { host: "127.0.0.1", port: 0, listen: false, webrtc } as const;
    const [seeder, leecher] = [await Client.create(options), await Client.create(options)];
    try {
      const seeded = await seeder.add(meta, { storage: await holding(meta, data) });
      assert.equal(seeded.state, "seeding");
      const leeching = await leecher.add(meta, { storage: memoryStorage() });
      const peers: string[] = [];
      leeching.addEventListener("peer", (e) => peers.push((e as CustomEvent).detail.address));
      await leeching.done;
      for (let i = 0; i < meta.pieceCount; i++) {
        const at = i * meta.pieceLength;
        assert.deepEqual(
          await leeching.readPiece(i),
          data.subarray(at, Math.min(at + meta.pieceLength, data.length)),
        );
      }
      assert.ok(peers.every((p) => p.startsWith("id:")), `peers: ${peers}`);
    } finally {
      await leecher.close();
      await seeder.close();
      await tracker.close();
    }
  });
  Deno.test("cli: download --transports webrtc --announce ws:// from our seeder", async () => {
    const tracker = await startTracker({ host: "127.0.0.1", port: 0 });
    const data = pseudoRandomBytes(1_000_000, 8);
    const torrent = await createTorrent([memorySource(["c.bin"], data)], {
      name: "c.bin",
      pieceLength: 32768,
    });
    const meta = await parseTorrent(torrent);
    const seeder = await Client.create({ host: "127.0.0.1", port: 0, listen: false, webrtc });
    const out = await Deno.makeTempDir({ prefix: "ws-cli-" });
    try {
      await seeder.add(meta, { storage: await holding(meta, data), announce: [tracker.wsUrl] });
      await Deno.writeFile(`${out}/c.torrent`, torrent);
      const cli = new URL("../../src/cli/main.ts", import.meta.url).pathname;
      const run = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", cli, "download", `${out}/c.torrent`, "-o", out, "--port", "0"]
          .concat(["--transports", "webrtc", "--ice-servers", "", "--announce", tracker.wsUrl])
          .concat(["--json"]),
        stdin: "null",
      }).output();
      assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
      assert.match(new TextDecoder().decode(run.stdout), /"type":"done"/);
      assert.deepEqual(await Deno.readFile(`${out}/c.bin`), data);
    } finally {
      await seeder.close();
      await tracker.close();
    }
  });
  return Promise.resolve();
});
