/**
 * The tracker server over real sockets on loopback, spoken to by our own
 * HTTP and UDP tracker clients and by raw WebSockets: announce, scrape,
 * signalling relay, expiry, bounds and garbage.
 *
 * @module
 */

import assert from "node:assert/strict";
import { toHex } from "../../src/bytes.ts";
import { announceHttp, scrapeHttp } from "../../src/discovery/http_tracker.ts";
import type { AnnounceRequest } from "../../src/discovery/types.ts";
import { UdpTrackerClient } from "../../src/discovery/udp_tracker.ts";
import { bindUdp } from "../../src/net/udp.ts";
import { binaryString } from "../../src/discovery/_binary.ts";
import { startTracker, type TrackerServer } from "../../src/tracker/server.ts";
import { SwarmTable } from "../../src/tracker/swarms.ts";

const HASH = Uint8Array.from({ length: 20 }, (_, i) => 0x80 + i);
const request = (id: number, port: number, left: number): AnnounceRequest => ({
  infoHash: HASH,
  peerId: Uint8Array.from({ length: 20 }, () => id),
  port,
  uploaded: 0,
  downloaded: 0,
  left,
  event: "started",
});

async function withTracker(fn: (tracker: TrackerServer) => Promise<void>): Promise<void> {
  const tracker = await startTracker({ host: "127.0.0.1", port: 0 });
  try {
    await fn(tracker);
  } finally {
    await tracker.close();
  }
}

Deno.test("tracker: HTTP announce returns the other peers, compact, and scrape counts them", () =>
  withTracker(async (tracker) => {
    const first = await announceHttp(tracker.httpUrl, request(1, 6001, 0));
    assert.deepEqual(first.peers, []);
    assert.equal(first.interval, 120);
    const second = await announceHttp(tracker.httpUrl, request(2, 6002, 100));
    assert.deepEqual(second.peers, [{ host: "127.0.0.1", port: 6001 }]);
    assert.equal(second.complete, 1);
    assert.equal(second.incomplete, 1);
    const scraped = await scrapeHttp(tracker.httpUrl, [HASH, new Uint8Array(20)]);
    assert.deepEqual(scraped.get(toHex(HASH)), { complete: 1, incomplete: 1, downloaded: 0 });
    assert.deepEqual(scraped.get("00".repeat(20)), { complete: 0, incomplete: 0, downloaded: 0 });
    await announceHttp(tracker.httpUrl, { ...request(2, 6002, 0), event: "completed" });
    await announceHttp(tracker.httpUrl, { ...request(1, 6001, 0), event: "stopped" });
    const after = await scrapeHttp(tracker.httpUrl, [HASH]);
    assert.deepEqual(after.get(toHex(HASH)), { complete: 1, incomplete: 0, downloaded: 1 });
  }));

Deno.test("tracker: UDP (BEP 15) announce and scrape through our UDP client", () =>
  withTracker(async (tracker) => {
    const socket = await bindUdp({ host: "127.0.0.1" });
    const client = new UdpTrackerClient(socket);
    try {
      await client.announce(tracker.udpUrl, request(1, 7001, 0));
      const answer = await client.announce(tracker.udpUrl, request(2, 7002, 5));
      assert.deepEqual(answer.peers, [{ host: "127.0.0.1", port: 7001 }]);
      assert.equal(answer.complete, 1);
      assert.equal(answer.incomplete, 1);
      const scraped = await client.scrape(tracker.udpUrl, [HASH]);
      assert.deepEqual(scraped.get(toHex(HASH)), { complete: 1, incomplete: 1, downloaded: 0 });
      // The HTTP side sees the same swarm.
      const viaHttp = await announceHttp(tracker.httpUrl, request(3, 7003, 5));
      assert.equal(viaHttp.peers.length, 2);
    } finally {
      client.close();
      socket.close();
    }
  }));

Deno.test("tracker: garbage gets failures or silence, and the tracker keeps serving", () =>
  withTracker(async (tracker) => {
    const base = tracker.httpUrl;
    for (const query of ["", "?info_hash=short&peer_id=x&port=1", "?%zz=%%&&=", "?port=99999"]) {
      const body = new Uint8Array(await (await fetch(base + query)).arrayBuffer());
      assert.match(new TextDecoder().decode(body), /^d14:failure reason/);
    }
    assert.equal((await fetch(base.replace("announce", "nothing"))).status, 404);
    const socket = await bindUdp({ host: "127.0.0.1" });
    const replies: Uint8Array[] = [];
    socket.addHandler((bytes) => void replies.push(bytes));
    const to = { host: "127.0.0.1", port: tracker.port };
    await socket.send(new Uint8Array(5), to);
    await socket.send(new Uint8Array(16).fill(0xff), to);
    const announce = new Uint8Array(98);
    new DataView(announce.buffer).setUint32(8, 1); // announce with a connection id never issued
    await socket.send(announce, to);
    const ok = await announceHttp(base, request(9, 9009, 0));
    assert.equal(ok.interval, 120);
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.close();
    assert.equal(replies.length, 1, "only the unconnected announce is answered");
    assert.equal(new DataView(replies[0]!.buffer).getUint32(0), 3, "with an error");
  }));

