import assert from "node:assert/strict";
import { BanList } from "../../src/swarm/ban.ts";
import { defaultLimits } from "../../src/limits.ts";

Deno.test("bans: banned after contributing to two failed pieces", () => {
  assert.equal(defaultLimits.maxHashFailures, 2);
  const bans = new BanList();
  assert.deepEqual(bans.blame(["a", "b"]), []);
  assert.equal(bans.failures("a"), 1);
  assert.ok(!bans.isBanned("a"));
  assert.deepEqual(bans.blame(["a", "c"]), ["a"]);
  assert.ok(bans.isBanned("a") && !bans.isBanned("b") && !bans.isBanned("c"));
  assert.deepEqual(bans.blame(["a", "b"]), ["b"], "a is reported only once");
});

Deno.test("bans: a failed piece from one sender counts double", () => {
  const bans = new BanList();
  assert.deepEqual(bans.blame(["x"]), ["x"]);
  assert.deepEqual(bans.blame(["y", "y"]), ["y"], "the same address twice is one sender");
  const lenient = new BanList({ soleWeight: 1 });
  assert.deepEqual(lenient.blame(["x"]), []);
  assert.deepEqual(lenient.blame(["x"]), ["x"]);
});

Deno.test("bans: no contributor, no blame; thresholds and manual bans", () => {
  const bans = new BanList({ maxFailures: 3 });
  assert.deepEqual(bans.blame([]), []);
  bans.blame(["a", "b"]);
  bans.blame(["a", "b"]);
  assert.ok(!bans.isBanned("a"));
  assert.deepEqual(bans.blame(["a", "b"]).sort(), ["a", "b"]);
  bans.ban("z");
  assert.ok(bans.isBanned("z"));
  assert.equal(bans.failures("z"), 0);
});
