import assert from "node:assert/strict";
import { MessageDecoder } from "../../src/wire/decoder.ts";
import { encodeMessage, encodePieceHeader } from "../../src/wire/encode.ts";
import type { Message } from "../../src/wire/messages.ts";
import { hex } from "./_helpers.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** Every message type with its bytes, written out by hand from BEP 3, 5, 6, 10 and 52. */
const CASES: [Message, string][] = [
  [{ type: "keepAlive" }, "00000000"],
  [{ type: "choke" }, "00000001 00"],
  [{ type: "unchoke" }, "00000001 01"],
  [{ type: "interested" }, "00000001 02"],
  [{ type: "notInterested" }, "00000001 03"],
  [{ type: "have", index: 0x01020304 }, "00000005 04 01020304"],
  [{ type: "bitfield", bits: hex("ff80") }, "00000003 05 ff80"],
  [
    { type: "request", index: 1, begin: 0x4000, length: 0x4000 },
    "0000000d 06 00000001 00004000 00004000",
  ],
  [
    { type: "piece", index: 2, begin: 0x8000, block: hex("aabbcc") },
    "0000000c 07 00000002 00008000 aabbcc",
  ],
  [
    { type: "cancel", index: 0xffffffff, begin: 0, length: 1 },
    "0000000d 08 ffffffff 00000000 00000001",
  ],
  [{ type: "port", port: 6881 }, "00000003 09 1ae1"],
  [{ type: "suggest", index: 5 }, "00000005 0d 00000005"],
  [{ type: "haveAll" }, "00000001 0e"],
  [{ type: "haveNone" }, "00000001 0f"],
  [
    { type: "reject", index: 3, begin: 0x10000, length: 0x2000 },
    "0000000d 10 00000003 00010000 00002000",
  ],
  [{ type: "allowedFast", index: 7 }, "00000005 11 00000007"],
  [{ type: "extended", id: 3, payload: text("d1:ai1ee") }, "0000000a 14 03 6431 3a61 6931 6565"],
  [{ type: "extended", id: 0, payload: new Uint8Array() }, "00000002 14 00"],
  [
    {
      type: "hashRequest",
      piecesRoot: hex("ab".repeat(32)),
      baseLayer: 2,
      index: 512,
      length: 512,
      proofLayers: 9,
    },
    `00000031 15 ${"ab".repeat(32)} 00000002 00000200 00000200 00000009`,
  ],
  [
    {
      type: "hashes",
      piecesRoot: hex("01".repeat(32)),
      baseLayer: 0,
      index: 2,
      length: 2,
      proofLayers: 0,
      hashes: hex("cd".repeat(64)),
    },
    `00000071 16 ${"01".repeat(32)} 00000000 00000002 00000002 00000000 ${"cd".repeat(64)}`,
  ],
  [
    {
      type: "hashReject",
      piecesRoot: hex("ff".repeat(32)),
      baseLayer: 1,
      index: 0,
      length: 4,
      proofLayers: 1,
    },
    `00000031 17 ${"ff".repeat(32)} 00000001 00000000 00000004 00000001`,
  ],
  [{ type: "bitfield", bits: new Uint8Array() }, "00000001 05"],
  [{ type: "piece", index: 0, begin: 0, block: new Uint8Array() }, "00000009 07 00000000 00000000"],
];

for (const [message, bytes] of CASES) {
  Deno.test(`${message.type} encodes to ${bytes} and decodes back`, () => {
    assert.deepEqual(encodeMessage(message), hex(bytes));
    assert.deepEqual(new MessageDecoder().push(hex(bytes)), [message]);
  });
}

Deno.test("a piece header followed by its block is the whole piece message", () => {
  const block = hex("aabbcc");
  assert.deepEqual(
    encodePieceHeader(2, 0x8000, block.length),
    hex("0000000c 07 00000002 00008000"),
  );
  const joined = new Uint8Array([...encodePieceHeader(2, 0x8000, 3), ...block]);
  assert.deepEqual(joined, encodeMessage({ type: "piece", index: 2, begin: 0x8000, block }));
});

Deno.test("encoding refuses numbers that do not fit their fields", () => {
  const bad: Message[] = [
    { type: "have", index: -1 },
    { type: "have", index: 2 ** 32 },
    { type: "suggest", index: 1.5 },
    { type: "request", index: 0, begin: NaN, length: 1 },
    { type: "cancel", index: 0, begin: 0, length: 2 ** 32 },
    { type: "port", port: 65536 },
    { type: "extended", id: 256, payload: new Uint8Array() },
  ];
  for (const message of bad) {
    assert.throws(() => encodeMessage(message), RangeError, JSON.stringify(message));
  }
  assert.throws(() => encodePieceHeader(0, -1, 0), RangeError);
});

Deno.test("keep-alives are fresh buffers, so a caller may change one", () => {
  const a = encodeMessage({ type: "keepAlive" });
  a[0] = 9;
  assert.deepEqual(encodeMessage({ type: "keepAlive" }), hex("00000000"));
});
