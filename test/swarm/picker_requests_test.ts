import assert from "node:assert/strict";
import { BLOCK_SIZE } from "../../src/swarm/blocks.ts";
import { bits, deliver, label, picker } from "./_helpers.ts";

Deno.test("endgame: only once every missing block is requested", () => {
  const p = picker(2, 2 * BLOCK_SIZE);
  p.peerHaveAll("a");
  p.peerHaveAll("b");
  assert.equal(p.pick("a", 3, 0).length, 3);
  assert.ok(!p.endgame);
  assert.equal(p.pick("b", 5, 0).length, 1, "the free block; b is then busy");
  assert.ok(p.endgame);
  assert.deepEqual(p.pick("b", 5, 0), [], "no duplicates while b has requests out");
});

Deno.test("endgame: one duplicate per idle peer, bounded, cancelled when a copy arrives", () => {
  const p = picker(1, 2 * BLOCK_SIZE);
  for (const peer of ["a", "b", "c", "d", "e", "f"]) p.peerHaveAll(peer);
  const original = p.pick("a", 2, 0);
  assert.deepEqual(original.map(label), ["0:0", "0:1"]);
  assert.ok(p.endgame);
  assert.deepEqual(p.pick("b", 5, 1).map(label), ["0:0"]);
  assert.deepEqual(p.pick("b", 5, 1), [], "one at a time");
  assert.deepEqual(p.pick("c", 5, 2).map(label), ["0:1"], "fewest requesters first");
  assert.deepEqual(p.pick("d", 5, 3).map(label), ["0:0"]);
  assert.deepEqual(p.pick("e", 5, 3).map(label), ["0:1"]);
  assert.deepEqual(p.pick("f", 5, 3), [], "at most 3 requesters per block");

  const got = p.received("b", original[0]!);
  assert.ok(got.status === "accepted");
  assert.deepEqual(got.cancel.map((c) => `${c.peer}@${label(c.block)}`).sort(), ["a@0:0", "d@0:0"]);
  assert.equal(got.requestedAt, 1);
  assert.deepEqual(p.received("a", original[0]!), { status: "duplicate", requestedAt: 0 });
  assert.equal(p.requestCount("a"), 1);
  assert.equal(p.requestCount("d"), 0);
  assert.deepEqual(p.pick("d", 5, 4), [], "0:1 already has 3 requesters");

  const last = p.received("c", original[1]!);
  assert.ok(last.status === "accepted" && last.complete);
  assert.deepEqual(last.cancel.map((c) => c.peer).sort(), ["a", "e"]);
  p.pieceVerified(0);
  assert.ok(!p.endgame);
  assert.equal(p.remaining, 0);
});

Deno.test("endgame: higher priority pieces are duplicated first among equals", () => {
  const p = picker(2, BLOCK_SIZE, { endgameRequesters: 5 });
  for (const peer of ["a", "b", "c"]) p.peerHaveAll(peer);
  p.setPriority(1, 6);
  assert.deepEqual(p.pick("a", 2, 0).map(label), ["1:0", "0:0"]);
  assert.deepEqual(p.pick("b", 1, 0).map(label), ["1:0"]);
  assert.deepEqual(p.pick("c", 1, 0).map(label), ["0:0"], "fewer requesters beats priority");
});

Deno.test("endgame: a slow peer gets no duplicates", () => {
  const p = picker(1, 2 * BLOCK_SIZE);
  p.peerHaveAll("a");
  p.peerHaveAll("slow");
  p.pick("slow", 1, 0);
  assert.equal(p.timedOut(30_000, 20_000).length, 1);
  assert.ok(p.isSlow("slow"));
  p.dropRequests("slow");
  p.pick("a", 2, 30_000);
  assert.ok(p.endgame);
  assert.deepEqual(p.pick("slow", 2, 30_000), []);
  p.peerHaveAll("fresh");
  assert.equal(p.pick("fresh", 2, 30_000).length, 1);
});

Deno.test("hash failure: blocks reset, contributors returned for blame", () => {
  const p = picker(2, 3 * BLOCK_SIZE);
  p.peerHaveAll("a");
  p.peerHaveAll("b");
  const fromA = p.pick("a", 2, 0);
  const fromB = p.pick("b", 1, 0);
  assert.ok(fromA.concat(fromB).every((b) => b.piece === fromA[0]!.piece));
  const piece = fromA[0]!.piece;
  deliver(p, "a", fromA);
  const got = p.received("b", fromB[0]!);
  assert.ok(got.status === "accepted" && got.complete);
  assert.deepEqual(p.hashFailed(piece).sort(), ["a", "b"]);
  assert.ok(!p.hasPiece(piece));
  assert.equal(p.remaining, 2);
  const again = p.pick("b", 6, 1).map(label);
  for (let i = 0; i < 3; i++) assert.ok(again.includes(`${piece}:${i}`));
  assert.deepEqual(p.hashFailed(1 - piece), [], "nothing received, no one to blame");
});

Deno.test("hash failure: one sender is returned once", () => {
  const p = picker(1, 4 * BLOCK_SIZE);
  p.peerHaveAll("a");
  deliver(p, "a", p.pick("a", 3, 0));
  const blocks = p.pick("a", 4, 0);
  assert.equal(blocks.length, 1);
  assert.ok(p.received("a", blocks[0]!).status === "accepted");
  assert.deepEqual(p.hashFailed(0), ["a"]);
  assert.equal(p.pick("a", 9, 0).length, 4);
});

