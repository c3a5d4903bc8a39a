/**
 * Random operations on a picker, checked against a plain model of the
 * requests outstanding to each peer: the request counts agree, nothing we
 * asked for is ever called unsolicited, and a fresh seed probes the free
 * block count: outside endgame it always gets a block nobody else is
 * asked for; in endgame, only a duplicate.
 *
 * @module
 */

import assert from "node:assert/strict";
import { BLOCK_SIZE, type BlockRequest } from "../../src/swarm/blocks.ts";
import { Picker } from "../../src/swarm/picker.ts";
import { randomInt, seededRandom } from "../../src/swarm/random.ts";
import { bits, label } from "./_helpers.ts";

const PEERS = ["a", "b", "c", "d"];
const PIECES = 12;

function fuzz(seed: number, steps: number): void {
  const random = seededRandom(seed);
  const sizes = Array.from(
    { length: PIECES },
    (_, i) => i === PIECES - 1 ? 20_000 : 3 * BLOCK_SIZE,
  );
  const picker = new Picker<string>({ pieceSizes: sizes, random, randomFirstPieces: 2 });
  /** Per peer: block label to its request state. */
  const model = new Map<string, Map<string, { block: BlockRequest; state: "active" | "stale" }>>();
  const of = (peer: string) => model.get(peer) ?? model.set(peer, new Map()).get(peer)!;
  const announce = (peer: string) => {
    if (random() < 0.3) picker.peerHaveAll(peer);
    else {picker.peerBitfield(
        peer,
        bits(PIECES, sizes.map((_, i) => i).filter(() => random() < 0.5)),
      );}
  };
  const cancelled = (list: { peer: string; block: BlockRequest }[]) => {
    for (const { peer, block } of list) of(peer).delete(label(block));
  };
  const activeElsewhere = (key: string, except: string) =>
    [...model].some(([peer, m]) => peer !== except && m.get(key)?.state === "active");
  for (const peer of PEERS) announce(peer);
  let now = 0;

  for (let step = 0; step < steps; step++) {
    now += randomInt(random, 3000);
    const peer = PEERS[randomInt(random, PEERS.length)]!;
    const mine = of(peer);
    const op = randomInt(random, 100);
    if (op < 30) {
      for (const block of picker.pick(peer, 1 + randomInt(random, 4), now)) {
        assert.ok(!mine.has(label(block)), "never twice to one peer");
        mine.set(label(block), { block, state: "active" });
      }
    } else if (op < 65 && mine.size > 0) {
      const [key, { block }] = [...mine][randomInt(random, mine.size)]!;
      const got = picker.received(peer, block);
      assert.notEqual(got.status, "unsolicited", `${peer} ${key}`);
      mine.delete(key);
      if (got.status !== "accepted") continue;
      cancelled(got.cancel);
      if (!got.complete) continue;
      if (random() < 0.8) cancelled(picker.pieceVerified(block.piece));
      else picker.hashFailed(block.piece);
    } else if (op < 70 && mine.size > 0) {
      const [key, { block }] = [...mine][randomInt(random, mine.size)]!;
      assert.equal(picker.rejected(peer, block), true);
      mine.delete(key);
    } else if (op < 73) {
      assert.equal(picker.dropRequests(peer).length, mine.size);
      mine.clear();
    } else if (op < 76) {
      picker.peerGone(peer);
      mine.clear();
      announce(peer);
    } else if (op < 82) {
      for (const stale of picker.timedOut(now, 5000)) {
        const entry = of(stale.peer).get(label(stale.block));
        assert.equal(entry?.state, "active");
        entry!.state = "stale";
      }
    } else if (op < 87) {
      picker.setPriority(randomInt(random, PIECES), randomInt(random, 8));
    } else if (op < 90) {
      picker.peerHave(peer, randomInt(random, PIECES));
    } else {
      const wrong = { piece: randomInt(random, PIECES), begin: BLOCK_SIZE, length: 1 };
      assert.equal(picker.received(peer, wrong).status, "unsolicited");
    }

    for (const p of PEERS) assert.equal(picker.requestCount(p), of(p).size, `count of ${p}`);
    picker.peerHaveAll("probe");
    const endgame = picker.endgame;
    const probe = picker.pick("probe", 1, now);
    if (picker.remaining > 0 && !endgame) {
      assert.equal(probe.length, 1, "free blocks exist, so a seed gets one");
      assert.ok(!activeElsewhere(label(probe[0]!), "probe"), "and nobody else is asked for it");
    } else if (probe.length > 0) {
      assert.ok(activeElsewhere(label(probe[0]!), "probe"), "endgame gives only duplicates");
    }
    picker.peerGone("probe");
  }

  // Finish with a well-behaved seed.
  for (const p of PEERS) picker.peerGone(p);
  for (let i = 0; i < PIECES; i++) if (picker.priority(i) === 0) picker.setPriority(i, 1);
  picker.peerHaveAll("seed");
  for (let round = 0; picker.remaining > 0; round++) {
    assert.ok(round < 100, "finishes");
    for (const block of picker.pick("seed", 8, now)) {
      const got = picker.received("seed", block);
      assert.equal(got.status, "accepted");
      if (got.status === "accepted" && got.complete) picker.pieceVerified(block.piece);
    }
  }
  assert.ok(picker.bitfield().hasAll());
}

Deno.test("picker fuzz: bookkeeping agrees with a model", () => {
  for (let seed = 1; seed <= 25; seed++) fuzz(seed, 1500);
});
