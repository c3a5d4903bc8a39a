/**
 * The only seeder dies mid-download and another appears later: the leecher
 * stalls without losing what it verified, then finishes from the newcomer,
 * told of it by `addPeers` or found through a real tracker (opentracker).
 *
 * @module
 */

import assert from "node:assert/strict";
import { toHex } from "../../src/bytes.ts";
import type { Client } from "../../src/client.ts";
import { scrapeHttp } from "../../src/discovery/http_tracker.ts";
import type { Torrent } from "../../src/torrent.ts";
import { haveOpentracker, startOpentracker } from "../discovery/_opentracker.ts";
import {
  addressOf,
  assertDownloaded,
  type Fixture,
  loopbackClient,
  makeFixture,
  Recorder,
  removeDirs,
  sleep,
  throttledTransport,
  waitFor,
  within,
} from "./_helpers.ts";

const installed = await haveOpentracker();

/** A seeder slow enough (1 MiB/s) to be killed mid-download. */
function slowSeeder(): Promise<Client> {
  return loopbackClient({ transports: [throttledTransport({ bytesPerSecond: 1024 * 1024 })] });
}

/**
 * Waits until a quarter is verified, closes the seeder, and checks that the
 * leecher then stalls: nothing more verified, still downloading, not done.
 *
 * @returns The bytes verified when it stalled.
 */
async function killSeederMidway(
  torrent: Torrent,
  events: Recorder,
  seeder: Client,
  fixture: Fixture,
): Promise<number> {
  const length = fixture.data.length;
  let done = false;
  torrent.done.then(() => done = true);
  await waitFor(() => torrent.verifiedBytes >= length / 4, {
    timeoutMs: 10_000,
    what: "a quarter of the data from the first seeder",
  });
  const seederAddress = `127.0.0.1:${seeder.port}`;
  await seeder.close();
  const gone = await events.disconnect(seederAddress);
  assert.ok(gone.reason !== undefined, "the disconnect has a reason");
  await sleep(200); // pieces already received finish their hash check
  const stalled = torrent.verifiedBytes;
  assert.ok(stalled < length, "the seeder was closed before the end");
  await sleep(600);
  assert.equal(torrent.verifiedBytes, stalled, "nothing is verified without a seeder");
  assert.equal(torrent.state, "downloading");
  assert.equal(done, false);
  assert.equal(torrent.peers.length, 0);
  return stalled;
}

Deno.test("the only seeder dies mid-download; the leecher stalls, then finishes from a seeder added later", async () => {
  const fixture = await makeFixture({ length: 2 * 1024 * 1024, pieceLength: 32768, seed: 21 });
  const out = await Deno.makeTempDir({ prefix: "faults-leech-" });
  const first = await slowSeeder();
  const leecher = await loopbackClient();
  let second: Client | null = null;
  try {
    await first.add(fixture.torrent, { dir: fixture.seedDir });
    const torrent = await leecher.add(fixture.torrent, { dir: out, peers: [addressOf(first)] });
    const events = new Recorder(torrent);
    const stalled = await killSeederMidway(torrent, events, first, fixture);

    second = await loopbackClient();
    const seeding = await second.add(fixture.torrent, { dir: fixture.seedDir });
    torrent.addPeers([addressOf(second)]);
    await within(torrent.done, 15_000, "the download to complete from the second seeder");
    // Pieces verified before the stall are not fetched again (a piece per request in flight of slack).
    assert.ok(
      seeding.uploaded <= fixture.data.length - stalled + fixture.meta.pieceLength * 4,
      `second seeder sent ${seeding.uploaded} bytes; ${fixture.data.length - stalled} were missing`,
    );
    await leecher.close();
    await assertDownloaded(fixture, out);
  } finally {
    await leecher.close();
    await first.close();
    await second?.close();
    await removeDirs(out, fixture.seedDir);
  }
});

Deno.test({
  name:
    "the only seeder dies mid-download; a seeder that starts later finds the leecher through opentracker",
  ignore: !installed,
  async fn() {
    const fixture = await makeFixture({ length: 2 * 1024 * 1024, pieceLength: 32768, seed: 22 });
    const infoHash = fixture.meta.infoHashBytes!;
    const tracker = await within(startOpentracker([infoHash]), 30_000, "opentracker to start");
    const out = await Deno.makeTempDir({ prefix: "faults-leech-" });
    const first = await slowSeeder();
    const leecher = await loopbackClient();
    let second: Client | null = null;
    const seeders = async () =>
      (await scrapeHttp(tracker.http, [infoHash])).get(toHex(infoHash))?.complete ?? 0;
    try {
      await first.add(fixture.torrent, { dir: fixture.seedDir, announce: [tracker.http] });
      await waitFor(async () => await seeders() === 1, {
        timeoutMs: 5_000,
        what: "the first seeder's announce",
      });
      // No peers given: the leecher learns of the seeder from the tracker only.
      const torrent = await leecher.add(fixture.torrent, { dir: out, announce: [tracker.http] });
      const events = new Recorder(torrent);
      await killSeederMidway(torrent, events, first, fixture);
      await waitFor(async () => await seeders() === 0, {
        timeoutMs: 5_000,
        what: "the dead seeder's stopped announce",
      });

      second = await loopbackClient();
      await second.add(fixture.torrent, { dir: fixture.seedDir, announce: [tracker.http] });
      await within(torrent.done, 15_000, "the download to complete from the second seeder");
      assert.ok(
        events.peers.some((e) => e.connected && e.address !== `127.0.0.1:${first.port}`),
        "a second peer connected",
      );
      await leecher.close();
      await assertDownloaded(fixture, out);
    } finally {
      await leecher.close();
      await first.close();
      await second?.close();
      await tracker.stop();
      await removeDirs(out, fixture.seedDir);
    }
  },
});
