import assert from "node:assert/strict";
import { Availability } from "../../src/swarm/availability.ts";
import { Bitfield } from "../../src/swarm/bitfield.ts";

function bits(size: number, ones: number[]): Bitfield {
  const b = new Bitfield(size);
  for (const i of ones) b.set(i);
  return b;
}

Deno.test("availability: bitfield, have, have-none, peer gone", () => {
  const changes: string[] = [];
  const avail = new Availability<string>(4, (p, a, b) => changes.push(`${p}:${a}>${b}`));
  avail.bitfield("a", bits(4, [0, 2]));
  assert.deepEqual(changes, ["0:0>1", "2:0>1"]);
  assert.equal(avail.have("b", 2), true);
  assert.equal(avail.have("b", 2), false, "a repeated have changes nothing");
  assert.equal(avail.count(2), 2);
  assert.ok(avail.has("b", 2) && !avail.has("b", 0) && !avail.has("nobody", 0));
  avail.haveNone("a");
  assert.equal(avail.count(0), 0);
  assert.equal(avail.count(2), 1);
  avail.peerGone("b");
  assert.deepEqual([0, 1, 2, 3].map((i) => avail.count(i)), [0, 0, 0, 0]);
  avail.peerGone("b");
});

Deno.test("availability: a new bitfield replaces the old one", () => {
  const avail = new Availability<string>(3);
  avail.bitfield("a", bits(3, [0]));
  avail.bitfield("a", bits(3, [1]));
  assert.deepEqual([0, 1, 2].map((i) => avail.count(i)), [0, 1, 0]);
});

Deno.test("availability: seeds counted apart, without touching rarity", () => {
  const changes: number[] = [];
  const avail = new Availability<string>(3, (p) => changes.push(p));
  avail.haveAll("s");
  avail.bitfield("t", Bitfield.full(3));
  assert.equal(avail.seeds, 2);
  assert.ok(avail.isSeed("t") && avail.has("s", 2) && !avail.has("s", 3));
  assert.deepEqual(changes, []);
  assert.equal(avail.count(1), 2);
  assert.equal(avail.rarity(1), 0);
  assert.equal(avail.have("s", 1), false);
  avail.peerGone("s");
  assert.equal(avail.seeds, 1);
  assert.equal(avail.count(0), 1);
});

Deno.test("availability: a peer that completes by haves becomes a seed", () => {
  const avail = new Availability<string>(2);
  avail.have("a", 0);
  assert.equal(avail.rarity(0), 1);
  avail.have("a", 1);
  assert.ok(avail.isSeed("a"));
  assert.equal(avail.rarity(0), 0);
  assert.equal(avail.rarity(1), 0);
  assert.equal(avail.count(0), 1);
  assert.equal(avail.piecesOf("a"), "all");
});

Deno.test("availability: rejects bad input", () => {
  const avail = new Availability<string>(3);
  assert.throws(() => avail.have("a", 3), RangeError);
  assert.throws(() => avail.have("a", -1), RangeError);
  assert.throws(() => avail.bitfield("a", new Bitfield(4)), RangeError);
});