Deno.test("timeouts: stale requests are re-requested elsewhere, late copies still welcome", () => {
  const p = picker(1, 2 * BLOCK_SIZE);
  p.peerHaveAll("a");
  p.peerHaveAll("b");
  const asked = p.pick("a", 2, 1000);
  assert.deepEqual(p.timedOut(20_999, 20_000), []);
  const stale = p.timedOut(21_000, 20_000);
  assert.deepEqual(stale.map((s) => `${s.peer}@${label(s.block)}:${s.requestedAt}`), [
    "a@0:0:1000",
    "a@0:1:1000",
  ]);
  assert.deepEqual(p.timedOut(50_000, 20_000), [], "reported once");
  assert.ok(p.isSlow("a"));
  assert.equal(p.requestCount("a"), 2, "still outstanding at the peer");
  assert.ok(!p.endgame, "stale blocks are free");
  const again = p.pick("b", 2, 21_000);
  assert.deepEqual(again.map(label), ["0:0", "0:1"]);
  assert.deepEqual(p.pick("a", 2, 21_000), [], "not re-requested from the slow peer");

  const late = p.received("a", asked[0]!);
  assert.ok(late.status === "accepted");
  assert.deepEqual(late.cancel.map((c) => `${c.peer}@${label(c.block)}`), ["b@0:0"]);
  assert.ok(!p.isSlow("a"), "a block clears slowness");
  assert.equal(p.received("b", again[1]!).status, "accepted");
  const dup = p.received("a", asked[1]!);
  assert.equal(dup.status, "duplicate");
});

Deno.test("timeouts: cancelled requests are forgotten after the timeout", () => {
  const p = picker(1, BLOCK_SIZE, { endgameRequesters: 2 });
  p.peerHaveAll("a");
  p.peerHaveAll("b");
  const [block] = p.pick("a", 1, 0);
  assert.ok(block);
  assert.equal(p.pick("b", 1, 0).length, 1);
  assert.equal(p.received("b", block).status, "accepted");
  assert.equal(p.requestCount("a"), 0, "cancelled requests are not outstanding");
  assert.deepEqual(p.timedOut(20_000, 20_000), []);
  assert.equal(p.received("a", block).status, "unsolicited");
});

Deno.test("requests: oldest request and count", () => {
  const p = picker(3, 2 * BLOCK_SIZE);
  p.peerHaveAll("a");
  assert.equal(p.oldestRequest("a"), undefined);
  const first = p.pick("a", 1, 100);
  p.pick("a", 2, 200);
  assert.equal(p.oldestRequest("a"), 100);
  assert.equal(p.requestCount("a"), 3);
  deliver(p, "a", first);
  assert.equal(p.oldestRequest("a"), 200);
  assert.equal(p.requestCount("a"), 2);
  assert.equal(p.oldestRequest("nobody"), undefined);
});

Deno.test("peer gone: its blocks are free and it is forgotten", () => {
  const p = picker(2, 2 * BLOCK_SIZE);
  p.peerHaveAll("a");
  p.peerBitfield("b", bits(2, [0, 1]));
  const blocks = p.pick("a", 4, 0);
  assert.ok(p.endgame);
  p.peerGone("a");
  assert.ok(!p.endgame);
  assert.equal(p.availability(0), 1);
  assert.deepEqual(p.pick("b", 4, 0).map(label).sort(), blocks.map(label).sort());
  assert.equal(p.received("a", blocks[0]!).status, "unsolicited");
  assert.equal(p.requestCount("a"), 0);
  assert.deepEqual(p.pick("a", 1, 0), [], "a gone peer has no pieces");
});

Deno.test("dropRequests frees everything; rejected frees one block", () => {
  const p = picker(1, 3 * BLOCK_SIZE);
  p.peerHaveAll("a");
  p.peerHaveAll("b");
  const blocks = p.pick("a", 3, 0);
  assert.equal(p.rejected("a", blocks[1]!), true);
  assert.equal(p.rejected("a", blocks[1]!), false, "no longer outstanding");
  assert.equal(p.rejected("b", blocks[0]!), false, "never asked");
  assert.deepEqual(p.pick("b", 1, 0).map(label), ["0:1"]);
  assert.deepEqual(p.dropRequests("a").map(label), ["0:0", "0:2"]);
  assert.deepEqual(p.dropRequests("nobody"), []);
  assert.deepEqual(p.pick("b", 3, 0).map(label), ["0:0", "0:2"]);
  assert.equal(p.received("a", blocks[0]!).status, "unsolicited");
});

Deno.test("pieceVerified from storage on a started piece cancels its requests", () => {
  const p = picker(2, 2 * BLOCK_SIZE);
  p.peerHaveAll("a");
  const blocks = p.pick("a", 1, 0);
  const cancel = p.pieceVerified(blocks[0]!.piece);
  assert.deepEqual(cancel, [{ peer: "a", block: blocks[0] }]);
  assert.equal(p.requestCount("a"), 0);
  assert.equal(p.remaining, 1);
  assert.equal(p.pick("a", 9, 0).length, 2);
  assert.ok(p.endgame);
});

Deno.test("priority 0 on a started piece stops picking it and leaves endgame", () => {
  const p = picker(2, 2 * BLOCK_SIZE);
  p.peerHaveAll("a");
  const [first] = p.pick("a", 1, 0);
  assert.ok(first);
  p.setPriority(first.piece, 0);
  assert.deepEqual(p.pick("a", 9, 0).map((b) => b.piece), [1 - first.piece, 1 - first.piece]);
  assert.ok(p.endgame);
  assert.equal(p.received("a", first).status, "accepted", "requests already out stay valid");
  p.setPriority(first.piece, 1);
  assert.ok(!p.endgame);
  assert.deepEqual(p.pick("a", 9, 0).map(label), [`${first.piece}:1`]);
});
