/**
 * The small pieces under the tracker clients: IPv6 text (RFC 5952), IP
 * literal detection, compact peer lists, and the bounded candidate queue.
 *
 * @module
 */

import assert from "node:assert/strict";
import { AsyncQueue } from "../../src/discovery/_async_queue.ts";
import { parseCompactPeers } from "../../src/discovery/_compact.ts";
import { formatIPv6, isIPLiteral } from "../../src/discovery/_ip.ts";
import { fromHex } from "../../src/bytes.ts";

Deno.test("formatIPv6 writes RFC 5952 text", () => {
  const cases: [string, string][] = [
    ["00000000000000000000000000000000", "::"],
    ["00000000000000000000000000000001", "::1"],
    ["20010db8000000000000000000000001", "2001:db8::1"],
    ["20010db8000000000001000000000001", "2001:db8::1:0:0:1"], // equal runs: the first
    ["20010db8000000010000000000000001", "2001:db8:0:1::1"], // the longest run
    ["20010db8000100010001000100010001", "2001:db8:1:1:1:1:1:1"], // one zero group: not shortened
    ["20010db8000000010001000100010000", "2001:db8:0:1:1:1:1:0"],
    ["fe800000000000000000000000000000", "fe80::"],
    ["ABCD000000000000000000000000000F".toLowerCase(), "abcd::f"],
    ["00000000000000000000ffff7f000001", "127.0.0.1"], // IPv4-mapped
  ];
  for (const [hex, text] of cases) assert.equal(formatIPv6(fromHex(hex)), text, hex);
});

Deno.test("isIPLiteral tells addresses from host names", () => {
  assert.ok(isIPLiteral("127.0.0.1"));
  assert.ok(isIPLiteral("::1"));
  assert.ok(isIPLiteral("2001:db8::1"));
  assert.ok(!isIPLiteral("localhost"));
  assert.ok(!isIPLiteral("tracker.example"));
  assert.ok(!isIPLiteral("1.2.3"));
});

Deno.test("parseCompactPeers reads 6- and 18-byte entries and refuses partial ones", () => {
  assert.deepEqual(parseCompactPeers(fromHex("7f0000011ae1c0a80001ffff"), 4), [
    { host: "127.0.0.1", port: 6881 },
    { host: "192.168.0.1", port: 65535 },
  ]);
  assert.deepEqual(parseCompactPeers(fromHex(`${"00".repeat(15)}011ae2`), 6), [
    { host: "::1", port: 6882 },
  ]);
  assert.deepEqual(parseCompactPeers(new Uint8Array(), 4), []);
  assert.equal(parseCompactPeers(new Uint8Array(5), 4), null);
  assert.equal(parseCompactPeers(new Uint8Array(6), 6), null);
});

Deno.test("AsyncQueue: waiting readers get items in order; close lets queued items out first", async () => {
  const queue = new AsyncQueue<number>(10);
  const iterator = queue[Symbol.asyncIterator]();
  const first = iterator.next();
  const second = iterator.next();
  queue.push(1);
  queue.push(2);
  queue.push(3);
  assert.deepEqual(await first, { value: 1, done: false });
  assert.deepEqual(await second, { value: 2, done: false });
  const waiting = queue[Symbol.asyncIterator]();
  queue.close();
  queue.push(4);
  assert.deepEqual(await waiting.next(), { value: 3, done: false });
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });
});

Deno.test("AsyncQueue: past capacity the oldest item is dropped; a waiting reader ends on close", async () => {
  const queue = new AsyncQueue<number>(2);
  for (const n of [1, 2, 3]) queue.push(n);
  const got: number[] = [];
  for await (const n of queue) {
    got.push(n);
    if (got.length === 2) break;
  }
  assert.deepEqual(got, [2, 3]);
  const pending = queue[Symbol.asyncIterator]().next();
  queue.close();
  assert.deepEqual(await pending, { value: undefined, done: true });
});
