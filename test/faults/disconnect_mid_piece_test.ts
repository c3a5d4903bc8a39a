/**
 * A peer that disconnects in the middle of a piece: a scripted seeder
 * (raw TCP and the wire codec) sends half of a piece's blocks, then half of
 * one more block message, and closes. The leecher must drop it cleanly and
 * finish from a real seeder (our client), whether that seeder appears only
 * afterwards or was there all along, with every byte right.
 *
 * @module
 */

import assert from "node:assert/strict";
import { encodeMessage } from "../../src/wire/mod.ts";
import {
  addressOf,
  assertDownloaded,
  blockOf,
  type Fixture,
  loopbackClient,
  makeFixture,
  RawListener,
  type RawPeer,
  Recorder,
  removeDirs,
  type Throttle,
  throttledTransport,
  within,
} from "./_helpers.ts";

const BLOCK = 16 * 1024;

/**
 * Plays a seeder that serves requests in order until it is asked for the
 * third block of a piece: of that one it writes the first half of the
 * message, then closes. The leecher is left with half a piece from it.
 *
 * @returns The piece it broke off in.
 */
async function serveHalfAPieceThenQuit(peer: RawPeer, fixture: Fixture): Promise<number> {
  await peer.send({ type: "haveAll" }, { type: "unchoke" });
  const served = new Map<number, number>();
  for (let message; (message = await peer.next());) {
    if (message.type !== "request") continue;
    const { index, begin, length } = message;
    const block = blockOf(fixture, index, begin, length);
    const bytes = encodeMessage({ type: "piece", index, begin, block });
    const count = served.get(index) ?? 0;
    if (count < 2) {
      assert.ok(await peer.write(bytes), "the leecher took the block");
      served.set(index, count + 1);
      continue;
    }
    await peer.write(bytes.subarray(0, 13 + (block.length >> 1)));
    peer.close();
    return index;
  }
  throw new Error(`the leecher closed first (served ${JSON.stringify([...served])})`);
}

Deno.test("a peer that quits mid-piece is dropped; a seeder that appears later completes the download", async () => {
  // 4 blocks per piece, 17 pieces, the last one of 3 blocks: two blocks never make a piece.
  const fixture = await makeFixture({ length: 16 * 65536 + 40_000, pieceLength: 65536, seed: 11 });
  const out = await Deno.makeTempDir({ prefix: "faults-leech-" });
  const quitter = new RawListener();
  const leecher = await loopbackClient();
  const seeder = await loopbackClient();
  try {
    const torrent = await leecher.add(fixture.torrent, { dir: out, peers: [quitter.address] });
    const events = new Recorder(torrent);
    const peer = await quitter.next(0);
    const remote = await peer.handshake(fixture.meta.infoHashBytes!, { dialler: false });
    assert.deepEqual(remote.infoHash, fixture.meta.infoHashBytes);
    const piece = await within(serveHalfAPieceThenQuit(peer, fixture), 5_000, "two blocks asked");

    const key = `${quitter.address.host}:${quitter.address.port}`;
    const gone = await events.disconnect(key);
    assert.ok(
      gone.reason === "connection-closed" || gone.reason === "connection-error",
      `disconnect reason ${gone.reason}`,
    );
    assert.equal(torrent.state, "downloading");
    assert.equal(torrent.verifiedBytes, 0, "half a piece verifies nothing");
    assert.equal(torrent.pieces.get(piece), false);
    assert.ok(torrent.downloaded >= 2 * BLOCK, `received ${torrent.downloaded} bytes`);

    await seeder.add(fixture.torrent, { dir: fixture.seedDir });
    torrent.addPeers([addressOf(seeder)]);
    await within(torrent.done, 15_000, "the download to complete from the late seeder");
    assert.equal(torrent.progress, 1);
    assert.equal(quitter.accepted.length, 1, "the quitter was not dialled again");
    await leecher.close();
    await assertDownloaded(fixture, out);
  } finally {
    await leecher.close();
    await seeder.close();
    await quitter.close();
    await removeDirs(out, fixture.seedDir);
  }
});

Deno.test("a peer that quits mid-piece beside a real seeder: the download completes, bytes intact", async () => {
  const fixture = await makeFixture({ length: 24 * 65536 + 40_000, pieceLength: 65536, seed: 12 });
  const out = await Deno.makeTempDir({ prefix: "faults-leech-" });
  const quitter = new RawListener();
  // Slow enough that the quitter is asked for blocks while the seeder is still sending.
  const throttle: Throttle = { bytesPerSecond: 2 * 1024 * 1024 };
  const seeder = await loopbackClient({ transports: [throttledTransport(throttle)] });
  const leecher = await loopbackClient();
  try {
    await seeder.add(fixture.torrent, { dir: fixture.seedDir });
    const torrent = await leecher.add(fixture.torrent, {
      dir: out,
      peers: [addressOf(seeder), quitter.address],
    });
    const events = new Recorder(torrent);
    const peer = await quitter.next(0);
    await peer.handshake(fixture.meta.infoHashBytes!, { dialler: false });
    await within(serveHalfAPieceThenQuit(peer, fixture), 5_000, "two blocks asked");
    const key = `${quitter.address.host}:${quitter.address.port}`;
    const gone = await events.disconnect(key);
    assert.ok(
      gone.reason === "connection-closed" || gone.reason === "connection-error",
      `disconnect reason ${gone.reason}`,
    );
    assert.ok(torrent.verifiedBytes < fixture.data.length, "the quitter quit mid-download");

    await within(torrent.done, 15_000, "the download to complete from the seeder");
    assert.deepEqual(
      events.peers.filter((e) => !e.connected && e.address !== key && e.reason !== "local")
        .map((e) => e.reason),
      [],
      "the real seeder was never dropped for a fault",
    );
    await leecher.close();
    await assertDownloaded(fixture, out);
  } finally {
    await leecher.close();
    await seeder.close();
    await quitter.close();
    await removeDirs(out, fixture.seedDir);
  }
});
