/**
 * Hostile input to a uTP endpoint on loopback, from a raw UDP socket, while
 * a good connection on the same endpoint moves data: truncated packets,
 * other versions and types, broken extension chains, random bytes, a peer
 * that acks data never sent and sends far outside the window, and a flood
 * of SYNs. Nothing crashes, the good connection never stalls, the hostile
 * connection still works afterwards, and half-open connections stay bounded.
 *
 * @module
 */

import assert from "node:assert/strict";
import { bindUdp } from "../../src/net/udp.ts";
import type { Conn } from "../../transports/mod.ts";
import { MAX_HALF_OPEN_PER_ADDRESS } from "../../transports/utp/endpoint.ts";
import { utpTransport } from "../../transports/utp/mod.ts";
import {
  encodeHeader,
  HEADER_SIZE,
  PacketType,
  readPacket,
  UtpHeader,
} from "../../transports/utp/packet.ts";

const HOST = "127.0.0.1";

function packet(type: number, id: number, seq: number, ack: number, payload = new Uint8Array(0)) {
  const bytes = new Uint8Array(HEADER_SIZE + payload.length);
  encodeHeader(bytes, type, id, 1, 0, 1 << 20, seq, ack, 0);
  bytes.set(payload, HEADER_SIZE);
  return bytes;
}

/** Sends `size` bytes from `a` to `b` and checks them; rejects after 10 s. */
async function transfer(a: Conn, b: Conn, size: number, seed: number): Promise<void> {
  const sent = Uint8Array.from({ length: size }, (_, i) => (i * 13 + seed) & 0xff);
  const writer = a.writable.getWriter();
  const writing = writer.write(sent).finally(() => writer.releaseLock());
  const reader = b.readable.getReader();
  const got = new Uint8Array(size);
  const timer = setTimeout(() => reader.cancel(new Error("stalled")), 10_000);
  try {
    for (let at = 0; at < size;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the good connection stalled or ended at ${at} of ${size}`);
      got.set(value, at);
      at += value.length;
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  await writing;
  assert.deepEqual(got, sent);
}

Deno.test("utp bad input: garbage, a hostile peer and a SYN flood crash nothing and stall nothing", async () => {
  const utp = utpTransport();
  const listener = await utp.listen({ host: HOST });
  const incoming = listener[Symbol.asyncIterator]();
  const [good, next] = await Promise.all([utp.dial(listener.address), incoming.next()]);
  const goodAccepted = next.value as Conn;
  const raw = await bindUdp({ host: HOST });
  const replies: UtpHeader[] = [];
  raw.addHandler((bytes) => {
    const header = new UtpHeader();
    if (readPacket(bytes, header) >= 0) replies.push(header);
    return true;
  });
  const send = (bytes: Uint8Array) => raw.send(bytes, listener.address);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
  try {
    await transfer(good, goodAccepted, 1 << 20, 1);

    // Truncated headers, other versions and types, broken extension chains.
    const valid = packet(PacketType.SYN, 1, 1, 0);
    for (let n = 0; n < HEADER_SIZE; n++) await send(valid.subarray(0, n));
    for (const first of [0x02, 0x42, 0x51, 0xf1, 0x00, 0x64]) {
      await send(Uint8Array.from(valid, (b, i) => i === 0 ? first : b));
    }
    const chain = packet(PacketType.STATE, 2, 1, 0);
    chain[1] = 1; // A selective ack that the packet has no room for.
    await send(chain);
    await send(new Uint8Array([...chain, 0, 200, 1, 2]));
    let x = 0x2545f491;
    for (let i = 0; i < 500; i++) {
      const length = i % 64;
      await send(Uint8Array.from({ length }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24));
    }
    await settle();

    // A hostile peer: a real handshake, then an ack of data never sent and
    // data far outside the window, then one good packet, which must arrive.
    await send(packet(PacketType.SYN, 1000, 500, 0));
    await settle();
    const synAck = replies.find((h) => h.type === PacketType.STATE && h.connectionId === 1000);
    assert.ok(synAck, "no answer to a SYN");
    await send(packet(PacketType.STATE, 1001, 501, (synAck.seq + 5000) & 0xffff));
    await send(
      packet(PacketType.DATA, 1001, (501 + 30_000) & 0xffff, synAck.seq - 1, new Uint8Array([9])),
    );
    await send(
      packet(
        PacketType.DATA,
        1001,
        501,
        (synAck.seq - 1) & 0xffff,
        new TextEncoder().encode("hello"),
      ),
    );
    const hostile = await incoming.next();
    assert.equal(hostile.done, false);
    const { value } = await (hostile.value as Conn).readable.getReader().read();
    assert.equal(new TextDecoder().decode(value), "hello");

    // A flood of SYNs from one address: few are answered, the rest dropped.
    const before = replies.length;
    for (let id = 2000; id < 3000; id++) await send(packet(PacketType.SYN, id, 1, 0));
    await settle();
    const answered = replies.slice(before).filter((h) =>
      h.connectionId >= 2000 && h.connectionId < 3000
    );
    assert.ok(
      new Set(answered.map((h) => h.connectionId)).size <= MAX_HALF_OPEN_PER_ADDRESS,
      `${answered.length} SYNs of a flood were answered`,
    );

    // Meanwhile and afterwards: the good connection still moves data both ways,
    // and a new dialler from another address gets in.
    await transfer(good, goodAccepted, 1 << 20, 2);
    await transfer(goodAccepted, good, 1 << 20, 3);
    const [late, lateNext] = await Promise.all([
      utpTransport().dial(listener.address),
      incoming.next(),
    ]);
    await transfer(late, lateNext.value as Conn, 64 * 1024, 4);
    late.close();
  } finally {
    raw.close();
    good.close();
    goodAccepted.close();
    listener.close();
  }
});
