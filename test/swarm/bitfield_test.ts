import assert from "node:assert/strict";
import { Bitfield } from "../../src/swarm/bitfield.ts";

Deno.test("bitfield: big-endian bit order as on the wire", () => {
  const bits = new Bitfield(12);
  bits.set(0);
  bits.set(7);
  bits.set(8);
  bits.set(11);
  assert.deepEqual([...bits.toWire()], [0b1000_0001, 0b1001_0000]);
  assert.equal(bits.count, 4);
  assert.deepEqual([...bits.ones()], [0, 7, 8, 11]);
});

Deno.test("bitfield: set and clear report changes and keep the count", () => {
  const bits = new Bitfield(9);
  assert.equal(bits.set(3), true);
  assert.equal(bits.set(3), false);
  assert.equal(bits.count, 1);
  assert.equal(bits.clear(3), true);
  assert.equal(bits.clear(3), false);
  assert.equal(bits.count, 0);
  assert.ok(bits.hasNone());
});

Deno.test("bitfield: get out of range is false, set out of range throws", () => {
  const bits = Bitfield.full(5);
  assert.equal(bits.get(-1), false);
  assert.equal(bits.get(5), false);
  assert.equal(bits.get(8), false);
  assert.throws(() => bits.set(5), RangeError);
  assert.throws(() => bits.clear(-1), RangeError);
  assert.throws(() => bits.set(1.5), RangeError);
  assert.throws(() => new Bitfield(-1), RangeError);
});

Deno.test("bitfield: full leaves spare bits clear", () => {
  const bits = Bitfield.full(10);
  assert.ok(bits.hasAll());
  assert.equal(bits.count, 10);
  assert.deepEqual([...bits.toWire()], [0xff, 0xc0]);
  assert.ok(Bitfield.full(16).hasAll());
  assert.ok(new Bitfield(0).hasAll() && new Bitfield(0).hasNone());
});

Deno.test("bitfield: fromWire round-trips and counts", () => {
  const wire = new Uint8Array([0xa5, 0x5a, 0x80]);
  const bits = Bitfield.fromWire(wire, 17);
  assert.equal(bits.count, 9);
  assert.deepEqual(bits.toWire(), wire);
  wire[0] = 0;
  assert.ok(bits.get(0), "fromWire copies its input");
});

Deno.test("bitfield: fromWire rejects wrong lengths and set spare bits", () => {
  assert.throws(() => Bitfield.fromWire(new Uint8Array(2), 17), /3/);
  assert.throws(() => Bitfield.fromWire(new Uint8Array(4), 17), RangeError);
  assert.throws(() => Bitfield.fromWire(new Uint8Array([0, 0, 0x40]), 17), /spare/);
  assert.throws(() => Bitfield.fromWire(new Uint8Array([0x01]), 7), /spare/);
  assert.equal(Bitfield.fromWire(new Uint8Array([0xfe]), 7).count, 7);
  assert.equal(Bitfield.fromWire(new Uint8Array([0xff]), 8).count, 8);
});

Deno.test("bitfield: ones skips empty bytes and matches get", () => {
  const bits = new Bitfield(1000);
  const want = [1, 99, 500, 501, 999];
  for (const i of want) bits.set(i);
  assert.deepEqual([...bits.ones()], want);
  const clone = bits.clone();
  clone.clear(1);
  assert.ok(bits.get(1), "clone is independent");
  assert.equal(clone.count, 4);
});
