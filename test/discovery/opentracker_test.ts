/**
 * Our HTTP and UDP tracker clients, and the announcer, against Debian's real
 * opentracker on 127.0.0.1: two peers announce and see each other, scrape
 * counts them, and `stopped` removes a peer. Skipped with a notice when
 * opentracker is not installed, except in CI.
 *
 * @module
 */

import assert from "node:assert/strict";
import { toHex } from "../../src/bytes.ts";
import { Announcer } from "../../src/discovery/announcer.ts";
import { announceHttp, scrapeHttp } from "../../src/discovery/http_tracker.ts";
import type {
  AnnounceRequest,
  AnnounceResponse,
  ScrapeResponse,
} from "../../src/discovery/types.ts";
import { UdpTrackerClient } from "../../src/discovery/udp_tracker.ts";
import { bindUdp } from "../../src/net/udp.ts";
import type { PeerAddress } from "../../transports/mod.ts";
import { closedPort } from "./_http_server.ts";
import { haveOpentracker, type OpenTracker, startOpentracker } from "./_opentracker.ts";

const HTTP_HASH = new Uint8Array(20).fill(0x11);
const UDP_HASH = new Uint8Array(20).fill(0x22);
const ANNOUNCER_HASH = new Uint8Array(20).fill(0x33);

const installed = await haveOpentracker();

/** Runs `fn` with a fresh opentracker tracking `infoHash`, and stops it after. */
async function withTracker(infoHash: Uint8Array, fn: (t: OpenTracker) => Promise<void>) {
  const tracker = await startOpentracker([infoHash]);
  try {
    await fn(tracker);
  } finally {
    await tracker.stop();
  }
}

/** Two peers on 127.0.0.1 (opentracker tells peers apart by address and port): a seed and a leecher. */
function peers(infoHash: Uint8Array): [AnnounceRequest, AnnounceRequest] {
  const base = { infoHash, uploaded: 0, downloaded: 0, numWant: 50 };
  return [
    { ...base, peerId: id("seed"), port: 16881, left: 0 },
    { ...base, peerId: id("leech"), port: 16882, left: 1000 },
  ];
}

function id(name: string): Uint8Array {
  return new TextEncoder().encode(`-SD0100-${name}`.padEnd(20, "x"));
}

function has(reply: AnnounceResponse, port: number): boolean {
  return reply.peers.some((p: PeerAddress) => p.host === "127.0.0.1" && p.port === port);
}

/** The swarm story, told through one client's announce and scrape. */
async function swarmStory(
  infoHash: Uint8Array,
  announce: (request: AnnounceRequest) => Promise<AnnounceResponse>,
  scrape: () => Promise<ScrapeResponse>,
): Promise<void> {
  const [seed, leech] = peers(infoHash);
  const first = await announce({ ...seed, event: "started" });
  assert.ok(first.interval > 0);
  const second = await announce({ ...leech, event: "started" });
  assert.ok(has(second, seed.port), `the leecher sees the seed: ${JSON.stringify(second.peers)}`);
  assert.equal(second.complete, 1);
  assert.equal(second.incomplete, 1);
  const again = await announce(seed);
  assert.ok(has(again, leech.port), "the seed sees the leecher");

  const counts = (await scrape()).get(toHex(infoHash));
  assert.deepEqual(counts && [counts.complete, counts.incomplete], [1, 1]);

  await announce({ ...seed, event: "stopped", numWant: 0 });
  const after = await announce(leech);
  assert.ok(!has(after, seed.port), "the stopped seed is gone");
  assert.equal(after.complete, 0);
  const later = (await scrape()).get(toHex(infoHash));
  assert.deepEqual(later && [later.complete, later.incomplete], [0, 1]);
}

Deno.test({
  name: "opentracker: HTTP announce and scrape, two peers, stopped removes one",
  ignore: !installed,
  fn: () =>
    withTracker(HTTP_HASH, (tracker) =>
      swarmStory(
        HTTP_HASH,
        (request) => announceHttp(tracker.http, request),
        () => scrapeHttp(tracker.http, [HTTP_HASH]),
      )),
});

Deno.test({
  name: "opentracker: UDP announce and scrape, two peers, stopped removes one",
  ignore: !installed,
  fn: () =>
    withTracker(UDP_HASH, async (tracker) => {
      const socket = await bindUdp({ host: "127.0.0.1" });
      const client = new UdpTrackerClient(socket, { retryBaseMs: 500, maxRetries: 2 });
      try {
        await swarmStory(
          UDP_HASH,
          (request) => client.announce(tracker.udp, request),
          () => client.scrape(tracker.udp, [UDP_HASH]),
        );
      } finally {
        client.close();
        socket.close();
      }
    }),
});

Deno.test({
  name: "opentracker: the announcer falls back to the UDP tier, streams peers and stops",
  ignore: !installed,
  fn: () =>
    withTracker(ANNOUNCER_HASH, async (tracker) => {
      const socket = await bindUdp({ host: "127.0.0.1" });
      const udpTracker = new UdpTrackerClient(socket, { retryBaseMs: 500, maxRetries: 2 });
      const [seed, leech] = peers(ANNOUNCER_HASH);
      await announceHttp(tracker.http, { ...seed, event: "started" });
      const announcer = new Announcer({
        infoHash: ANNOUNCER_HASH,
        peerId: leech.peerId,
        port: leech.port,
        trackers: [[`http://127.0.0.1:${closedPort()}/announce`], [tracker.udp]],
        stats: () => ({ uploaded: 0, downloaded: 0, left: 1000 }),
        udpTracker,
      });
      const warnings: string[] = [];
      announcer.addEventListener("warning", (e) => warnings.push(e.message));
      try {
        announcer.start();
        const seen: PeerAddress[] = [];
        for await (const candidate of announcer) {
          assert.equal(candidate.source, "tracker");
          assert.equal(candidate.via, tracker.udp);
          seen.push(candidate.address);
          if (candidate.address.port === seed.port) break;
        }
        assert.deepEqual(seen.find((p) => p.port === seed.port), {
          host: "127.0.0.1",
          port: seed.port,
        });
        assert.equal(warnings.length, 1);
        assert.match(warnings[0]!, /cannot reach the tracker/);
        const before = (await scrapeHttp(tracker.http, [ANNOUNCER_HASH])).get(
          toHex(ANNOUNCER_HASH),
        );
        assert.equal(before?.incomplete, 1);
        await announcer.stop();
        const after = (await scrapeHttp(tracker.http, [ANNOUNCER_HASH])).get(toHex(ANNOUNCER_HASH));
        assert.equal(after?.incomplete, 0, "stopped reached the tracker");
        assert.equal(after?.complete, 1);
      } finally {
        await announcer.stop();
        udpTracker.close();
        socket.close();
      }
    }),
});
