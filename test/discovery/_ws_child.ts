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
import { startTracker } from "../../src/tracker/server.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";
import { runRegisteredTests } from "../_isolated.ts";

const webrtc = { config: { iceServers: [] } };

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
      const filled = memoryStorage();
      const store = await filled(meta);
      for (let i = 0; i < meta.pieceCount; i++) {
        const at = i * meta.pieceLength;
        await store.write(i, 0, data.subarray(at, Math.min(at + meta.pieceLength, data.length)));
      }
      await store.close();
      const seeded = await seeder.add(meta, { storage: filled });
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
  return Promise.resolve();
});
