import assert from "node:assert/strict";
import {
  encodeHandshake,
  HANDSHAKE_BYTES,
  parseHandshake,
  readFlags,
  reservedBytes,
} from "../../src/wire/handshake.ts";
import { WireError } from "../../src/wire/wire_error.ts";
import { hex } from "./_helpers.ts";

const INFO_HASH = hex("0123456789abcdef0123456789abcdef01234567");
const PEER_ID = new TextEncoder().encode("-SE0001-abcdefghijkl");

Deno.test("a handshake is the protocol name, reserved bytes, info hash and peer id", () => {
  const bytes = encodeHandshake({
    reserved: reservedBytes({ fast: true, extended: true }),
    infoHash: INFO_HASH,
    peerId: PEER_ID,
  });
  const expected = hex(
    "13 426974546f7272656e742070726f746f636f6c" + // \x13BitTorrent protocol
      "0000000000100004" + // reserved: BEP 10 in byte 5, BEP 6 in byte 7
      "0123456789abcdef0123456789abcdef01234567" +
      "2d5345303030312d6162636465666768696a6b6c", // -SE0001-abcdefghijkl
  );
  assert.equal(HANDSHAKE_BYTES, 68);
  assert.deepEqual(bytes, expected);
  assert.deepEqual(parseHandshake(bytes), {
    reserved: hex("0000000000100004"),
    infoHash: INFO_HASH,
    peerId: PEER_ID,
  });
});

Deno.test("each extension has its own reserved bit", () => {
  assert.deepEqual(reservedBytes({ dht: true }), hex("0000000000000001"));
  assert.deepEqual(reservedBytes({ fast: true }), hex("0000000000000004"));
  assert.deepEqual(reservedBytes({ v2: true }), hex("0000000000000010"));
  assert.deepEqual(reservedBytes({ extended: true }), hex("0000000000100000"));
  assert.deepEqual(reservedBytes({}), hex("0000000000000000"));
  assert.deepEqual(readFlags(hex("0000000000100015")), {
    dht: true,
    fast: true,
    v2: true,
    extended: true,
  });
  assert.deepEqual(readFlags(hex("ffffffffffefffea")), {
    dht: false,
    fast: false,
    v2: false,
    extended: false,
  });
});

Deno.test("unknown reserved bits are kept", () => {
  const reserved = hex("8000000000000004");
  const parsed = parseHandshake(
    encodeHandshake({ reserved, infoHash: INFO_HASH, peerId: PEER_ID }),
  );
  assert.deepEqual(parsed.reserved, reserved);
  assert.equal(readFlags(parsed.reserved).fast, true);
});

Deno.test("parsed fields are copies", () => {
  const bytes = encodeHandshake({
    reserved: new Uint8Array(8),
    infoHash: INFO_HASH,
    peerId: PEER_ID,
  });
  const parsed = parseHandshake(bytes);
  bytes.fill(0);
  assert.deepEqual(parsed.infoHash, INFO_HASH);
});

Deno.test("anything but a BitTorrent handshake is bad-handshake", () => {
  const good = encodeHandshake({
    reserved: new Uint8Array(8),
    infoHash: INFO_HASH,
    peerId: PEER_ID,
  });
  const wrongName = good.slice();
  wrongName[1] = 0x62; // "bitTorrent"
  const wrongLength = good.slice();
  wrongLength[0] = 18;
  for (const bytes of [wrongName, wrongLength, good.subarray(0, 67), new Uint8Array(69)]) {
    assert.throws(
      () => parseHandshake(bytes),
      (e: unknown) => e instanceof WireError && e.reason === "bad-handshake",
    );
  }
});

Deno.test("encoding refuses fields of the wrong size", () => {
  assert.throws(
    () => encodeHandshake({ reserved: new Uint8Array(7), infoHash: INFO_HASH, peerId: PEER_ID }),
    RangeError,
  );
  assert.throws(
    () =>
      encodeHandshake({
        reserved: new Uint8Array(8),
        infoHash: new Uint8Array(32),
        peerId: PEER_ID,
      }),
    RangeError,
  );
  assert.throws(
    () =>
      encodeHandshake({
        reserved: new Uint8Array(8),
        infoHash: INFO_HASH,
        peerId: new Uint8Array(19),
      }),
    RangeError,
  );
});
