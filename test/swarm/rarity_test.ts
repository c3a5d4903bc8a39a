import assert from "node:assert/strict";
import { RarityQueue } from "../../src/swarm/_rarity.ts";
import { randomInt, seededRandom } from "../../src/swarm/random.ts";

/** Checks the queue against a plain map of piece to rarity. */
function check(queue: RarityQueue, model: Map<number, number>): void {
  assert.equal(queue.size, model.size);
  const seen = new Set<number>();
  for (let bucket = 0; bucket < queue.bucketCount; bucket++) {
    for (let i = queue.start(bucket); i < queue.end(bucket); i++) {
      const piece = queue.at(i);
      assert.equal(model.get(piece), bucket, `piece ${piece} in bucket ${bucket}`);
      seen.add(piece);
    }
  }
  assert.equal(seen.size, model.size);
}

Deno.test("rarity queue: random inserts, removes and moves keep buckets exact", () => {
  const random = seededRandom(42);
  const n = 200;
  const queue = new RarityQueue(new Int32Array(n).fill(-1));
  const model = new Map<number, number>();
  for (let step = 0; step < 5000; step++) {
    const piece = randomInt(random, n);
    const rarity = model.get(piece);
    const op = randomInt(random, 4);
    if (rarity === undefined) {
      const r = randomInt(random, 6);
      queue.insert(piece, r);
      model.set(piece, r);
    } else if (op === 0) {
      queue.remove(piece, rarity);
      model.delete(piece);
    } else if (op === 1 && rarity > 0) {
      queue.move(piece, rarity, rarity - 1);
      model.set(piece, rarity - 1);
    } else {
      queue.move(piece, rarity, rarity + 1);
      model.set(piece, rarity + 1);
    }
    if (step % 50 === 0) check(queue, model);
  }
  check(queue, model);
});
