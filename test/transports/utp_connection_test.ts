/**
 * Two uTP connections wired to each other in memory (no sockets), with
 * sequence numbers starting just below the wrap from 65535 to 0, so every
 * transfer crosses it: data both ways arrives whole, with and without lost
 * and reordered packets (selective acks and retransmissions across the wrap).
 * Small writes in one turn go out packed into full packets, and larger
 * packets are used only where both ends offer them.
 *
 * @module
 */

import assert from "node:assert/strict";
import { UtpConnection, type UtpLink } from "../../transports/utp/connection.ts";
import { readPacket, UtpHeader } from "../../transports/utp/packet.ts";
import type { PeerAddress } from "../../transports/mod.ts";

/** A link that delivers each packet to the other connection on a later turn, or not; ends turns as the endpoint does. */
class MemoryLink implements UtpLink {
  peer: UtpConnection | null = null;
  sent = 0;
  #header = new UtpHeader();
  #fate: (n: number, packet: Uint8Array) => "deliver" | "drop" | "delay";

  constructor(fate: MemoryLink["fate"] = () => "deliver") {
    this.#fate = fate;
  }

  get fate() {
    return this.#fate;
  }

  send(packet: Uint8Array): void {
    const copy = packet.slice(); // What went on the wire, before any later header refresh.
    const fate = this.#fate(this.sent++, copy);
    if (fate === "drop") return;
    setTimeout(() => {
      const at = readPacket(copy, this.#header);
      if (at >= 0) this.peer?.receive(this.#header, copy, at, performance.now());
    }, fate === "delay" ? 3 : 0);
  }

  flushSoon(conn: UtpConnection): void {
    setTimeout(() => conn.flushHeld(performance.now()), 0);
  }

  forget(): void {}
}

const A: PeerAddress = { host: "10.0.0.1", port: 1 };
const B: PeerAddress = { host: "10.0.0.2", port: 2 };

/**
 * A dialled and an accepted connection over memory links, sequence numbers
 * near the wrap, 100-byte packets unless both offer more.
 */
async function pair(fate?: MemoryLink["fate"], maxPayload: (number | undefined)[] = []) {
  const toB = new MemoryLink(fate);
  const toA = new MemoryLink(fate);
  const now = performance.now();
  const dialled = new UtpConnection(toB, B, {
    recvId: 7,
    sendId: 8,
    payloadSize: 100,
    ...(maxPayload[0] ? { maxPayload: maxPayload[0] } : {}),
    initialSeq: 65_530,
  }, now);
  // Catch the SYN by hand, to make the accepting side from it.
  const header = new UtpHeader();
  const syn = await new Promise<Uint8Array>((resolve) => {
    toB.peer = { receive: (_h: UtpHeader, bytes: Uint8Array) => resolve(bytes) } as never;
    dialled.tick(now + 10_000); // Its SYN timed out: sent again, to our catcher.
  });
  readPacket(syn, header);
  const accepted = new UtpConnection(
    toA,
    A,
    {
      recvId: 8,
      sendId: 7,
      payloadSize: 100,
      ...(maxPayload[1] ? { maxPayload: maxPayload[1] } : {}),
      initialSeq: 65_500,
    },
    now,
    header,
  );
  toB.peer = accepted;
  toA.peer = dialled;
  const ticker = setInterval(() => {
    dialled.tick(performance.now());
    accepted.tick(performance.now());
  }, 5);
  await dialled.connected;
  await accepted.connected;
  return {
    dialled,
    accepted,
    links: [toB, toA],
    close() {
      clearInterval(ticker);
      dialled.close();
      accepted.close();
    },
  };
}

function data(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) & 0xff);
}

async function read(conn: UtpConnection, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  const reader = conn.readable.getReader();
  for (let at = 0; at < length;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`ended after ${at} of ${length} bytes`);
    out.set(value, at);
    at += value.length;
  }
  reader.releaseLock();
  return out;
}

