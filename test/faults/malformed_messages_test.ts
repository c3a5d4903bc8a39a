/**
 * Scripted peers sending one malformed thing each, against a leecher in the
 * middle of a download and against the seeder serving it: each offender is
 * closed with its typed reason (the torrent's `peer` event), those that fail
 * the handshake are closed before they become peers, and meanwhile the
 * honest download completes and both clients still take new peers. An
 * unhandled rejection anywhere would fail the test.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Client } from "../../src/client.ts";
import type { Torrent } from "../../src/torrent.ts";
import { encodeMessage, type Message } from "../../src/wire/mod.ts";
import {
  addressOf,
  assertDownloaded,
  type Fixture,
  loopbackClient,
  makeFixture,
  RawListener,
  RawPeer,
  Recorder,
  removeDirs,
  sleep,
  type Throttle,
  throttledTransport,
  within,
} from "./_helpers.ts";

/** Requests a peer may queue with the clients here. */
const MAX_PEER_REQUESTS = 16;

/** 30 pieces of 32 KiB (not a multiple of 8, so a bitfield has spare bits), the last 20,000 bytes. */
const PIECES = 30;
const PIECE_LENGTH = 32768;
const LAST_PIECE = 20_000;

const frame = (...messages: Message[]) => messages.map((m) => encodeMessage(m));
const bytes = (...parts: number[]) => Uint8Array.from(parts);

/** One offence after a good handshake, and the reason it must close the peer with. */
interface Offence {
  name: string;
  reason: string;
  bytes: (fixture: Fixture) => Uint8Array[];
}

const OFFENCES: Offence[] = [
  {
    name: "a message longer than maxMessageBytes",
    reason: "message-too-long",
    // A piece message announcing 2 MiB + 9 bytes (the limit is 1 MiB); the body never comes.
    bytes: () => [bytes(0x00, 0x20, 0x00, 0x09, 7, 0, 0, 0, 0, 0, 0, 0, 0)],
  },
  {
    name: "a bitfield of the wrong length",
    reason: "bad-bitfield",
    bytes: () => frame({ type: "bitfield", bits: new Uint8Array(5).fill(0xff) }),
  },
  {
    name: "a bitfield with spare bits set",
    reason: "bad-bitfield",
    // 30 pieces: 4 bytes, the last two bits spare.
    bytes: () => frame({ type: "bitfield", bits: bytes(0xff, 0xff, 0xff, 0xff) }),
  },
  {
    name: "a have past the last piece",
    reason: "bad-index",
    bytes: () => frame({ type: "have", index: PIECES }),
  },
  {
    name: "a request over 16 KiB",
    reason: "request-too-large",
    bytes: () => frame({ type: "request", index: 0, begin: 0, length: 32768 }),
  },
  {
    name: "a request past the end of a piece",
    reason: "bad-request",
    bytes: () => frame({ type: "request", index: PIECES - 1, begin: 16384, length: 16384 }),
  },
  {
    name: "more queued requests than the cap",
    reason: "too-many-requests",
    bytes: () => [
      // One write, so that none can be served or rejected before the last arrives.
      Uint8Array.from(
        frame(
          ...Array.from({ length: MAX_PEER_REQUESTS + 1 }, (_, i): Message => ({
            type: "request",
            index: Math.floor(i / 2),
            begin: (i % 2) * 16384,
            length: 16384,
          })),
        ).flatMap((m) => [...m]),
      ),
    ],
  },
  {
    name: "a block nobody asked for",
    reason: "unrequested-block",
    bytes: (fixture) =>
      frame({ type: "piece", index: 0, begin: 0, block: fixture.data.slice(0, 16384) }),
  },
  {
    name: "an unknown message id",
    reason: "unknown-message",
    bytes: () => [bytes(0, 0, 0, 1, 99)],
  },
  {
    name: "a have of the wrong length",
    reason: "bad-length",
    bytes: () => [bytes(0, 0, 0, 3, 4, 0, 0)],
  },
  {
    name: "a second have none",
    reason: "duplicate-bitfield",
    bytes: () => frame({ type: "haveNone" }, { type: "haveNone" }),
  },
  {
    name: "a BEP 10 message without BEP 10",
    reason: "not-negotiated",
    bytes: () => frame({ type: "extended", id: 1, payload: bytes(0x64, 0x65) }),
  },
];

/**
 * Dials `client`, completes a good handshake, waits until the torrent has
 * taken the peer, sends the offence, and checks the torrent closes it with
 * the right reason.
 */
async function offend(
  client: Client,
  torrent: Torrent,
  events: Recorder,
  fixture: Fixture,
  offence: Offence,
): Promise<void> {
  const peer = await RawPeer.dial(client.port);
  try {
    await peer.handshake(fixture.meta.infoHashBytes!);
    await events.connect(peer.key);
    for (const part of offence.bytes(fixture)) await peer.write(part);
    const gone = await events.disconnect(peer.key);
    assert.equal(gone.reason, offence.reason, `${offence.name} closed with ${gone.reason}`);
    assert.ok(await peer.closedByRemote(2_000), `${offence.name}: the socket was closed`);
    assert.ok(torrent.state !== "closed");
  } finally {
    peer.close();
  }
}

