import assert from "node:assert/strict";
import { BLOCK_SIZE } from "../../src/swarm/blocks.ts";
import { RequestPipeline } from "../../src/swarm/pipeline.ts";

/** Feeds blocks at `rate` bytes/s from `from` to `to` ms (mid-interval), each `rttMs` after its request. */
function feed(pipe: RequestPipeline, rate: number, from: number, to: number, rttMs = 0): void {
  const every = (BLOCK_SIZE / rate) * 1000;
  for (let t = from + every / 2; t < to; t += every) pipe.blockReceived(BLOCK_SIZE, t, t - rttMs);
}

Deno.test("pipeline: starts at the minimum", () => {
  const pipe = new RequestPipeline(0);
  assert.equal(pipe.depth(0), 2);
  assert.ok(pipe.slowStart);
  assert.equal(pipe.slots(0, 0), 2);
  assert.equal(pipe.slots(0, 5), 0);
});

Deno.test("pipeline: slow start adds one per block", () => {
  const pipe = new RequestPipeline(0, { targetSeconds: 0 });
  for (let i = 0; i < 5; i++) pipe.blockReceived(BLOCK_SIZE, 10 * i, 0);
  assert.equal(pipe.depth(50), 7);
});

Deno.test("pipeline: slow start ends when the rate stops growing", () => {
  const pipe = new RequestPipeline(0);
  const rate = 100 * BLOCK_SIZE;
  feed(pipe, rate, 0, 1000);
  pipe.depth(1000);
  feed(pipe, 3 * rate, 1000, 2000);
  pipe.depth(2000);
  assert.ok(pipe.slowStart, "the rate doubled");
  let t = 2000;
  for (; pipe.slowStart && t < 20_000; t += 1000) {
    feed(pipe, 3 * rate, t, t + 1000);
    pipe.depth(t + 1000);
  }
  assert.ok(!pipe.slowStart);
  assert.ok(t <= 6000, `slow start lasted until ${t}`);
});

Deno.test("pipeline: a timeout ends slow start", () => {
  const pipe = new RequestPipeline(0);
  pipe.timedOut();
  assert.ok(!pipe.slowStart);
});

Deno.test("pipeline: depth is rate × (3 s + latency) / block size", () => {
  const rate = 160 * 1024; // 10 blocks a second
  const near = new RequestPipeline(0);
  near.timedOut();
  feed(near, rate, 0, 10_000);
  assert.equal(near.depth(10_000), 30);
  assert.equal(near.latencyMs, 0);

  const far = new RequestPipeline(0);
  far.timedOut();
  feed(far, rate, 0, 10_000, 1000);
  assert.equal(far.latencyMs, 1000);
  assert.equal(far.depth(10_000), 40, "latency deepens the queue");

  const fast = new RequestPipeline(0);
  fast.timedOut();
  feed(fast, 4 * rate, 0, 10_000);
  assert.equal(fast.depth(10_000), 120, "rate deepens the queue");
});

Deno.test("pipeline: latency is the smallest sample", () => {
  const pipe = new RequestPipeline(0);
  pipe.blockReceived(BLOCK_SIZE, 1000, 500);
  pipe.blockReceived(BLOCK_SIZE, 3000, 100);
  pipe.blockReceived(BLOCK_SIZE, 4000, 0);
  pipe.blockReceived(BLOCK_SIZE, 5000);
  assert.equal(pipe.latencyMs, 500);
});

Deno.test("pipeline: clamped to [min, min(max, reqq)]", () => {
  const pipe = new RequestPipeline(0);
  feed(pipe, 100 * 1024 * 1024, 0, 5000);
  assert.equal(pipe.depth(5000), 500, "limits.maxRequestsPerPeer");
  pipe.setPeerLimit(64);
  assert.equal(pipe.depth(5000), 64, "the peer's reqq");
  pipe.setPeerLimit(0);
  assert.equal(pipe.depth(5000), 64, "a nonsense reqq is ignored");
  pipe.setPeerLimit(1);
  assert.equal(pipe.depth(5000), 1, "never more than the peer accepts");

  const small = new RequestPipeline(0, { max: 10, min: 3 });
  assert.equal(small.depth(0), 3);
  feed(small, 100 * 1024 * 1024, 0, 1000);
  assert.equal(small.depth(1000), 10);
  assert.ok(!small.slowStart, "slow start ends at the ceiling");
  assert.equal(small.depth(100_000), 3, "an idle peer falls back to the minimum");
});

Deno.test("pipeline: snubbed after 60 s without a block while requests are out", () => {
  const pipe = new RequestPipeline(0);
  assert.equal(pipe.isSnubbed(1_000_000, undefined), false, "nothing out, never snubbed");
  assert.equal(pipe.isSnubbed(59_999, 0), false);
  assert.ok(pipe.slowStart);
  assert.equal(pipe.isSnubbed(60_000, 0), true);
  assert.ok(!pipe.slowStart, "snubbing ends slow start");
  pipe.blockReceived(BLOCK_SIZE, 30_000, 0);
  assert.equal(pipe.isSnubbed(60_000, 0), false, "a block resets the clock");
  assert.equal(pipe.isSnubbed(90_000, 0), true);
  assert.equal(pipe.isSnubbed(100_000, 50_000), false, "requests sent after a quiet spell");
  assert.equal(new RequestPipeline(0, { snubMs: 5000 }).isSnubbed(5000, 0), true);
});