async function exchange(fate?: MemoryLink["fate"]) {
  const p = await pair(fate);
  try {
    // 2,000 packets one way and 500 the other, 100 bytes each: both cross 65535 -> 0.
    const ab = data(200_000, 1);
    const ba = data(50_000, 2);
    const writes = Promise.all([
      p.dialled.writable.getWriter().write(ab),
      p.accepted.writable.getWriter().write(ba),
    ]);
    const [atB, atA] = await Promise.all([read(p.accepted, ab.length), read(p.dialled, ba.length)]);
    await writes;
    assert.deepEqual(atB, ab);
    assert.deepEqual(atA, ba);
    return p.links.map((l) => l.sent);
  } finally {
    p.close();
  }
}

Deno.test("utp connection: data both ways across the sequence wrap", async () => {
  const [toB] = await exchange();
  assert.ok(toB! >= 2_000, `only ${toB} packets: no wrap`);
});

Deno.test("utp connection: lost and reordered packets across the wrap are sent again", async () => {
  const dropped = new Set<number>();
  const [toB, toA] = await exchange((n, packet) => {
    const seq = (packet[16]! << 8) | packet[17]!;
    // Each tenth DATA packet is lost once (around the wrap too), each seventh delayed.
    if (packet[0]! >> 4 === 0 && seq % 10 === 3 && !dropped.has(seq)) {
      dropped.add(seq);
      return "drop";
    }
    return n % 7 === 0 ? "delay" : "deliver";
  });
  assert.ok(dropped.has(65533) && dropped.has(3), "no loss on both sides of the wrap");
  assert.ok(toB! > 2_000 && toA! > 0);
});

Deno.test("utp connection: after a close, what was written arrives, then the end", async () => {
  const p = await pair();
  try {
    const sent = data(30_000, 3);
    await p.dialled.writable.getWriter().write(sent);
    p.dialled.close();
    const got = await read(p.accepted, sent.length);
    assert.deepEqual(got, sent);
    assert.equal((await p.accepted.readable.getReader().read()).done, true);
    await p.dialled.closed;
    await p.accepted.closed;
  } finally {
    p.close();
  }
});

Deno.test("utp connection: small writes in one turn go out packed into full packets", async () => {
  const sizes: number[] = [];
  const p = await pair((_n, packet) => {
    if (packet[0]! >> 4 === 0) sizes.push(packet.length);
    return "deliver";
  });
  try {
    const sent = data(2_000, 4);
    const writer = p.dialled.writable.getWriter();
    // 200 writes of 10 bytes, none awaited: one turn, as a peer writing a burst of messages.
    for (let at = 0; at < sent.length; at += 10) writer.write(sent.subarray(at, at + 10));
    assert.deepEqual(await read(p.accepted, sent.length), sent);
    assert.ok(
      sizes.length <= 22,
      `${sizes.length} DATA packets for 2,000 bytes in 100-byte packets`,
    );
  } finally {
    p.close();
  }
});

Deno.test("utp connection: larger packets only where both ends offer them, up to each one's path", async () => {
  for (
    const [offers, expected] of [
      [[1_000, 500], [1_000, 500]],
      [[1_000, undefined], [100, 100]],
      [[undefined, 500], [100, 100]],
    ] as const
  ) {
    const largest = [0, 0];
    const p = await pair((_n, packet) => {
      const from = ((packet[2]! << 8) | packet[3]!) === 8 ? 0 : 1; // dialled sends with id 8
      if (packet[0]! >> 4 === 0) largest[from] = Math.max(largest[from]!, packet.length - 20);
      return "deliver";
    }, [...offers]);
    try {
      const ab = data(20_000, 5);
      const ba = data(20_000, 6);
      p.dialled.writable.getWriter().write(ab);
      p.accepted.writable.getWriter().write(ba);
      assert.deepEqual(await read(p.accepted, ab.length), ab);
      assert.deepEqual(await read(p.dialled, ba.length), ba);
      assert.deepEqual(largest, [...expected], `offers ${offers}`);
    } finally {
      p.close();
    }
  }
});
