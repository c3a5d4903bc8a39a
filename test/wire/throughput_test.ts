/**
 * 256 MiB of blocks through a memory connection pair, the way a download
 * runs: the downloader keeps a window of requests out and the seeder
 * answers each with a piece message. Prints MB/s; asserts only that every
 * byte arrived in place.
 *
 * @module
 */

import assert from "node:assert/strict";
import { makePeerId } from "../../src/wire/peer_id.ts";
import { PeerWire } from "../../src/wire/peer_wire.ts";
import { INFO_HASH } from "./_helpers.ts";
import { connPair, wireTest } from "./_conns.ts";

const TOTAL = 256 * 1024 * 1024;
const BLOCK = 16 * 1024;
const PIECE = 256 * 1024;
const WINDOW = 128;
const torrent = { pieceCount: TOTAL / PIECE, pieceLength: PIECE, lastPieceLength: PIECE };

wireTest("256 MiB of piece messages pass through a memory connection", async () => {
  const [connA, connB] = connPair();
  const [downloader, seeder] = await Promise.all([
    PeerWire.connect(connA, { infoHash: INFO_HASH, peerId: makePeerId(), torrent }),
    PeerWire.accept(connB, { peerId: makePeerId(), accept: () => ({ torrent }) }),
  ]);
  const block = new Uint8Array(BLOCK);
  const serving = (async () => {
    await seeder.unchoke();
    for await (const message of seeder) {
      if (message.type !== "request") continue;
      block[0] = message.index & 0xff;
      block[1] = message.begin / BLOCK;
      seeder.piece(message.index, message.begin, block);
    }
  })();

  const blocks = TOTAL / BLOCK;
  let requested = 0;
  const requestNext = () => {
    const at = requested++ * BLOCK;
    downloader.request(Math.floor(at / PIECE), at % PIECE, BLOCK);
  };
  const started = performance.now();
  while (requested < WINDOW) requestNext();
  let received = 0;
  let bytes = 0;
  for await (const message of downloader) {
    if (message.type !== "piece") continue;
    assert.equal(message.block[0], message.index & 0xff);
    assert.equal(message.block[1], message.begin / BLOCK);
    bytes += message.block.length;
    if (++received === blocks) break;
    if (requested < blocks) requestNext();
  }
  const seconds = (performance.now() - started) / 1000;
  assert.equal(bytes, TOTAL);
  console.log(`${(TOTAL / 1e6 / seconds).toFixed(0)} MB/s (${seconds.toFixed(2)} s for 256 MiB)`);
  downloader.close();
  await serving;
  assert.equal((await seeder.closed).reason, "connection-closed");
});
