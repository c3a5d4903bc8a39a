import assert from "node:assert/strict";
import { TokenBucket } from "../../src/swarm/token_bucket.ts";
import { Throttle } from "../../src/torrent/throttle.ts";

Deno.test("token bucket: a full burst at once, then the rate", () => {
  const bucket = new TokenBucket(1000, 0, { burst: 500 });
  assert.equal(bucket.take(500, 0), 0);
  assert.equal(bucket.available(0), 0);
  assert.equal(bucket.take(100, 0), 100); // 100 bytes of debt at 1000 B/s
  assert.equal(bucket.available(100), 0);
  assert.equal(bucket.waitFor(250, 100), 250);
  assert.equal(bucket.available(10_000), 500, "refills up to the burst, no more");
});

Deno.test("token bucket: the long-run rate is exact whatever the take sizes", () => {
  const bucket = new TokenBucket(5_000_000, 0);
  let now = 0;
  let sent = 0;
  const sizes = [16384, 100, 16384, 7, 65536];
  for (let i = 0; now < 10_000; i++) {
    now += bucket.take(sizes[i % sizes.length]!, now);
    sent += sizes[i % sizes.length]!;
  }
  const rate = (sent - bucket.burst) / (now / 1000);
  assert.ok(Math.abs(rate - 5_000_000) < 5_000_000 * 0.01, `rate ${rate}`);
});

Deno.test("token bucket: time going backwards adds nothing", () => {
  const bucket = new TokenBucket(1000, 100, { burst: 100 });
  bucket.take(100, 100);
  assert.equal(bucket.available(50), 0);
});

Deno.test("token bucket: rejects a rate or burst that is not positive", () => {
  assert.throws(() => new TokenBucket(0, 0), RangeError);
  assert.throws(() => new TokenBucket(-5, 0), RangeError);
  assert.throws(() => new TokenBucket(Number.NaN, 0), RangeError);
  assert.throws(() => new TokenBucket(10, 0, { burst: 0 }), RangeError);
});

Deno.test("throttle: every bucket applies, the tightest sets the wait", () => {
  const torrent = new TokenBucket(1000, 0, { burst: 1000 });
  const client = new TokenBucket(100, 0, { burst: 100 });
  const throttle = new Throttle([torrent, null, client]);
  assert.equal(throttle.unlimited, false);
  assert.equal(throttle.available(0), 100);
  assert.equal(throttle.take(200, 0), 1000); // the client's 100 B/s sets it
  assert.equal(torrent.available(0), 800);
  assert.equal(new Throttle([null]).unlimited, true);
  assert.equal(new Throttle([]).available(0), Infinity);
});
