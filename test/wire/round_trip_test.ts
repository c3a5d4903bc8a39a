/**
 * The codec's round-trip property over seeded random streams: encode a run
 * of random messages, split the bytes at random points, decode; the
 * messages come back equal, and encoding them again gives the same bytes.
 * Set `WIRE_SEED` to replay another seed.
 *
 * @module
 */

import assert from "node:assert/strict";
import { concatBytes } from "../../src/bytes.ts";
import { MessageDecoder } from "../../src/wire/decoder.ts";
import { encodeMessage } from "../../src/wire/encode.ts";
import type { Message } from "../../src/wire/messages.ts";
import { chop, randomMessage, Rng } from "./_helpers.ts";

const SEED = Number(Deno.env.get("WIRE_SEED") ?? 0x5eed);
const RUNS = 1000;

Deno.test(`decode then encode reproduces random streams (seed ${SEED})`, () => {
  for (let run = 0; run < RUNS; run++) {
    const rng = new Rng(SEED * 1000 + run);
    const messages = Array.from({ length: 1 + rng.below(60) }, () => randomMessage(rng));
    const bytes = concatBytes(messages.map(encodeMessage));
    const decoder = new MessageDecoder();
    const decoded: Message[] = [];
    for (const chunk of chop(rng, bytes, rng.below(40))) decoded.push(...decoder.push(chunk));
    assert.deepEqual(decoded, messages, `run ${run}`);
    assert.deepEqual(concatBytes(decoded.map(encodeMessage)), bytes, `run ${run}`);
    assert.equal(decoder.bufferedBytes, 0);
  }
});

Deno.test("a stream cut short decodes its whole messages and holds the rest", () => {
  const rng = new Rng(SEED);
  const messages = Array.from({ length: 50 }, () => randomMessage(rng));
  const encoded = messages.map(encodeMessage);
  const bytes = concatBytes(encoded);
  const cut = encoded.slice(0, 30).reduce((n, b) => n + b.length, 0) + 3;
  const decoder = new MessageDecoder();
  assert.deepEqual(decoder.push(bytes.slice(0, cut)), messages.slice(0, 30));
  assert.equal(decoder.bufferedBytes, 3);
  assert.deepEqual(decoder.push(bytes.slice(cut)), messages.slice(30));
});
