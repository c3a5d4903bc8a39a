import assert from "node:assert/strict";
import { BLOCK_SIZE, pieceSizes } from "../../src/swarm/blocks.ts";
import { Picker } from "../../src/swarm/picker.ts";
import { seededRandom } from "../../src/swarm/random.ts";
import { bits, deliver, label, picker } from "./_helpers.ts";

/** Six one-block pieces; a seed "x" picks; others make pieces rarer or commoner. */
function crafted(seed: number): Picker<string> {
  const p = picker(6, BLOCK_SIZE, { random: seededRandom(seed) });
  p.peerHaveAll("x");
  p.peerBitfield("a", bits(6, [0, 1, 2, 4]));
  p.peerBitfield("b", bits(6, [0, 2, 4, 5]));
  p.peerBitfield("c", bits(6, [0]));
  return p; // rarity: 3→0, 1→1, 5→1, 2→2, 4→2, 0→3
}

Deno.test("picker: rarest first on crafted availability", () => {
  const order = crafted(1).pick("x", 6, 0).map((b) => b.piece);
  assert.equal(order[0], 3);
  assert.deepEqual(order.slice(1, 3).sort(), [1, 5]);
  assert.deepEqual(order.slice(3, 5).sort(), [2, 4]);
  assert.equal(order[5], 0);
});

Deno.test("picker: random choice among equally rare pieces", () => {
  const seconds = new Set<number>();
  for (let seed = 1; seed <= 40; seed++) seconds.add(crafted(seed).pick("x", 2, 0)[1]!.piece);
  assert.deepEqual([...seconds].sort(), [1, 5]);
});

Deno.test("picker: rarity follows haves and departures", () => {
  const p = crafted(1);
  p.peerHave("c", 3);
  p.peerHave("a", 3);
  p.peerGone("b"); // now 5→0, 1→1, 2→1, 3→2, 4→1, 0→2
  assert.equal(p.availability(5), 1);
  assert.equal(p.pick("x", 1, 0)[0]!.piece, 5);
});

Deno.test("picker: random start spreads the first picks, then rarest first", () => {
  const firsts = new Set<number>();
  for (let seed = 1; seed <= 30; seed++) {
    const p = new Picker<string>({
      pieceSizes: new Array(1000).fill(BLOCK_SIZE),
      random: seededRandom(seed),
    });
    p.peerHaveAll("x");
    p.peerBitfield("a", bits(1000, Array.from({ length: 999 }, (_, i) => i + 1))); // piece 0 rarest
    firsts.add(p.pick("x", 1, 0)[0]!.piece);
  }
  assert.ok(firsts.size >= 25, `only ${firsts.size} distinct first pieces`);
  assert.ok([...firsts].some((i) => i > 500) && [...firsts].some((i) => i < 500));

  const p = new Picker<string>({
    pieceSizes: new Array(1000).fill(BLOCK_SIZE),
    random: seededRandom(3),
    randomFirstPieces: 2,
  });
  p.peerHaveAll("x");
  p.peerBitfield("a", bits(1000, Array.from({ length: 999 }, (_, i) => i + 1)));
  const first = p.pick("x", 2, 0);
  assert.ok(first.every((b) => b.piece !== 0), "rarity ignored while random-first");
  deliver(p, "x", first);
  assert.equal(p.pick("x", 1, 0)[0]!.piece, 0, "rarest first once we have 2 pieces");
});

Deno.test("picker: partial pieces are finished first", () => {
  const p = picker(10, 4 * BLOCK_SIZE);
  p.peerHaveAll("a");
  p.peerHaveAll("b");
  const first = p.pick("a", 2, 0);
  const piece = first[0]!.piece;
  assert.deepEqual(first.map(label), [`${piece}:0`, `${piece}:1`]);
  assert.deepEqual(p.pick("b", 2, 0).map(label), [`${piece}:2`, `${piece}:3`]);
  const other = p.pick("a", 1, 0)[0]!;
  assert.notEqual(other.piece, piece);
  assert.equal(other.begin, 0);
  assert.deepEqual(p.pick("b", 2, 0).map(label), [`${other.piece}:1`, `${other.piece}:2`]);
  // The oldest started piece comes first once blocks are free again.
  p.dropRequests("a");
  assert.deepEqual(p.pick("b", 3, 0).map(label), [`${piece}:0`, `${piece}:1`, `${other.piece}:0`]);
});

