/**
 * A virtual swarm on a virtual clock: peers with different upload rates
 * and random pieces serve our requests in order; the picker, one pipeline
 * per peer and (in the second run) bans drive the download to the
 * end, as the torrent object will.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Bitfield } from "../../src/swarm/bitfield.ts";
import { BLOCK_SIZE, type BlockRequest, pieceSizes } from "../../src/swarm/blocks.ts";
import { Picker } from "../../src/swarm/picker.ts";
import { RequestPipeline } from "../../src/swarm/pipeline.ts";
import { type Random, randomInt, seededRandom } from "../../src/swarm/random.ts";
import { label } from "./_helpers.ts";

const TICK_MS = 100;
const PIECE_LENGTH = 4 * BLOCK_SIZE;
const PIECES = 1000;

interface VirtualPeer {
  name: string;
  /** Blocks served per tick. */
  rate: number;
  /** Milliseconds before a request can be served. */
  latency: number;
  pieces: Bitfield;
  queue: { block: BlockRequest; at: number }[];
  pipe: RequestPipeline;
  requests: number;
  corrupt: boolean;
}

interface Outcome {
  ticks: number;
  peers: VirtualPeer[];
  duplicatesOutsideEndgame: number;
  endgameDuplicates: number;
  timeouts: number;
  banned: string[];
  picker: Picker<string>;
}

function makePeers(
  random: Random,
  rates: number[],
  corrupt: string[],
  seeds: string[],
): VirtualPeer[] {
  const peers = rates.map((rate, i): VirtualPeer => {
    const name = `p${i}`;
    const pieces = new Bitfield(PIECES);
    for (let piece = 0; piece < PIECES; piece++) {
      if (seeds.includes(name) || random() < 0.7) pieces.set(piece);
    }
    return {
      name,
      rate,
      latency: 50 + randomInt(random, 6) * 50,
      pieces,
      queue: [],
      pipe: new RequestPipeline(0),
      requests: 0,
      corrupt: corrupt.includes(name),
    };
  });
  for (let piece = 0; piece < PIECES; piece++) {
    if (!peers.some((p) => p.pieces.get(piece))) {
      peers[randomInt(random, peers.length)]!.pieces.set(piece);
    }
  }
  return peers;
}

function run(seed: number, rates: number[], corrupt: string[] = [], seeds: string[] = []): Outcome {
  const random = seededRandom(seed);
  const sizes = pieceSizes({
    pieceLength: PIECE_LENGTH,
    pieceCount: PIECES,
    files: [{ offset: 0, length: (PIECES - 1) * PIECE_LENGTH + 20_000 }],
  });
  const picker = new Picker<string>({ pieceSizes: sizes, random });
  let peers = makePeers(random, rates, corrupt, seeds);
  for (const peer of peers) picker.peerBitfield(peer.name, peer.pieces);
  const byName = new Map(peers.map((p) => [p.name, p]));
  const requested = new Set<string>();
  const senders = new Map<number, Set<string>>();
  const outcome: Outcome = {
    ticks: 0,
    peers,
    duplicatesOutsideEndgame: 0,
    endgameDuplicates: 0,
    timeouts: 0,
    banned: [],
    picker,
  };
  const cancel = (list: { peer: string; block: BlockRequest }[]) => {
    for (const { peer, block } of list) {
      const target = byName.get(peer);
      if (target) target.queue = target.queue.filter((q) => label(q.block) !== label(block));
    }
  };

  let now = 0;
  while (picker.remaining > 0) {
    now += TICK_MS;
    assert.ok(now < 3_600_000, "the download stalled");
    for (const peer of peers) {
      const ready = peer.queue.findIndex((q) => q.at + peer.latency > now);
      const count = Math.min(peer.rate, ready < 0 ? peer.queue.length : ready);
      for (const { block } of peer.queue.splice(0, count)) {
        const got = picker.received(peer.name, block);
        assert.notEqual(got.status, "unsolicited", `${peer.name} ${label(block)}`);
        if (got.status !== "accepted") continue;
        peer.pipe.blockReceived(block.length, now, got.requestedAt);
        cancel(got.cancel);
        const from = senders.get(block.piece) ?? new Set();
        senders.set(block.piece, from.add(peer.name));
        if (!got.complete) continue;
        senders.delete(block.piece);
        if (![...from].some((name) => byName.get(name)?.corrupt)) {
          cancel(picker.pieceVerified(block.piece));
          continue;
        }
        const blamed = picker.hashFailed(block.piece);
        assert.deepEqual(blamed.sort(), [...from].sort());
        // Smart ban (src/torrent/smart_ban.ts) finds the senders of the bad blocks.
        for (const name of blamed.filter((n) => byName.get(n)!.corrupt)) {
          outcome.banned.push(name);
          picker.peerGone(name);
          byName.delete(name);
        }
      }
    }
    peers = peers.filter((p) => byName.has(p.name));
    const stale = picker.timedOut(now, 20_000);
    outcome.timeouts += stale.length;
    for (const { peer } of stale) byName.get(peer)?.pipe.timedOut();
    for (const peer of peers) {
      const slots = peer.pipe.slots(now, picker.requestCount(peer.name));
      const blocks = picker.pick(peer.name, slots, now);
      for (const block of blocks) {
        const key = label(block);
        if (requested.has(key)) {
          if (picker.endgame) outcome.endgameDuplicates++;
          else outcome.duplicatesOutsideEndgame++;
        }
        requested.add(key);
        peer.queue.push({ block, at: now });
      }
      peer.requests += blocks.length;
    }
    if (corrupt.length > 0) {
      // After a hash failure the piece's blocks are requested again: start counting afresh.
      for (const key of [...requested]) {
        const piece = Number(key.split(":")[0]);
        if (!senders.has(piece) && !picker.hasPiece(piece)) requested.delete(key);
      }
    }
  }
  outcome.ticks = now / TICK_MS;
  return outcome;
}

