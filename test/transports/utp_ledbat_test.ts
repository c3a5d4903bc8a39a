/**
 * LEDBAT decisions on scripted delay sequences: slow start, growth below
 * the 100 ms target and shrinking above it, no growth for an idle sender,
 * the base delay as the least sample of the last two minutes (and across
 * the wrap of the 32-bit clock), loss and timeout.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Ledbat } from "../../transports/utp/ledbat.ts";

const MSS = 1000;
const MS = 1000; // microseconds

/** Acks `count` full packets with the given delay sample each, at `now`. */
function ack(cc: Ledbat, count: number, sample: number, now = 0, limited = true): void {
  for (let i = 0; i < count; i++) cc.onAck(MSS, sample, now, limited);
}

Deno.test("ledbat: slow start adds every acked byte while the delay stays low", () => {
  const cc = new Ledbat({ packetSize: MSS });
  assert.equal(cc.window, 2 * MSS);
  ack(cc, 1, 10 * MS); // The first sample is the base: no queuing.
  ack(cc, 8, 12 * MS); // 2 ms of queuing.
  assert.equal(cc.window, 11 * MSS);
  assert.equal(cc.slowStart, true);
});

Deno.test("ledbat: queuing at half the target ends slow start; above the target the window shrinks", () => {
  const cc = new Ledbat({ packetSize: MSS });
  ack(cc, 1, 10 * MS);
  ack(cc, 20, 11 * MS);
  const grown = cc.window;
  ack(cc, 1, 10 * MS + 60 * MS); // 60 ms of queuing: past half the target.
  assert.equal(cc.slowStart, false);
  const before = cc.window;
  ack(cc, 10, 10 * MS + 200 * MS); // 200 ms: twice the target.
  assert.ok(cc.window < before, `${cc.window} did not shrink from ${before}`);
  assert.ok(before <= grown + 3000);
});

Deno.test("ledbat: off target, the change is in proportion, at most 3,000 bytes per window", () => {
  const cc = new Ledbat({ packetSize: MSS });
  ack(cc, 1, 0);
  ack(cc, 1, 100 * MS); // At the target: slow start ends, no change.
  assert.equal(cc.slowStart, false);
  cc.window = 100 * MSS;
  const start = cc.window;
  // A whole window acked with no queuing grows it by the gain, about 3,000 bytes.
  ack(cc, start / MSS, 0);
  assert.ok(cc.window - start > 2_000 && cc.window - start <= 3_000, `${cc.window - start}`);
  // The same window at 50 ms (half the target) grows it about half as much.
  const mid = cc.window;
  ack(cc, mid / MSS, 50 * MS);
  assert.ok(cc.window - mid > 1_000 && cc.window - mid < 1_800, `${cc.window - mid}`);
  // At 150 ms it shrinks by about as much.
  const high = cc.window;
  ack(cc, high / MSS, 150 * MS);
  assert.ok(high - cc.window > 1_000 && high - cc.window < 1_800, `${high - cc.window}`);
});

Deno.test("ledbat: a sender that does not fill its window does not grow it, but still backs off", () => {
  const cc = new Ledbat({ packetSize: MSS });
  ack(cc, 1, 0, 0, false);
  ack(cc, 50, 1 * MS, 0, false);
  assert.equal(cc.window, 2 * MSS);
  cc.slowStart = false;
  cc.window = 50 * MSS;
  ack(cc, 10, 300 * MS, 0, false);
  assert.ok(cc.window < 50 * MSS);
});

Deno.test("ledbat: the base delay is the least sample of the last two minutes", () => {
  const cc = new Ledbat({ packetSize: MSS });
  assert.equal(cc.queuingDelay(40 * MS, 0), 0);
  assert.equal(cc.queuingDelay(70 * MS, 1_000), 30 * MS);
  // Still within two minutes of the 40 ms sample.
  assert.equal(cc.queuingDelay(70 * MS, 61_000), 30 * MS);
  assert.equal(cc.queuingDelay(70 * MS, 121_000), 30 * MS);
  // Three minutes on, the 40 ms sample has aged out: 70 ms is the base now.
  assert.equal(cc.queuingDelay(70 * MS, 181_000), 0);
  assert.equal(cc.baseDelay, 70 * MS);
});

Deno.test("ledbat: delay samples compare across the wrap of the 32-bit microsecond clock", () => {
  const cc = new Ledbat({ packetSize: MSS });
  cc.queuingDelay(0xffff_ff00, 0);
  // 0x100 is 512 µs after 0xffffff00 modulo 2^32, not four billion before it.
  assert.equal(cc.queuingDelay(0x0000_0100, 10), 512);
  assert.equal(cc.baseDelay, 0xffff_ff00);
  // And a sample before the base, across the wrap, becomes the base.
  assert.equal(cc.queuingDelay(0xffff_fe00, 20), 0);
  assert.equal(cc.baseDelay, 0xffff_fe00);
});

Deno.test("ledbat: loss halves the window; a timeout drops it to one packet, then slow start to half", () => {
  const cc = new Ledbat({ packetSize: MSS });
  ack(cc, 1, 0);
  ack(cc, 37, 0); // 40 packets.
  assert.equal(cc.window, 40 * MSS);
  cc.onLoss();
  assert.equal(cc.window, 20 * MSS);
  assert.equal(cc.slowStart, false);
  cc.onTimeout();
  assert.equal(cc.window, MSS);
  assert.equal(cc.slowStart, true);
  assert.equal(cc.ssthresh, 10 * MSS);
  ack(cc, 9, 0); // Slow start up to 10 packets...
  assert.equal(cc.window, 10 * MSS);
  ack(cc, 1, 0); // ...then it ends.
  assert.equal(cc.slowStart, false);
  assert.ok(cc.window < 11 * MSS);
});
