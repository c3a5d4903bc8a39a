/**
 * A peer that serves corrupt blocks: it is banned (`hash-failure`) and not
 * dialled or accepted again, the download completes from an honest seeder,
 * and no corrupt piece is ever reported, served or marked complete.
 *
 * The corrupt peer listens on 127.0.0.2 (still loopback) so that a ban by
 * IP address, as the ban list recommends, cannot catch the honest seeder on
 * 127.0.0.1 by accident.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Metainfo } from "../../src/metainfo/types.ts";
import { verifyPiece } from "../../src/storage/verify.ts";
import { Bitfield } from "../../src/swarm/bitfield.ts";
import type { Torrent } from "../../src/torrent.ts";
import type { Message } from "../../src/wire/mod.ts";
import {
  addressOf,
  assertCompletionHonest,
  assertDownloaded,
  loopbackClient,
  makeFixture,
  playSeeder,
  RawListener,
  RawPeer,
  Recorder,
  removeDirs,
  sleep,
  throttledTransport,
  waitFor,
  within,
} from "./_helpers.ts";

const BLOCK = 16 * 1024;

/** Checks each verified piece the torrent reports against the torrent's hashes, as it is reported. */
function checkEveryPieceEvent(torrent: Torrent): { bad: number[]; checks: Promise<void>[] } {
  const bad: number[] = [];
  const checks: Promise<void>[] = [];
  torrent.addEventListener("piece", (e) => {
    const piece = (e as CustomEvent<number>).detail;
    checks.push(
      torrent.readPiece(piece).then(async (data) => {
        if (!(await verifyPiece(torrent.meta, piece, data))) bad.push(piece);
      }),
    );
  });
  return { bad, checks };
}

/**
 * A third peer watching the leecher: it asks for every piece the leecher
 * announces (`have`, or its bitfield) and checks what it is served against
 * the torrent's hashes. Runs until the connection ends.
 */
async function watchServedPieces(
  peer: RawPeer,
  meta: Metainfo,
  seen: { good: Set<number>; bad: Set<number> },
): Promise<void> {
  const { good, bad } = seen;
  const sizeOf = (piece: number) =>
    piece === meta.pieceCount - 1 ? meta.length - piece * meta.pieceLength : meta.pieceLength;
  const announced: number[] = [];
  const asked = new Set<number>();
  const buffers = new Map<number, { data: Uint8Array; got: number }>();
  let unchoked = false;
  const ask = async () => {
    if (!unchoked) return;
    for (const piece of announced.splice(0)) {
      if (asked.has(piece)) continue;
      asked.add(piece);
      const size = sizeOf(piece);
      const requests: Message[] = [];
      for (let begin = 0; begin < size; begin += BLOCK) {
        requests.push({
          type: "request",
          index: piece,
          begin,
          length: Math.min(BLOCK, size - begin),
        });
      }
      await peer.send(...requests);
    }
  };
  await peer.send({ type: "interested" });
  for (let message; (message = await peer.next());) {
    if (message.type === "unchoke") unchoked = true;
    else if (message.type === "have") announced.push(message.index);
    else if (message.type === "bitfield") {
      const bits = Bitfield.fromWire(message.bits, meta.pieceCount);
      for (let piece = 0; piece < meta.pieceCount; piece++) {
        if (bits.get(piece)) announced.push(piece);
      }
    } else if (message.type === "reject") {
      asked.delete(message.index); // choked meanwhile: ask again after the next unchoke
      announced.push(message.index);
      unchoked = false;
    } else if (message.type === "piece") {
      const size = sizeOf(message.index);
      const buffer = buffers.get(message.index) ?? { data: new Uint8Array(size), got: 0 };
      buffers.set(message.index, buffer);
      buffer.data.set(message.block, message.begin);
      buffer.got += message.block.length;
      if (buffer.got === size) {
        buffers.delete(message.index);
        const ok = await verifyPiece(meta, message.index, buffer.data);
        (ok ? good : bad).add(message.index);
      }
    }
    await ask();
  }
}