Deno.test("simulation: 8 peers of different speeds complete the torrent", () => {
  const rates = [1, 1, 2, 3, 4, 6, 8, 12];
  const out = run(2024, rates);
  assert.equal(out.picker.remaining, 0);
  assert.ok(out.picker.bitfield().hasAll());
  assert.equal(out.duplicatesOutsideEndgame, 0, "no block requested twice outside endgame");
  assert.equal(out.timeouts, 0);
  const requests = out.peers.map((p) => p.requests);
  console.log(
    `  ${out.ticks} ticks; requests by rate ${
      rates.map((r, i) => `${r}:${requests[i]}`).join(" ")
    };` +
      ` endgame duplicates ${out.endgameDuplicates}`,
  );
  assert.ok(requests[7]! > 4 * requests[0]!, "the fastest peer got far more than the slowest");
  const slowHalf = requests.slice(0, 4).reduce((a, b) => a + b);
  const fastHalf = requests.slice(4).reduce((a, b) => a + b);
  assert.ok(fastHalf > 2 * slowHalf, `${fastHalf} vs ${slowHalf}`);
  assert.ok(out.endgameDuplicates < PIECES * 4 * 0.1, "endgame duplicates stay bounded");
  const total = PIECES * 4;
  const bytes = out.peers.reduce((sum, p) => sum + p.pipe.download.total, 0);
  assert.equal(bytes, (PIECES - 1) * PIECE_LENGTH + 20_000, "every byte arrived exactly once");
  assert.ok(requests.reduce((a, b) => a + b) >= total);
});

Deno.test("simulation: seeds differ, the download still completes", () => {
  for (const seed of [1, 2, 3]) {
    const out = run(seed, [2, 5, 1, 9, 3, 7, 4, 6]);
    assert.equal(out.picker.remaining, 0);
    assert.equal(out.duplicatesOutsideEndgame, 0);
  }
});

Deno.test("simulation: a peer sending corrupt data is banned and the download completes", () => {
  const out = run(7, [4, 4, 4, 4, 4, 4, 4, 8], ["p3"], ["p7"]);
  assert.equal(out.picker.remaining, 0);
  assert.ok(out.banned.includes("p3"), `banned: ${out.banned}`);
  console.log(`  ${out.ticks} ticks; banned ${out.banned.join(", ")}`);
});
