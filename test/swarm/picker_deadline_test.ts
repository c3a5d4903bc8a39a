import assert from "node:assert/strict";
import { Picker } from "../../src/swarm/picker.ts";
import { seededRandom } from "../../src/swarm/random.ts";

const PIECE = 4 * 16384;
const sizes = new Array(10).fill(PIECE);

Deno.test("deadlines: a time-critical piece is picked before every priority level", () => {
  const picker = new Picker<string>({ pieceSizes: sizes, random: seededRandom(1) });
  picker.peerHaveAll("a");
  picker.setPriority(3, 7);
  picker.setDeadline(8, 100);
  const blocks = picker.pick("a", 6, 0);
  assert.deepEqual(blocks.map((b) => b.piece), [8, 8, 8, 8, 3, 3]);
});

Deno.test("deadlines: once late, a block out to another peer is asked again, never from a slow peer", () => {
  const picker = new Picker<string>({ pieceSizes: sizes, random: seededRandom(1) });
  for (const peer of ["fast", "slow", "late"]) picker.peerHaveAll(peer);
  picker.setDeadline(2, 1000);
  assert.deepEqual(picker.pick("slow", 4, 0).map((b) => b.piece), [2, 2, 2, 2]);
  assert.ok(picker.pick("fast", 4, 500).every((b) => b.piece !== 2), "not late yet");
  const again = picker.pick("late", 4, 1500);
  assert.deepEqual(again.map((b) => b.piece), [2, 2, 2, 2], "late: asked again");
  picker.timedOut(30_000, 20_000);
  assert.ok(picker.isSlow("slow"));
  picker.setDeadline(5, 0);
  const fromSlow = picker.pick("slow", 8, 30_001);
  assert.equal(fromSlow.filter((b) => b.piece === 5).length, 4, "free blocks still go to it");
  picker.setDeadline(5, 0);
  assert.equal(picker.pick("slow", 8, 30_002).filter((b) => b.piece === 5).length, 0);
});

Deno.test("deadlines: yielding cancels lower-priority requests; a copy that still comes is welcome, twice", () => {
  const picker = new Picker<string>({ pieceSizes: sizes, random: seededRandom(1) });
  picker.peerHaveAll("a");
  const first = picker.pick("a", 4, 0);
  const piece = first[0]!.piece;
  picker.setDeadline((piece + 1) % 10, 0);
  picker.setPriority((piece + 1) % 10, 7);
  const cancelled = picker.yieldRequests("a", 7);
  assert.equal(cancelled.length, 4);
  assert.equal(picker.requestCount("a"), 0);
  // The critical piece first; the cancelled blocks may be asked again of the same peer.
  const next = picker.pick("a", 40, 1);
  assert.deepEqual(next.slice(0, 4).map((b) => b.piece), new Array(4).fill((piece + 1) % 10));
  assert.equal(next.filter((b) => b.piece === piece).length, 4);
  // Both copies of a block arrive: one is taken, the other is a duplicate, not unsolicited.
  const block = first[0]!;
  assert.equal(picker.received("a", block).status, "accepted");
  assert.equal(picker.received("a", block).status, "duplicate");
  assert.equal(picker.received("a", block).status, "unsolicited");
});

Deno.test("deadlines: verifying a piece clears its deadline", () => {
  const picker = new Picker<string>({ pieceSizes: sizes, random: seededRandom(1) });
  picker.peerHaveAll("a");
  picker.setDeadline(4, 0);
  picker.pieceVerified(4);
  assert.ok(picker.pick("a", 4, 0).every((b) => b.piece !== 4));
  assert.throws(() => picker.setDeadline(10, 0), RangeError);
});