Deno.test("a peer sending corrupt blocks is banned and never redialled; the honest seeder completes the download", async () => {
  const fixture = await makeFixture({ length: 40 * 32768 + 5000, pieceLength: 32768, seed: 31 });
  const out = await Deno.makeTempDir({ prefix: "faults-leech-" });
  const liar = new RawListener("127.0.0.2");
  // The honest seeder is slow, so the liar gets to send whole pieces on its own.
  const honest = await loopbackClient({
    transports: [throttledTransport({ bytesPerSecond: 1024 * 1024 })],
  });
  const leecher = await loopbackClient();
  let watcher: RawPeer | null = null;
  try {
    await honest.add(fixture.torrent, { dir: fixture.seedDir });
    const torrent = await leecher.add(fixture.torrent, {
      dir: out,
      peers: [liar.address, addressOf(honest)],
    });
    const events = new Recorder(torrent);
    const pieceChecks = checkEveryPieceEvent(torrent);
    watcher = await RawPeer.dial(leecher.port);
    await watcher.handshake(fixture.meta.infoHashBytes!);
    const seen = { good: new Set<number>(), bad: new Set<number>() };
    const watching = watchServedPieces(watcher, fixture.meta, seen);
    const peer = await liar.next(0);
    await peer.handshake(fixture.meta.infoHashBytes!, { dialler: false });
    const play = playSeeder(peer, fixture, () => "corrupt");

    const liarKey = `${liar.address.host}:${liar.address.port}`;
    const banned = await events.disconnect(liarKey);
    assert.equal(banned.reason, "hash-failure");
    const { corrupted } = await within(play, 5_000, "the liar's connection to end");
    assert.ok(corrupted >= 2, `the liar sent ${corrupted} corrupt blocks`);
    assert.ok(
      events.warnings.some((w) => /failed its hash check/.test(w)),
      `a warning about the hash failure: ${JSON.stringify(events.warnings)}`,
    );

    // Told about it again, the leecher still does not dial it.
    torrent.addPeers([liar.address]);
    await sleep(500);
    assert.equal(liar.accepted.length, 1, "the banned peer was dialled again");

    await within(torrent.done, 20_000, "the download to complete from the honest seeder");
    await Promise.all(pieceChecks.checks);
    assert.deepEqual(pieceChecks.bad, [], "pieces reported verified that fail their hash");
    const honestKey = `127.0.0.1:${honest.port}`;
    assert.deepEqual(
      events.of(honestKey).filter((e) => !e.connected && e.reason !== "local"),
      [],
      "the honest seeder was never dropped",
    );
    assert.equal(liar.accepted.length, 1);

    // Everything the leecher announced to a third peer and served it verifies.
    await waitFor(() => seen.good.size + seen.bad.size === fixture.meta.pieceCount, {
      timeoutMs: 5_000,
      what: `every piece served to the watcher (${seen.good.size} good, ${seen.bad.size} bad)`,
    });
    assert.deepEqual([...seen.bad], [], "the leecher served pieces that fail their hash");
    watcher.close();
    await watching;
    await leecher.close();
    await assertDownloaded(fixture, out);
  } finally {
    watcher?.close();
    await leecher.close();
    await honest.close();
    await liar.close();
    await removeDirs(out, fixture.seedDir);
  }
});

Deno.test("corrupt blocks alone: nothing is marked complete, on disk or in the completion record", async () => {
  const fixture = await makeFixture({ length: 8 * 32768, pieceLength: 32768, seed: 32 });
  const out = await Deno.makeTempDir({ prefix: "faults-leech-" });
  const liar = new RawListener();
  const leecher = await loopbackClient();
  try {
    const torrent = await leecher.add(fixture.torrent, { dir: out, peers: [liar.address] });
    const events = new Recorder(torrent);
    const peer = await liar.next(0);
    await peer.handshake(fixture.meta.infoHashBytes!, { dialler: false });
    const play = playSeeder(peer, fixture, () => "corrupt");
    const banned = await events.disconnect(`${liar.address.host}:${liar.address.port}`);
    assert.equal(banned.reason, "hash-failure");
    await within(play, 5_000, "the liar's connection to end");
    await sleep(200); // any hash check under way ends
    assert.equal(torrent.verifiedBytes, 0);
    assert.equal(torrent.pieces.count, 0);
    assert.deepEqual(events.pieces, []);
    await leecher.close();
    assert.deepEqual(await assertCompletionHonest(fixture.meta, out), new Set());
  } finally {
    await leecher.close();
    await liar.close();
    await removeDirs(out, fixture.seedDir);
  }
});

// A liar that corrupts only some blocks of each piece must not get the
// honest seeder that finished those pieces banned: the blocks of a failed
// piece are kept by sender, and once the piece passes, whoever sent a block
// that differs is banned (smart ban).
Deno.test("a peer corrupting part of each piece is banned, not the honest seeder that finished those pieces", async () => {
  // Pieces of 4 blocks; the liar corrupts two blocks of a piece and ignores
  // the other requests, so the honest seeder finishes the pieces it touched.
  const fixture = await makeFixture({ length: 24 * 65536, pieceLength: 65536, seed: 34 });
  const out = await Deno.makeTempDir({ prefix: "faults-leech-" });
  const liar = new RawListener("127.0.0.2");
  const honest = await loopbackClient({
    transports: [throttledTransport({ bytesPerSecond: 2 * 1024 * 1024 })],
  });
  const leecher = await loopbackClient();
  try {
    await honest.add(fixture.torrent, { dir: fixture.seedDir });
    const torrent = await leecher.add(fixture.torrent, {
      dir: out,
      peers: [liar.address, addressOf(honest)],
    });
    const events = new Recorder(torrent);
    const peer = await liar.next(0);
    await peer.handshake(fixture.meta.infoHashBytes!, { dialler: false });
    const perPiece = new Map<number, number>();
    const play = playSeeder(peer, fixture, (request) => {
      const n = perPiece.get(request.index) ?? 0;
      perPiece.set(request.index, n + 1);
      return n < 2 ? "corrupt" : "ignore";
    });
    const honestKey = `127.0.0.1:${honest.port}`;
    const liarKey = `${liar.address.host}:${liar.address.port}`;
    await within(torrent.done, 10_000, "the download to complete from the honest seeder").catch(
      (error) => {
        throw new Error(`${error.message}; peer events: ${JSON.stringify(events.peers)}`);
      },
    );
    assert.deepEqual(
      events.of(honestKey).filter((e) => !e.connected && e.reason !== "local"),
      [],
      "the honest seeder was dropped",
    );
    assert.equal(events.of(liarKey).find((e) => !e.connected)?.reason, "hash-failure");
    peer.close();
    await play;
    await leecher.close();
    await assertDownloaded(fixture, out);
  } finally {
    await leecher.close();
    await honest.close();
    await liar.close();
    await removeDirs(out, fixture.seedDir);
  }
});
