import assert from "node:assert/strict";
import { MAX_PRIORITY, PieceOrder } from "../../src/swarm/_piece_order.ts";
import { randomInt, seededRandom } from "../../src/swarm/random.ts";
import { bits } from "./_helpers.ts";

Deno.test("piece order: visits exactly the queued pieces of a level, rarest first", () => {
  const random = seededRandom(11);
  const n = 60;
  const rarity = new Array<number>(n).fill(0);
  const order = new PieceOrder(n, { random, randomFirst: 0, rarity: (p) => rarity[p]! });
  const priority = new Array<number>(n).fill(4);
  const started = new Set<number>();
  const had = new Set<number>();
  const queued = (p: number) => priority[p]! > 0 && !had.has(p) && !started.has(p);

  for (let step = 0; step < 3000; step++) {
    const piece = randomInt(random, n);
    const op = randomInt(random, 6);
    if (op === 0) {
      const p = randomInt(random, MAX_PRIORITY + 1);
      const wasWanted = priority[piece]! > 0 && !had.has(piece);
      priority[piece] = p;
      const wanted = p > 0 && !had.has(piece);
      assert.equal(order.setPriority(piece, p), Number(wanted) - Number(wasWanted));
    } else if (op === 1 && random() < 0.1) {
      assert.equal(order.markHave(piece), priority[piece]! > 0 && !had.has(piece));
      had.add(piece);
      started.delete(piece);
    } else if (op === 2 && !had.has(piece)) {
      order.start(piece);
      started.add(piece);
    } else if (op === 3 && started.has(piece)) {
      order.release(piece);
      started.delete(piece);
    } else {
      const before = rarity[piece]!;
      const after = before === 0 || random() < 0.6 ? before + 1 : before - 1;
      rarity[piece] = after;
      order.rarityChanged(piece, before, after);
    }
    if (step % 100 !== 0) continue;
    assert.equal(order.remaining, priority.filter((p, i) => p > 0 && !had.has(i)).length);
    for (let level = 1; level <= MAX_PRIORITY; level++) {
      const seen: number[] = [];
      order.visit(level, "all", (p) => (seen.push(p), false));
      const want = [...Array(n).keys()].filter((p) => priority[p] === level && queued(p));
      assert.deepEqual([...seen].sort((a, b) => a - b), want, `level ${level}`);
      for (let i = 1; i < seen.length; i++) assert.ok(rarity[seen[i - 1]!]! <= rarity[seen[i]!]!);
    }
  }
});

Deno.test("piece order: a peer with few pieces is walked by its own pieces", () => {
  const n = 100;
  const rarity = new Array<number>(n).fill(0);
  const order = new PieceOrder(n, {
    random: seededRandom(1),
    randomFirst: 0,
    rarity: (p) => rarity[p]!,
  });
  const target = [5, 1, 3, 0, 2];
  target.forEach((r, p) => {
    for (; rarity[p]! < r; rarity[p]!++) order.rarityChanged(p, rarity[p]!, rarity[p]! + 1);
  });
  const walk = (has: number[], stop = false): number[] => {
    const seen: number[] = [];
    order.visit(4, bits(n, has), (p) => (seen.push(p), stop));
    return seen;
  };
  assert.deepEqual(walk([0, 4, 2]), [4, 2, 0]);
  order.start(4);
  assert.deepEqual(walk([0, 4, 2]), [2, 0], "started pieces are not offered");
  order.markHave(2);
  assert.deepEqual(walk([0, 4, 2]), [0]);
  assert.deepEqual(walk([1, 3], true), [3]);
});

Deno.test("piece order: random first ignores rarity until we have enough pieces", () => {
  const rarity = Array.from({ length: 100 }, (_, i) => (i === 0 ? 0 : 5));
  const firsts = new Set<number>();
  for (let seed = 1; seed <= 20; seed++) {
    const order = new PieceOrder(100, {
      random: seededRandom(seed),
      randomFirst: 1,
      rarity: (p) => rarity[p]!,
    });
    for (let p = 1; p < 100; p++) for (let r = 0; r < 5; r++) order.rarityChanged(p, r, r + 1);
    order.visit(4, "all", (p) => (firsts.add(p), true));
    order.markHave(50);
    order.visit(4, "all", (p) => {
      assert.equal(p, 0, "rarest once we have a piece");
      return true;
    });
  }
  assert.ok(firsts.size > 10);
});
