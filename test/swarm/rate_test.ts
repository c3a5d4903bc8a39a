import assert from "node:assert/strict";
import { RateMeter } from "../../src/swarm/rate.ts";

Deno.test("rate: a steady flow reads as its rate", () => {
  const meter = new RateMeter(0);
  for (let t = 0; t <= 20_000; t += 50) meter.add(500, t); // 10 000 B/s
  const rate = meter.rate(20_000);
  assert.ok(Math.abs(rate - 10_000) < 500, `${rate}`);
  assert.equal(meter.total, 401 * 500);
});

Deno.test("rate: early readings use the time since the start, at least one bucket", () => {
  const meter = new RateMeter(10_000);
  meter.add(1000, 10_100);
  assert.equal(meter.rate(10_100), 1000, "floor of one second");
  meter.add(1000, 11_900);
  assert.ok(Math.abs(meter.rate(12_000) - 1000) < 1);
});

Deno.test("rate: the window forgets old bytes", () => {
  const meter = new RateMeter(0, { windowMs: 2000, bucketMs: 500 });
  meter.add(10_000, 100);
  assert.ok(meter.rate(1000) > 0);
  assert.equal(meter.rate(2600), 0);
  assert.equal(meter.rate(100_000), 0);
  meter.add(1000, 100_000);
  assert.ok(meter.rate(100_000) > 0);
});
