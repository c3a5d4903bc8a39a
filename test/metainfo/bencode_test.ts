import assert from "node:assert/strict";
import { BencodeError } from "../../src/errors.ts";
import {
  bencodeKey,
  decodeBencode,
  encodeBencode,
  encodeDictOfEncoded,
  keyBytes,
} from "../../src/metainfo/bencode.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** Asserts decoding fails with a BencodeError at `offset` whose message matches. */
function fails(input: string | Uint8Array, offset: number, message: RegExp, limits = {}): void {
  const bytes = typeof input === "string" ? text(input) : input;
  assert.throws(() => decodeBencode(bytes, limits), (error: unknown) => {
    assert.ok(error instanceof BencodeError, `not a BencodeError: ${error}`);
    assert.equal(error.offset, offset);
    assert.match(error.message, message);
    return true;
  });
}

Deno.test("decodes every type and keeps byte strings as bytes", () => {
  const { value } = decodeBencode(text("d4:listli1ei-2e0:e3:numi42e3:str5:helloe"));
  assert.deepEqual(value, { list: [1, -2, new Uint8Array()], num: 42, str: text("hello") });
});

Deno.test("reports where each top-level value lies", () => {
  const input = text("d1:ad1:bi1ee4:infod4:name1:xe1:zi0ee");
  const { spans } = decodeBencode(input);
  const info = spans.get("info")!;
  assert.equal(new TextDecoder().decode(input.subarray(info.start, info.end)), "d4:name1:xe");
  assert.deepEqual(spans.get("a"), { start: 4, end: 12 });
  assert.equal(spans.size, 3);
});

Deno.test("refuses non-canonical and malformed input with the offset", () => {
  fails("i01e", 0, /leading zero/);
  fails("i-0e", 0, /negative zero/);
  fails("ie", 0, /no digits/);
  fails("i1x2e", 2, /non-digit/);
  fails("li1e03:abce", 4, /string length has a leading zero/);
  fails("d1:ai1e1:ai2ee", 7, /duplicate dictionary key "a"/);
  fails("di1ei2ee", 1, /key is not a string/);
  fails("d1:ae", 4, /key without a value/);
  fails("i1ei2e", 3, /trailing data/);
  fails("e", 0, /unexpected end marker/);
  fails("x", 0, /unexpected byte 0x78/);
  fails("", 0, /empty input/);
  fails("l", 1, /truncated/);
  fails("5:abc", 0, /runs past the end/);
  fails("i12", 0, /truncated integer/);
  fails("12", 0, /truncated string length/);
  fails("d9:__proto__de1:ai1ee", 1, /__proto__/);
});

Deno.test("bounds nesting depth, tokens, string size, integers and total size", () => {
  const deep = "l".repeat(100_000) + "e".repeat(100_000);
  fails(deep, 100, /nesting deeper than 100/);
  assert.doesNotThrow(() => decodeBencode(text("l".repeat(100) + "e".repeat(100))));
  fails("l" + "i1e".repeat(11) + "e", 28, /more than 10 tokens/, { maxBencodeTokens: 10 });
  fails("99999999999:x", 0, /string length exceeds the limit/);
  fails("5:hello", 0, /exceeds the limit of 4 bytes/, { maxBencodeStringBytes: 4 });
  fails("i9007199254740992e", 0, /too large/);
  fails(`i${"9".repeat(400)}e`, 0, /too large/);
  assert.deepEqual(decodeBencode(text("i-9007199254740991e")).value, -9007199254740991);
  fails("le", 0, /exceeds the limit of 1/, { maxBencodeBytes: 1 });
});

Deno.test("encodes with sorted keys and round-trips", () => {
  const encoded = encodeBencode({ b: 1, a: [text("x"), "y"], c: { z: 0 } });
  assert.equal(new TextDecoder().decode(encoded), "d1:al1:x1:ye1:bi1e1:cd1:zi0eee");
  assert.deepEqual(decodeBencode(encoded).value, {
    a: [text("x"), text("y")],
    b: 1,
    c: { z: 0 },
  });
});

Deno.test("keeps pre-encoded values and binary keys byte for byte", () => {
  const raw = text("d1:bi1e1:ai2ee"); // not canonical: must survive as is
  const out = encodeDictOfEncoded([["z", text("i0e")], [new Uint8Array([0xff]), text("0:")], [
    "info",
    raw,
  ]]);
  assert.deepEqual(
    out,
    new Uint8Array([...text("d4:info"), ...raw, ...text("1:zi0e1:"), 0xff, ...text("0:e")]),
  );
});

Deno.test("keys are named losslessly: binary keys, byte order marks, U+FFFD", () => {
  const binary = new Uint8Array([0xff, 0x00, 0x10]);
  const decoded = decodeBencode(encodeDictOfEncoded([
    [binary, text("i1e")],
    ["ff0010", text("i2e")],
    ["\ufeffa", text("i3e")],
    ["a", text("i4e")],
    ["\ufffd", text("i5e")],
  ])).value as Record<string, number>;
  assert.equal(decoded[bencodeKey(binary)], 1);
  assert.equal(decoded["ff0010"], 2);
  assert.equal(decoded["\ufeffa"], 3);
  assert.equal(decoded["a"], 4);
  assert.equal(decoded["\ufffd"], 5);
  assert.equal(bencodeKey(binary), "\udcff\udc00\udc10");
  assert.deepEqual(keyBytes(bencodeKey(binary)), binary);
  // Re-encoding restores every key's bytes in byte order.
  assert.deepEqual(
    encodeBencode(decoded),
    encodeDictOfEncoded([
      [binary, text("i1e")],
      ["ff0010", text("i2e")],
      ["\ufeffa", text("i3e")],
      ["a", text("i4e")],
      ["\ufffd", text("i5e")],
    ]),
  );
});

Deno.test("refuses integers that are not safe when encoding", () => {
  assert.throws(() => encodeBencode(2 ** 53), TypeError);
  assert.throws(() => encodeBencode(1.5), TypeError);
  assert.throws(() => encodeBencode(Symbol("x")), TypeError);
});
