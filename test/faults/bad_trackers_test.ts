/**
 * Trackers that answer garbage, never answer, or are down, over HTTP
 * (`Deno.serve` on 127.0.0.1) and UDP (a scripted socket): the torrent
 * warns about each and still downloads from a peer it was given; and with a
 * second, working tier (opentracker) it finds the seeder there.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Client } from "../../src/client.ts";
import { bindUdp } from "../../src/net/udp.ts";
import { bytesResponse, closedPort, scriptedHttp } from "../discovery/_http_server.ts";
import { haveOpentracker, type OpenTracker, startOpentracker } from "../discovery/_opentracker.ts";
import { reply, scriptedUdp } from "../discovery/_udp_server.ts";
import {
  addressOf,
  assertDownloaded,
  type Fixture,
  loopbackClient,
  makeFixture,
  Recorder,
  removeDirs,
  TEST_LIMITS,
  waitFor,
  within,
} from "./_helpers.ts";

const installed = await haveOpentracker();

/** A broken tracker: its URL and how to stop it. */
interface Broken {
  url: string;
  close(): Promise<void> | void;
}

/**
 * Each way a tracker can fail, by name.
 *
 * A silent UDP tracker (or a closed UDP port, whose ICMP refusal the socket
 * does not tie to the request) is given up on after four times
 * `limits.trackerTimeoutMs`, its resends starting at that timeout.
 */
const BROKEN: Record<string, () => Promise<Broken>> = {
  "HTTP tracker answering garbage": () => {
    const server = scriptedHttp(() => bytesResponse("<html>this is not bencode</html>"));
    return Promise.resolve({ url: server.url(), close: () => server.close() });
  },
  "HTTP tracker never answering": () => {
    const server = scriptedHttp(async (_, self) => {
      await self.hang;
      return bytesResponse("d8:intervali60e5:peers0:e");
    });
    return Promise.resolve({ url: server.url(), close: () => server.close() });
  },
  "HTTP tracker down": () =>
    Promise.resolve({ url: `http://127.0.0.1:${closedPort()}/announce`, close() {} }),
  "UDP tracker answering garbage": async () => {
    // Claims the transaction but carries no connection id.
    const tracker = await scriptedUdp((packet) => reply(0, packet.transactionId));
    return { url: tracker.url, close: () => tracker.close() };
  },
  "UDP tracker never answering": async () => {
    const tracker = await scriptedUdp(() => null);
    return { url: tracker.url, close: () => tracker.close() };
  },
  "UDP tracker down": async () => {
    const socket = await bindUdp({ host: "127.0.0.1" });
    const url = `udp://127.0.0.1:${socket.localAddress.port}`;
    socket.close();
    await socket.closed;
    return { url, close() {} };
  },
};

/** Warnings naming `url` among a recorder's. */
function warningsAbout(events: Recorder, url: string): string[] {
  return events.warnings.filter((w) => w.includes(url));
}

/**
 * Downloads the fixture into a fresh folder with `announce` as the only
 * extra trackers (one tier each) and `peers` to dial; checks the bytes and
 * that the first tracker was warned about within `warnWithinMs`.
 */
async function downloadDespite(
  fixture: Fixture,
  broken: Broken,
  options: { announce: string[]; peers: Client[] },
): Promise<void> {
  const out = await Deno.makeTempDir({ prefix: "faults-leech-" });
  const leecher = await loopbackClient();
  try {
    const torrent = await leecher.add(fixture.torrent, {
      dir: out,
      announce: options.announce,
      peers: options.peers.map(addressOf),
    });
    const events = new Recorder(torrent);
    await within(torrent.done, 10_000, "the download to complete");
    // The announcer gives up on a tracker after limits.trackerTimeoutMs (1 s here).
    await waitFor(() => warningsAbout(events, broken.url).length > 0, {
      timeoutMs: 5_000,
      what: `a warning about ${broken.url} (warnings: ${JSON.stringify(events.warnings)})`,
    });
    assert.ok(TEST_LIMITS.trackerTimeoutMs! <= 1_000);
    await leecher.close();
    await assertDownloaded(fixture, out);
  } finally {
    await leecher.close();
    await removeDirs(out);
  }
}

Deno.test("a broken tracker is a warning; the download completes from the peer given", async (t) => {
  const fixture = await makeFixture({ length: 512 * 1024, pieceLength: 32768, seed: 51 });
  const seeder = await loopbackClient();
  try {
    await seeder.add(fixture.torrent, { dir: fixture.seedDir });
    for (const [name, make] of Object.entries(BROKEN)) {
      await t.step(name, async () => {
        const broken = await make();
        try {
          await downloadDespite(fixture, broken, { announce: [broken.url], peers: [seeder] });
        } finally {
          await broken.close();
        }
      });
    }
  } finally {
    await seeder.close();
    await removeDirs(fixture.seedDir);
  }
});

Deno.test({
  name: "a broken first tier is skipped: the seeder is found through opentracker in the second",
  ignore: !installed,
  async fn(t) {
    const fixture = await makeFixture({ length: 512 * 1024, pieceLength: 32768, seed: 52 });
    const tracker: OpenTracker = await within(
      startOpentracker([fixture.meta.infoHashBytes!]),
      30_000,
      "opentracker to start",
    );
    const seeder = await loopbackClient();
    try {
      const seeding = await seeder.add(fixture.torrent, {
        dir: fixture.seedDir,
        announce: [tracker.http, tracker.udp],
      });
      for (const [name, make] of Object.entries(BROKEN)) {
        await t.step(name, async () => {
          const broken = await make();
          try {
            const uploaded = seeding.uploaded;
            const working = broken.url.startsWith("udp:") ? tracker.udp : tracker.http;
            // No peers given: only the second tier can tell the leecher about the seeder.
            await downloadDespite(fixture, broken, { announce: [broken.url, working], peers: [] });
            assert.ok(seeding.uploaded > uploaded, "the seeder served the leecher");
          } finally {
            await broken.close();
          }
        });
      }
    } finally {
      await seeder.close();
      await tracker.stop();
      await removeDirs(fixture.seedDir);
    }
  },
});
