import assert from "node:assert/strict";
import { concatBytes } from "../../src/bytes.ts";
import { ipBytes } from "../../src/discovery/_ip.ts";
import { encodeBencode } from "../../src/metainfo/bencode.ts";
import {
  decodeMetadataMessage,
  encodeMetadataMessage,
  metadataPieceCount,
  metadataPieceLength,
} from "../../src/wire/extensions/ut_metadata.ts";
import { decodePexMessage, encodePexMessage, PexFlags } from "../../src/wire/extensions/ut_pex.ts";
import { WireError } from "../../src/wire/wire_error.ts";

const text = (s: string) => new TextEncoder().encode(s);
const isBad = (error: unknown) =>
  error instanceof WireError && error.reason === "bad-extension-message";

Deno.test("ut_metadata: data keeps its payload after the dictionary, byte for byte", () => {
  const data = new Uint8Array(300).map((_, i) => i);
  const bytes = encodeMetadataMessage({ type: "data", piece: 1, totalSize: 16684, data });
  assert.deepEqual(decodeMetadataMessage(bytes), {
    type: "data",
    piece: 1,
    totalSize: 16684,
    data,
  });
  // A payload that itself looks like bencode does not confuse the split.
  const tricky = text("de");
  const again = decodeMetadataMessage(
    encodeMetadataMessage({ type: "data", piece: 0, totalSize: 2, data: tricky }),
  );
  assert.deepEqual(again.type === "data" && again.data, tricky);
  assert.deepEqual(decodeMetadataMessage(encodeMetadataMessage({ type: "reject", piece: 7 })), {
    type: "reject",
    piece: 7,
  });
  assert.equal(metadataPieceCount(16385), 2);
  assert.equal(metadataPieceLength(16385, 1), 1);
});

Deno.test("ut_metadata: malformed messages are typed wire errors", () => {
  const cases = [
    text("garbage"),
    text("i3e"),
    encodeBencode({ msg_type: 9, piece: 0 }),
    encodeBencode({ msg_type: 0 }),
    encodeBencode({ msg_type: 0, piece: -1 }),
    encodeBencode({ msg_type: 1, piece: 0 }),
    concatBytes([encodeBencode({ msg_type: 0, piece: 0 }), text("x")]),
    new Uint8Array(0),
  ];
  for (const bytes of cases) assert.throws(() => decodeMetadataMessage(bytes), isBad);
});

Deno.test("ut_pex: IPv4 and IPv6, added with flags and dropped, round trip", () => {
  const message = {
    added: [
      { address: { host: "127.0.0.1", port: 6881 }, flags: PexFlags.seed | PexFlags.reachable },
      { address: { host: "::1", port: 51413 }, flags: PexFlags.utp },
      { address: { host: "2001:db8::7", port: 1 }, flags: PexFlags.encryption },
    ],
    dropped: [{ host: "10.0.0.2", port: 80 }, { host: "fe80::1", port: 443 }],
  };
  assert.deepEqual(decodePexMessage(encodePexMessage(message), 50), message);
  // Host names cannot be sent compactly: left out.
  const named = encodePexMessage({
    added: [{ address: { host: "x.test", port: 1 }, flags: 0 }],
    dropped: [],
  });
  assert.deepEqual(decodePexMessage(named, 50), { added: [], dropped: [] });
});

Deno.test("ut_pex: too many peers, bad lengths and non-dictionaries are typed wire errors", () => {
  const many = Array.from({ length: 60 }, (_, i) => ({
    address: { host: `10.0.${i}.1`, port: 1000 + i },
    flags: 0,
  }));
  const big = encodePexMessage({ added: many, dropped: [] });
  assert.equal(decodePexMessage(big, 60).added.length, 60);
  assert.throws(() => decodePexMessage(big, 50), isBad);
  for (
    const bytes of [
      text("le"),
      text("garbage"),
      encodeBencode({ added: new Uint8Array(7) }),
      encodeBencode({ dropped6: new Uint8Array(17) }),
      encodeBencode({ added: 5 }),
    ]
  ) {
    assert.throws(() => decodePexMessage(bytes, 50), isBad);
  }
  // Missing flags read as 0.
  const bare = encodeBencode({ added: Uint8Array.of(127, 0, 0, 1, 0x1a, 0xe1) });
  assert.deepEqual(decodePexMessage(bare, 50).added, [
    { address: { host: "127.0.0.1", port: 6881 }, flags: 0 },
  ]);
});

Deno.test("ipBytes: IPv4, IPv6 with and without ::, and what is not an IP", () => {
  assert.deepEqual(ipBytes("1.2.3.4"), Uint8Array.of(1, 2, 3, 4));
  assert.deepEqual(ipBytes("::1"), Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));
  assert.deepEqual(ipBytes("1:2:3:4:5:6:7:8")?.[15], 8);
  assert.deepEqual(ipBytes("2001:db8::")?.[3], 0xb8);
  for (const bad of ["256.1.1.1", "1.2.3", "host", "1::2::3", "1:2:3", "12345::", "::g"]) {
    assert.equal(ipBytes(bad), null, bad);
  }
});
