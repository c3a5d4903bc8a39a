/**
 * A performance sanity check, not a benchmark: picking for a 100,000-piece
 * torrent with 50 peers. Prints timings; asserts only correctness.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Bitfield } from "../../src/swarm/bitfield.ts";
import { Picker } from "../../src/swarm/picker.ts";
import { randomInt, seededRandom } from "../../src/swarm/random.ts";

Deno.test("perf: picking for a 100,000-piece torrent stays fast", () => {
  const PIECES = 100_000;
  const random = seededRandom(99);
  let t = performance.now();
  const picker = new Picker<number>({
    pieceSizes: new Uint32Array(PIECES).fill(256 * 1024),
    random,
  });
  const setup = performance.now() - t;

  const peers = 50;
  const fields = Array.from({ length: peers }, () => {
    const bits = new Bitfield(PIECES);
    for (let i = 0; i < PIECES; i++) if (random() < 0.5) bits.set(i);
    return bits;
  });
  t = performance.now();
  fields.forEach((bits, peer) => picker.peerBitfield(peer, bits));
  const announce = performance.now() - t;

  t = performance.now();
  let picked = 0, verified = 0;
  const calls = 2000;
  for (let call = 0; call < calls; call++) {
    const peer = randomInt(random, peers);
    const blocks = picker.pick(peer, 64, call);
    picked += blocks.length;
    for (const block of blocks) {
      const got = picker.received(peer, block);
      assert.equal(got.status, "accepted");
      if (got.status === "accepted" && got.complete) {
        picker.pieceVerified(block.piece);
        verified++;
      }
    }
    if (call % 10 === 0) picker.peerHave(peer, randomInt(random, PIECES));
  }
  const picking = performance.now() - t;
  assert.equal(picked, calls * 64);
  assert.ok(verified > 0);

  // A peer with one piece, which we already have: every pick finds nothing.
  picker.peerBitfield(peers, new Bitfield(PIECES));
  picker.peerHave(peers, 0);
  picker.pieceVerified(0);
  t = performance.now();
  for (let i = 0; i < 100; i++) assert.deepEqual(picker.pick(peers, 64, calls), []);
  const futile = performance.now() - t;
  console.log(
    `  setup ${setup.toFixed(1)} ms, ${peers} bitfields of 50% ${announce.toFixed(1)} ms, ` +
      `${calls} picks of 64 blocks (+ receive) ${picking.toFixed(1)} ms ` +
      `(${((picking / calls) * 1000).toFixed(0)} µs each), ${verified} pieces verified, ` +
      `100 futile picks ${futile.toFixed(1)} ms`,
  );
});
