/**
 * The uTP packet codec byte for byte (BEP 29 header, selective-ack
 * extension, our largest-packet extension), telling uTP from other UDP traffic, sequence arithmetic
 * across the wrap from 65535 to 0, and the round-trip timeout.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  encodeHeader,
  EXTENSION_MAX_PACKET,
  HEADER_SIZE,
  isUtpPacket,
  PacketType,
  readPacket,
  refreshHeader,
  UtpHeader,
  writeMaxPacket,
  writeSack,
} from "../../transports/utp/packet.ts";
import { RttEstimator } from "../../transports/utp/rtt.ts";
import { seqAdd, seqDistance, seqLess } from "../../transports/utp/seq.ts";

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const bytes = (text: string) => new Uint8Array(text.match(/../g)!.map((h) => parseInt(h, 16)));

Deno.test("utp packet: a DATA header encodes byte for byte as BEP 29 lays it out", () => {
  const packet = new Uint8Array(HEADER_SIZE + 3);
  encodeHeader(packet, PacketType.DATA, 0x1234, 0xdeadbeef, 0x01020304, 1048576, 0xfffe, 0x0001, 0);
  packet.set([7, 8, 9], HEADER_SIZE);
  // type 0 / version 1, no extension, id, timestamp, difference, window, seq, ack, payload
  assert.equal(
    hex(packet),
    "0100" + "1234" + "deadbeef" + "01020304" + "00100000" + "fffe" + "0001" + "070809",
  );
  const header = new UtpHeader();
  assert.equal(readPacket(packet, header), HEADER_SIZE);
  assert.deepEqual({ ...header }, {
    type: PacketType.DATA,
    connectionId: 0x1234,
    timestamp: 0xdeadbeef,
    timestampDiff: 0x01020304,
    windowSize: 1048576,
    seq: 0xfffe,
    ack: 1,
    sackOffset: -1,
    sackLength: 0,
    maxPacket: 0,
  });
});

Deno.test("utp packet: each type's first byte, and refreshing a header for a resend", () => {
  const first = (type: number) => {
    const packet = new Uint8Array(HEADER_SIZE);
    encodeHeader(packet, type, 0, 0, 0, 0, 0, 0, 0);
    return packet[0];
  };
  assert.deepEqual(
    [PacketType.DATA, PacketType.FIN, PacketType.STATE, PacketType.RESET, PacketType.SYN].map(
      first,
    ),
    [0x01, 0x11, 0x21, 0x31, 0x41],
  );
  const packet = bytes("41000007" + "00000000" + "00000000" + "00010000" + "0005" + "0000");
  refreshHeader(packet, 0x11223344, 0x55667788, 0x99, 0xabcd);
  assert.equal(hex(packet), "41000007" + "11223344" + "55667788" + "00000099" + "0005" + "abcd");
});

Deno.test("utp packet: a selective ack round-trips, bits least significant first", () => {
  const packet = new Uint8Array(HEADER_SIZE + 2 + 4);
  encodeHeader(packet, PacketType.STATE, 1, 2, 3, 4, 5, 100, 1);
  // Packets ack + 2 + i for i in {0, 3, 8, 31} arrived.
  writeSack(packet, HEADER_SIZE, 4, (i) => [0, 3, 8, 31].includes(i));
  assert.equal(hex(packet.subarray(HEADER_SIZE)), "0004" + "09" + "01" + "00" + "80");
  const header = new UtpHeader();
  assert.equal(readPacket(packet, header), packet.length);
  assert.equal(header.sackOffset, HEADER_SIZE + 2);
  assert.equal(header.sackLength, 4);
});

Deno.test("utp packet: the largest-packet extension round-trips; without it the size is 0", () => {
  const packet = new Uint8Array(HEADER_SIZE + 4);
  encodeHeader(packet, PacketType.SYN, 1, 2, 0, 4, 5, 0, EXTENSION_MAX_PACKET);
  writeMaxPacket(packet, HEADER_SIZE, 65535);
  assert.equal(hex(packet.subarray(0, 2)), "414d");
  assert.equal(hex(packet.subarray(HEADER_SIZE)), "0002" + "ffff");
  const header = new UtpHeader();
  assert.equal(readPacket(packet, header), packet.length);
  assert.equal(header.maxPacket, 65535);
  assert.equal(header.sackOffset, -1);
  assert.equal(readPacket(packet.subarray(0, HEADER_SIZE), header), -1); // the chain runs out
  const plain = new Uint8Array(HEADER_SIZE);
  encodeHeader(plain, PacketType.SYN, 1, 2, 0, 4, 5, 0, 0);
  assert.equal(readPacket(plain, header), HEADER_SIZE);
  assert.equal(header.maxPacket, 0);
});

Deno.test("utp packet: libtorrent's 1-byte selective ack and unknown extensions are read; broken chains are not", () => {
  const header = new UtpHeader();
  // A 1-byte bitmask (libtorrent), then an unknown extension 9 of 2 bytes, then payload "zz".
  const ok = bytes(
    "2101" + "0001" + "00000000" + "00000000" + "00000000" + "0000" + "0000" + "0901ff" +
      "0002abcd" + "7a7a",
  );
  assert.equal(readPacket(ok, header), ok.length - 2);
  assert.equal(header.sackLength, 1);
  const cut = ok.subarray(0, HEADER_SIZE + 3); // The extension says 1 byte, then the chain runs out.
  assert.equal(readPacket(cut, header), -1);
  const emptySack = bytes("2101" + "0001" + "00".repeat(16) + "0000");
  assert.equal(readPacket(emptySack, header), -1);
});

Deno.test("utp packet: only uTP is claimed: other versions, types, short packets and tracker or DHT traffic are not", () => {
  const header = new UtpHeader();
  const valid = new Uint8Array(HEADER_SIZE);
  encodeHeader(valid, PacketType.STATE, 0, 0, 0, 0, 0, 0, 0);
  assert.ok(isUtpPacket(valid));
  for (
    const [what, packet] of [
      ["19 bytes", valid.subarray(0, 19)],
      ["empty", new Uint8Array(0)],
      ["version 2", Uint8Array.from(valid, (b, i) => i === 0 ? 0x22 : b)],
      ["type 5", Uint8Array.from(valid, (b, i) => i === 0 ? 0x51 : b)],
      ["a UDP tracker reply (action 1)", bytes("00000001" + "00".repeat(16))],
      [
        "a DHT message",
        new TextEncoder().encode("d1:ad2:id20:aaaaaaaaaaaaaaaaaaaae1:q4:ping1:t2:aa1:y1:qe"),
      ],
    ] as const
  ) {
    assert.equal(isUtpPacket(packet), false, what);
    assert.equal(readPacket(packet, header), -1, what);
  }
});

Deno.test("utp seq: arithmetic wraps from 65535 to 0", () => {
  assert.equal(seqAdd(65535, 1), 0);
  assert.equal(seqAdd(0, -1), 65535);
  assert.equal(seqAdd(65000, 1000), 464);
  assert.equal(seqDistance(65530, 5), 11);
  assert.equal(seqDistance(5, 65530), -11);
  assert.equal(seqDistance(100, 100), 0);
  assert.ok(seqLess(65535, 0));
  assert.ok(seqLess(65000, 200));
  assert.ok(!seqLess(200, 65000));
  assert.ok(!seqLess(7, 7));
  // Half the space is the horizon: beyond it, "after" becomes "before".
  assert.equal(seqDistance(0, 32767), 32767);
  assert.equal(seqDistance(0, 32768), -32768);
});

Deno.test("utp rtt: timeout from the smoothed round trip and its variance, doubled and bounded", () => {
  const rtt = new RttEstimator();
  assert.equal(rtt.timeoutMs, 1000);
  rtt.sample(100); // rtt 100, var 50: 100 + 4 * 50
  assert.equal(rtt.timeoutMs, 300);
  rtt.sample(100); // var 50 -> 37.5: 100 + 150
  assert.equal(rtt.timeoutMs, 250);
  for (let i = 0; i < 50; i++) rtt.sample(1); // Loopback: clamped at the floor.
  assert.equal(rtt.timeoutMs, 150);
  rtt.backOff();
  assert.equal(rtt.timeoutMs, 300);
  for (let i = 0; i < 10; i++) rtt.backOff();
  assert.equal(rtt.timeoutMs, 8000);
});