Deno.test("tracker: WebSocket offers reach another peer and answers come back", () =>
  withTracker(async (tracker) => {
    const hash = binaryString(HASH);
    const [a, b] = await Promise.all([openSocket(tracker.wsUrl), openSocket(tracker.wsUrl)]);
    try {
      const idA = "A".repeat(19) + "\u00ff";
      const idB = "B".repeat(20);
      a.send({ action: "announce", info_hash: hash, peer_id: idA, numwant: 0, left: 0 });
      assert.equal((await a.next()).interval, 120);
      b.send({
        action: "announce",
        info_hash: hash,
        peer_id: idB,
        numwant: 1,
        left: 10,
        offers: [{ offer_id: "o".repeat(20), offer: { type: "offer", sdp: "v=0" } }],
      });
      assert.equal((await b.next()).complete, 1);
      const offer = await a.next();
      assert.deepEqual(offer, {
        action: "announce",
        offer: { type: "offer", sdp: "v=0" },
        offer_id: "o".repeat(20),
        peer_id: idB,
        info_hash: hash,
      });
      a.send({
        action: "announce",
        info_hash: hash,
        peer_id: idA,
        to_peer_id: idB,
        offer_id: "o".repeat(20),
        answer: { type: "answer", sdp: "v=1" },
      });
      const answer = await b.next();
      assert.equal(answer.peer_id, idA);
      assert.deepEqual(answer.answer, { type: "answer", sdp: "v=1" });
      b.send({ action: "scrape", info_hash: [hash] });
      assert.deepEqual((await b.next()).files, {
        [hash]: { complete: 1, incomplete: 1, downloaded: 0 },
      });
      a.send({ action: "announce", info_hash: "short", peer_id: idA });
      assert.ok((await a.next())["failure reason"]);
      a.close();
      await a.closed;
      // A closed socket leaves its swarms.
      for (let i = 0; i < 50 && tracker.table.counts(hash).complete > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(tracker.table.counts(hash).complete, 0);
    } finally {
      a.close();
      b.close();
      await Promise.all([a.closed, b.closed]);
    }
  }));

Deno.test("swarm table: stale peers expire, swarms and peers stay within bounds", () => {
  let now = 0;
  const table = new SwarmTable({ peerTtlMs: 1000, maxPeersPerSwarm: 3, maxSwarms: 2 }, () => now);
  const peer = (n: number) => ({
    id: String(n).padStart(20, "0"),
    host: "127.0.0.1",
    port: n,
    left: 1,
  });
  for (let n = 1; n <= 5; n++) table.announce({ infoHash: "h1".padEnd(20), peer: peer(n) });
  assert.equal(table.counts("h1".padEnd(20)).incomplete, 3, "the oldest two were dropped");
  const { peers } = table.announce({ infoHash: "h1".padEnd(20), peer: peer(6), numWant: 10 });
  assert.deepEqual(peers.map((p) => p.port).sort(), [4, 5]);
  table.announce({ infoHash: "h2".padEnd(20), peer: peer(1) });
  assert.throws(() => table.announce({ infoHash: "h3".padEnd(20), peer: peer(1) }), RangeError);
  now = 500;
  table.announce({ infoHash: "h2".padEnd(20), peer: peer(2) });
  now = 1200;
  table.sweep();
  assert.equal(table.size, 1, "h1 expired entirely");
  assert.equal(table.counts("h2".padEnd(20)).incomplete, 1, "peer 1 of h2 expired, peer 2 stays");
  table.announce({ infoHash: "h3".padEnd(20), peer: peer(1) }); // room again
  assert.equal(table.size, 2);
});

interface JsonSocket {
  send(message: unknown): void;
  next(): Promise<Record<string, unknown>>;
  close(): void;
  closed: Promise<void>;
}

async function openSocket(url: string): Promise<JsonSocket> {
  const socket = new WebSocket(url);
  const inbox: Record<string, unknown>[] = [];
  let wake: (() => void) | null = null;
  const closed = new Promise<void>((resolve) => socket.addEventListener("close", () => resolve()));
  socket.addEventListener("message", (event) => {
    inbox.push(JSON.parse(event.data));
    wake?.();
  });
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", reject);
  });
  return {
    send: (message) => socket.send(JSON.stringify(message)),
    async next() {
      const deadline = Date.now() + 5000;
      while (inbox.length === 0) {
        if (Date.now() > deadline) throw new Error("no message within 5 s");
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
      return inbox.shift()!;
    },
    close: () => socket.close(),
    closed,
  };
}

Deno.test("tracker: random UDP packets, HTTP queries and WebSocket frames do not stop it", () =>
  withTracker(async (tracker) => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const socket = await bindUdp({ host: "127.0.0.1" });
    const to = { host: "127.0.0.1", port: tracker.port };
    for (let i = 0; i < 2000; i++) {
      const packet = Uint8Array.from({ length: Math.floor(random() * 120) }, () => random() * 256);
      if (packet.length >= 12 && i % 2 === 0) packet[11] = i % 4; // a known action, usually
      await socket.send(packet, to);
    }
    socket.close();
    for (let i = 0; i < 200; i++) {
      const query = Array.from(
        { length: Math.floor(random() * 60) },
        () => String.fromCharCode(33 + Math.floor(random() * 94)),
      ).join("");
      const response = await fetch(`${tracker.httpUrl}?${encodeURI(query)}`);
      await response.body?.cancel();
      assert.ok(response.status === 200 || response.status === 404 || response.status === 400);
    }
    const ws = new WebSocket(tracker.wsUrl);
    await new Promise((resolve) => ws.addEventListener("open", resolve));
    const closed = new Promise((resolve) => ws.addEventListener("close", resolve));
    ws.send("{");
    ws.send(JSON.stringify({ action: "announce", info_hash: 5, offers: "x" }));
    ws.send(new Uint8Array(10)); // binary: refused by closing
    await closed;
    const answer = await announceHttp(tracker.httpUrl, request(4, 4004, 0));
    assert.equal(answer.interval, 120);
  }));