Deno.test("picker: a started piece the peer lacks is skipped", () => {
  const p = picker(3, 2 * BLOCK_SIZE);
  p.peerBitfield("a", bits(3, [0]));
  p.peerBitfield("b", bits(3, [1]));
  assert.deepEqual(p.pick("a", 1, 0).map(label), ["0:0"]);
  assert.deepEqual(p.pick("b", 1, 0).map(label), ["1:0"]);
  assert.deepEqual(p.pick("a", 5, 0).map(label), ["0:1"]);
});

Deno.test("picker: priorities: 0 is skipped, higher first, even over started pieces", () => {
  const p = picker(6, 2 * BLOCK_SIZE);
  p.peerHaveAll("x");
  p.peerBitfield("a", bits(6, [4]));
  p.peerBitfield("b", bits(6, [4]));
  for (const i of [0, 1, 2, 3, 5]) p.setPriority(i, 0);
  assert.equal(p.remaining, 1);
  assert.deepEqual(p.pick("x", 1, 0).map(label), ["4:0"]); // piece 4 started
  p.setPriority(5, 7);
  p.setPriority(1, 1);
  assert.equal(p.priority(5), 7);
  assert.equal(p.remaining, 3);
  assert.deepEqual(p.pick("x", 6, 0).map(label), ["5:0", "5:1", "4:1", "1:0", "1:1"]);
  assert.throws(() => p.setPriority(0, 8), RangeError);
  assert.throws(() => p.setPriority(0, -1), RangeError);
  assert.throws(() => p.setPriority(6, 1), RangeError);
});

Deno.test("picker: skipped pieces do not make a peer interesting", () => {
  const p = picker(4);
  p.peerBitfield("a", bits(4, [2]));
  assert.ok(p.interesting("a"));
  p.setPriority(2, 0);
  assert.ok(!p.interesting("a"));
  assert.equal(p.peerHave("a", 3), true);
  assert.ok(p.interesting("a"));
  assert.equal(p.peerHave("a", 2), false);
  assert.ok(!p.interesting("nobody"));
  p.peerHaveAll("s");
  assert.ok(p.interesting("s"));
});

Deno.test("picker: never a piece we have, never a block twice to one peer", () => {
  const p = picker(4, 3 * BLOCK_SIZE);
  p.peerHaveAll("a");
  p.pieceVerified(1);
  p.pieceVerified(2);
  assert.ok(p.hasPiece(1) && !p.hasPiece(0));
  assert.equal(p.remaining, 2);
  const seen = new Set<string>();
  for (let i = 0; i < 10; i++) {
    for (const block of p.pick("a", 2, 0)) {
      assert.ok(block.piece === 0 || block.piece === 3);
      assert.ok(!seen.has(label(block)), label(block));
      seen.add(label(block));
    }
  }
  assert.equal(seen.size, 6);
  assert.deepEqual([...p.bitfield().ones()], [1, 2]);
});

Deno.test("picker: short last piece and short last block (v1)", () => {
  const sizes = pieceSizes({
    pieceLength: 65536,
    pieceCount: 2,
    files: [{ offset: 0, length: 65536 + 20000 }],
  });
  const p = new Picker<string>({ pieceSizes: sizes, random: seededRandom(1) });
  p.peerHaveAll("a");
  const blocks = p.pick("a", 100, 0);
  assert.equal(blocks.length, 6);
  const last = blocks.filter((b) => b.piece === 1).sort((x, y) => x.begin - y.begin);
  assert.deepEqual(last.map((b) => b.length), [16384, 20000 - 16384]);
  assert.equal(p.received("a", { piece: 1, begin: 16384, length: 16384 }).status, "unsolicited");
  deliver(p, "a", blocks);
  assert.equal(p.remaining, 0);
});

