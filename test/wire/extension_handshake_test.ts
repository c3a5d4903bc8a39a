import assert from "node:assert/strict";
import {
  decodeExtensionHandshake,
  encodeExtensionHandshake,
} from "../../src/wire/extension_handshake.ts";
import { WireError } from "../../src/wire/wire_error.ts";

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

function fails(payload: string, detail: RegExp): void {
  assert.throws(() => decodeExtensionHandshake(text(payload)), (error: unknown) => {
    assert.ok(error instanceof WireError);
    assert.equal(error.reason, "bad-extension-handshake");
    assert.match(error.detail, detail);
    return true;
  });
}

Deno.test("encodes every field in key order", () => {
  const bytes = encodeExtensionHandshake({
    extensions: new Map([["ut_pex", 2], ["ut_metadata", 1]]),
    client: "seed 0.1",
    port: 6881,
    requestQueue: 250,
    yourIp: new Uint8Array([127, 0, 0, 1]),
    metadataSize: 31235,
    extra: { upload_only: 1 },
  });
  assert.equal(
    str(bytes),
    "d1:md11:ut_metadatai1e6:ut_pexi2ee13:metadata_sizei31235e1:pi6881e4:reqqi250e" +
      "11:upload_onlyi1e1:v8:seed 0.16:yourip4:\x7f\x00\x00\x01e",
  );
});

Deno.test("decodes what libtorrent sends", () => {
  const payload = "d12:complete_agoi-1e1:md11:lt_donthavei7e10:share_modei8e11:upload_onlyi3e" +
    "12:ut_holepunchi4e11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei5917e4:reqqi500e" +
    "11:upload_onlyi0e1:v17:qBittorrent/4.5.26:yourip4:\x0a\x00\x00\x02e";
  const handshake = decodeExtensionHandshake(text(payload));
  assert.deepEqual(
    [...handshake.extensions],
    [["lt_donthave", 7], ["share_mode", 8], ["upload_only", 3], ["ut_holepunch", 4], [
      "ut_metadata",
      2,
    ], ["ut_pex", 1]],
  );
  assert.equal(handshake.client, "qBittorrent/4.5.2");
  assert.equal(handshake.requestQueue, 500);
  assert.equal(handshake.metadataSize, 5917);
  assert.deepEqual(handshake.yourIp, new Uint8Array([10, 0, 0, 2]));
  assert.equal(handshake.port, undefined);
  assert.deepEqual(handshake.extra, { complete_ago: -1, upload_only: 0 });
});

Deno.test("decode then encode keeps every field", () => {
  const original = {
    extensions: new Map([["ut_metadata", 3], ["ut_pex", 0]]),
    client: "Transmission 4.0.5",
    port: 51413,
    requestQueue: 512,
    yourIp: new Uint8Array(16).fill(0xfe),
    metadataSize: 0,
    extra: { e: 1 },
  };
  assert.deepEqual(decodeExtensionHandshake(encodeExtensionHandshake(original)), original);
});

Deno.test("missing fields are fine; an empty dictionary has no extensions", () => {
  assert.deepEqual(decodeExtensionHandshake(text("de")), { extensions: new Map() });
});

Deno.test("optional fields of the wrong type or range are left out", () => {
  const handshake = decodeExtensionHandshake(
    text("d1:pi70000e4:reqqi0e1:vi1e6:yourip3:abce"),
  );
  assert.deepEqual(handshake, { extensions: new Map() });
  assert.equal(decodeExtensionHandshake(text("d1:pi0ee")).port, undefined);
  assert.equal(decodeExtensionHandshake(text("d1:p4:6881e")).port, undefined);
});

Deno.test("m and metadata_size must be what they claim", () => {
  fails("d1:mli1eee", /m is not a dictionary/);
  fails("d1:md11:ut_metadata1:xee", /m\.ut_metadata/);
  fails("d1:md11:ut_metadatai256eee", /m\.ut_metadata/);
  fails("d1:md11:ut_metadatai-1eee", /m\.ut_metadata/);
  fails("d13:metadata_sizei-5ee", /metadata_size/);
  fails("d13:metadata_size3:abce", /metadata_size/);
});

Deno.test("bad bencode, a non-dictionary and limits are bad-extension-handshake", () => {
  fails("d1:m", /bencode/);
  fails("li1ee", /not a dictionary/);
  fails("d1:md1:a", /bencode/);
  assert.throws(
    () => decodeExtensionHandshake(text("d1:ad1:ad1:adeeee"), { maxBencodeDepth: 2 }),
    (e: unknown) => e instanceof WireError && e.reason === "bad-extension-handshake",
  );
});
