import assert from "node:assert/strict";
import { MessageDecoder } from "../../src/wire/decoder.ts";
import { encodeMessage } from "../../src/wire/encode.ts";
import type { Message } from "../../src/wire/messages.ts";
import { WireError, type WireErrorReason } from "../../src/wire/wire_error.ts";
import { hex } from "./_helpers.ts";

/** Asserts that pushing `bytes` (one chunk) fails with `reason`. */
function fails(bytes: Uint8Array, reason: WireErrorReason, decoder = new MessageDecoder()): void {
  assert.throws(() => decoder.push(bytes), (error: unknown) => {
    assert.ok(error instanceof WireError, `not a WireError: ${error}`);
    assert.equal(error.reason, reason);
    return true;
  });
}

const SAMPLE: Message[] = [
  { type: "have", index: 9 },
  { type: "keepAlive" },
  { type: "piece", index: 1, begin: 16384, block: hex("0102030405") },
  { type: "unchoke" },
  { type: "extended", id: 2, payload: hex("ffee") },
  { type: "keepAlive" },
];
const STREAM = new Uint8Array(SAMPLE.flatMap((m) => [...encodeMessage(m)]));

Deno.test("decodes a stream split at every pair of points", () => {
  for (let i = 0; i <= STREAM.length; i++) {
    for (let j = i; j <= STREAM.length; j++) {
      const decoder = new MessageDecoder();
      const out = [
        ...decoder.push(STREAM.slice(0, i)),
        ...decoder.push(STREAM.slice(i, j)),
        ...decoder.push(STREAM.slice(j)),
      ];
      assert.deepEqual(out, SAMPLE, `split at ${i} and ${j}`);
      assert.equal(decoder.bufferedBytes, 0);
    }
  }
});

Deno.test("decodes one byte at a time, holding the partial message", () => {
  const decoder = new MessageDecoder();
  const out: Message[] = [];
  for (let i = 0; i < STREAM.length; i++) {
    out.push(...decoder.push(STREAM.subarray(i, i + 1)));
    if (i === 10) assert.equal(decoder.bufferedBytes, 2); // 2 bytes into the keep-alive
  }
  assert.deepEqual(out, SAMPLE);
});

Deno.test("a message wholly inside a chunk is a view of it, not a copy", () => {
  const chunk = encodeMessage({ type: "piece", index: 0, begin: 0, block: hex("aabb") });
  const [piece] = new MessageDecoder().push(chunk);
  assert.ok(piece?.type === "piece");
  assert.equal(piece.block.buffer, chunk.buffer);
  assert.equal(piece.block.byteOffset, 13);
});

Deno.test("a length over maxMessageBytes fails as soon as the prefix arrives", () => {
  const decoder = new MessageDecoder({ limits: { maxMessageBytes: 100 } });
  assert.deepEqual(decoder.push(hex("00000064 07 00000000 00000000")), []); // 100 is allowed
  fails(
    hex("00000065"),
    "message-too-long",
    new MessageDecoder({ limits: { maxMessageBytes: 100 } }),
  );
  fails(hex("ffffffff"), "message-too-long");
});

Deno.test("the decoder stays failed and repeats its error", () => {
  const decoder = new MessageDecoder();
  fails(hex("00000002 00 00"), "bad-length", decoder);
  fails(hex("00000001 01"), "bad-length", decoder);
});

Deno.test("fixed-size messages with the wrong length are bad-length", () => {
  const cases = [
    "00000002 00 00", // choke with a payload
    "00000002 01 00",
    "00000002 02 00",
    "00000002 03 00",
    "00000004 04 000001", // have of 3 bytes
    "00000006 04 0000000100", // have of 5
    "0000000c 06 00000001 00000000 000040", // request of 11
    "00000008 07 00000001 000000", // piece shorter than its header
    "0000000e 08 00000001 00000000 00004000 00", // cancel of 13
    "00000002 09 1a", // port of 1
    "00000003 0d 0000", // suggest
    "00000002 0e 00", // have all with a payload
    "00000002 0f 00",
    "0000000c 10 00000001 00000000 000040", // reject
    "00000001 11", // allowed fast without index
    "00000001 14", // extended without an id
    `00000030 15 ${"00".repeat(47)}`, // hash request of 47
    `00000032 17 ${"00".repeat(49)}`, // hash reject of 49
    `00000030 16 ${"00".repeat(47)}`, // hashes shorter than its header
    `00000041 16 ${"00".repeat(64)}`, // hashes with 16 bytes of hash
  ];
  for (const bytes of cases) fails(hex(bytes), "bad-length");
});

Deno.test("unknown message ids are errors, ids 10 to 12 and over 23 included", () => {
  for (const id of [10, 11, 12, 18, 19, 24, 255]) {
    fails(new Uint8Array([0, 0, 0, 1, id]), "unknown-message");
  }
});

Deno.test("with the piece count known, a bitfield must have its exact length", () => {
  const decoder = () => new MessageDecoder({ pieceCount: 12 });
  assert.deepEqual(decoder().push(hex("00000003 05 fff0")), [{
    type: "bitfield",
    bits: hex("fff0"),
  }]);
  fails(hex("00000002 05 ff"), "bad-bitfield", decoder());
  fails(hex("00000004 05 fff000"), "bad-bitfield", decoder());
});

Deno.test("with the piece count known, spare bits must be clear", () => {
  fails(hex("00000003 05 fff8"), "bad-bitfield", new MessageDecoder({ pieceCount: 12 }));
  fails(hex("00000002 05 01"), "bad-bitfield", new MessageDecoder({ pieceCount: 7 }));
  const exact = new MessageDecoder({ pieceCount: 16 });
  assert.equal(exact.push(hex("00000003 05 ffff")).length, 1);
});

Deno.test("without a piece count, a bitfield is only bounded by maxMessageBytes", () => {
  const decoder = new MessageDecoder({ limits: { maxMessageBytes: 3 } });
  assert.deepEqual(decoder.push(hex("00000003 05 ffff")), [{
    type: "bitfield",
    bits: hex("ffff"),
  }]);
  fails(
    hex("00000004 05 ffffff"),
    "message-too-long",
    new MessageDecoder({ limits: { maxMessageBytes: 3 } }),
  );
});

Deno.test("a bitfield may exceed maxMessageBytes when the piece count needs it, nothing else may", () => {
  const limits = { maxMessageBytes: 16 };
  const bits = new Uint8Array(100); // 800 pieces
  const decoder = new MessageDecoder({ limits, pieceCount: 800 });
  assert.equal(decoder.push(encodeMessage({ type: "bitfield", bits })).length, 1);
  const piece = encodeMessage({ type: "piece", index: 0, begin: 0, block: new Uint8Array(50) });
  fails(piece, "message-too-long", new MessageDecoder({ limits, pieceCount: 800 }));
});

Deno.test("the piece count can be set once known", () => {
  const decoder = new MessageDecoder();
  assert.equal(decoder.pieceCount, null);
  decoder.pieceCount = 4;
  assert.equal(decoder.pieceCount, 4);
  fails(hex("00000002 05 f8"), "bad-bitfield", decoder);
});

Deno.test("many messages in one chunk come out in order", () => {
  const messages: Message[] = Array.from({ length: 1000 }, (_, i) => ({ type: "have", index: i }));
  const chunk = new Uint8Array(messages.flatMap((m) => [...encodeMessage(m)]));
  assert.deepEqual(new MessageDecoder().push(chunk), messages);
});