Deno.test("picker: per-file short pieces (v2)", () => {
  const L = 65536;
  const sizes = pieceSizes({
    pieceLength: L,
    pieceCount: 4,
    files: [{ offset: 0, length: L + 100 }, { offset: 2 * L, length: 40000 }, {
      offset: 3 * L,
      length: L,
    }],
  });
  const p = new Picker<string>({ pieceSizes: sizes, random: seededRandom(1) });
  p.peerHaveAll("a");
  const blocks = p.pick("a", 100, 0);
  const total = new Map<number, number>();
  for (const b of blocks) total.set(b.piece, (total.get(b.piece) ?? 0) + b.length);
  assert.deepEqual([0, 1, 2, 3].map((i) => total.get(i)), [L, 100, 40000, L]);
  assert.ok(blocks.some((b) => b.piece === 1 && b.length === 100));
  assert.ok(blocks.some((b) => b.piece === 2 && b.begin === 32768 && b.length === 40000 - 32768));
  deliver(p, "a", blocks);
  assert.equal(p.remaining, 0);
});

Deno.test("picker: unsolicited blocks are told apart", () => {
  const p = picker(3, 2 * BLOCK_SIZE);
  p.peerHaveAll("a");
  p.peerHaveAll("b");
  const [block] = p.pick("a", 1, 0);
  assert.ok(block);
  assert.equal(p.received("b", block).status, "unsolicited", "asked someone else");
  assert.equal(p.received("c", block).status, "unsolicited", "unknown peer");
  assert.equal(p.received("a", { ...block, length: 100 }).status, "unsolicited");
  assert.equal(p.received("a", { ...block, begin: block.begin + 1 }).status, "unsolicited");
  assert.equal(p.received("a", { piece: 9, begin: 0, length: BLOCK_SIZE }).status, "unsolicited");
  assert.equal(p.received("a", { piece: -1, begin: 0, length: BLOCK_SIZE }).status, "unsolicited");
  assert.equal(p.received("a", { ...block, begin: 2 * BLOCK_SIZE }).status, "unsolicited");
  const got = p.received("a", block);
  assert.equal(got.status, "accepted");
  assert.equal(p.received("a", block).status, "unsolicited", "only once");
});

Deno.test("picker: the first block of a verified piece arrives as a duplicate", () => {
  const p = picker(1, BLOCK_SIZE);
  p.peerHaveAll("a");
  const [block] = p.pick("a", 1, 5);
  assert.ok(block);
  assert.deepEqual(p.pieceVerified(0), [{ peer: "a", block }]);
  assert.deepEqual(p.received("a", block), { status: "duplicate", requestedAt: 5 });
  assert.equal(p.remaining, 0);
  assert.deepEqual(p.pick("a", 1, 5), []);
  assert.deepEqual(p.pieceVerified(0), []);
  assert.throws(() => p.pieceVerified(1), RangeError);
});

Deno.test("picker: received reports completion and request time", () => {
  const p = picker(1, 2 * BLOCK_SIZE);
  p.peerHaveAll("a");
  const [b0, b1] = p.pick("a", 2, 42);
  assert.ok(b0 && b1);
  assert.deepEqual(p.received("a", b1), {
    status: "accepted",
    complete: false,
    requestedAt: 42,
    cancel: [],
  });
  assert.deepEqual(p.received("a", b0), {
    status: "accepted",
    complete: true,
    requestedAt: 42,
    cancel: [],
  });
  assert.deepEqual(p.pick("a", 2, 50), [], "a piece awaiting its hash is not picked");
});