/**
 * Offences before a peer exists: garbage instead of a handshake, and a
 * handshake for a torrent the client does not have (dialling it), or
 * answering its dial for another torrent. Each is closed at once (well
 * within the 5 s handshake timeout) and never becomes a peer.
 */
async function failHandshakes(client: Client, torrent: Torrent, events: Recorder): Promise<void> {
  const garbage = await RawPeer.dial(client.port);
  const stranger = await RawPeer.dial(client.port);
  const impostor = new RawListener();
  try {
    // Not a plain handshake, so taken for MSE: refused once no HASH('req1', S)
    // can follow Ya and 512 bytes of padding.
    await garbage.write(
      new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n".padEnd(700, "!")),
    );
    await stranger.write(
      Uint8Array.from([
        19,
        ...new TextEncoder().encode("BitTorrent protocol"),
        ...new Uint8Array(48),
      ])
        .map((b, i) => i >= 28 && i < 48 ? 0xee : b),
    );
    torrent.addPeers([impostor.address]);
    const dialled = await impostor.next(0);
    const wrongHash = new Uint8Array(20).fill(0xee);
    const ours = dialled.handshake(wrongHash, { dialler: false }).catch(() => null);

    assert.ok(await garbage.closedByRemote(2_000), "garbage handshake: not closed");
    assert.equal(await stranger.readBytes(68), null, "unknown info hash: the client answered");
    assert.ok(stranger.ended, "unknown info hash: not closed");
    const theirs = await ours;
    assert.ok(theirs !== null, "the client sent its handshake when dialling");
    assert.deepEqual(theirs.infoHash, torrent.wireHash);
    assert.ok(await dialled.closedByRemote(2_000), "info hash mismatch: not closed");
    for (const key of [garbage.key, stranger.key, `127.0.0.1:${impostor.address.port}`]) {
      assert.deepEqual(events.of(key), [], `${key} became a peer`);
    }
  } finally {
    garbage.close();
    stranger.close();
    await impostor.close();
  }
}

Deno.test("malformed messages close each offender with its reason while a download goes on", async (t) => {
  const fixture = await makeFixture({
    length: (PIECES - 1) * PIECE_LENGTH + LAST_PIECE,
    pieceLength: PIECE_LENGTH,
    seed: 41,
  });
  const out = await Deno.makeTempDir({ prefix: "faults-leech-" });
  const out2 = await Deno.makeTempDir({ prefix: "faults-leech-" });
  const limits = { maxPeerRequests: MAX_PEER_REQUESTS };
  // 256 KiB/s: the 950 KiB download takes about four seconds, time for every offence.
  const throttle: Throttle = { bytesPerSecond: 256 * 1024 };
  const seeder = await loopbackClient({ limits, transports: [throttledTransport(throttle)] });
  const leecher = await loopbackClient({ limits });
  let late: Client | null = null;
  try {
    const seeding = await seeder.add(fixture.torrent, { dir: fixture.seedDir });
    const seederEvents = new Recorder(seeding);
    const torrent = await leecher.add(fixture.torrent, { dir: out, peers: [addressOf(seeder)] });
    const leecherEvents = new Recorder(torrent);
    let finished = false;
    torrent.done.then(() => finished = true);

    for (
      const [role, client, target, events] of [
        ["leecher", leecher, torrent, leecherEvents],
        ["seeder", seeder, seeding, seederEvents],
      ] as const
    ) {
      await t.step(`against the ${role}`, async (t) => {
        for (const offence of OFFENCES) {
          await t.step(
            `${offence.name}: ${offence.reason}`,
            () => within(offend(client, target, events, fixture, offence), 10_000, offence.name),
          );
        }
        await t.step(
          "garbage handshake, unknown and mismatched info hash",
          () => within(failHandshakes(client, target, events), 10_000, "the handshake faults"),
        );
      });
    }
    assert.equal(finished, false, "the download outlasted the offences");
    assert.ok(torrent.verifiedBytes > 0, "the download went on during the offences");

    throttle.bytesPerSecond = Infinity;
    await within(torrent.done, 15_000, "the honest download to complete");
    const seederKey = `127.0.0.1:${seeder.port}`;
    assert.deepEqual(
      leecherEvents.of(seederKey).filter((e) => !e.connected && e.reason !== "local"),
      [],
      "the honest seeder was never dropped",
    );
    // Both still take new peers: a latecomer downloads from the two of them.
    late = await loopbackClient();
    const latecomer = await late.add(fixture.torrent, {
      dir: out2,
      peers: [addressOf(leecher), addressOf(seeder)],
    });
    const lateEvents = new Recorder(latecomer);
    await within(latecomer.done, 15_000, "the latecomer's download");
    for (const address of [seederKey, `127.0.0.1:${leecher.port}`]) {
      assert.ok(lateEvents.of(address).some((e) => e.connected), `${address} took the latecomer`);
    }
    await sleep(50);
    await leecher.close();
    await late.close();
    await assertDownloaded(fixture, out);
    await assertDownloaded(fixture, out2);
  } finally {
    await late?.close();
    await leecher.close();
    await seeder.close();
    await removeDirs(out, out2, fixture.seedDir);
  }
});
