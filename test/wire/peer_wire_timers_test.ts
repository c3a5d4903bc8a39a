/**
 * `PeerWire` timeouts and keep-alives with tiny `Limits` and real timers.
 * Only lower bounds on time are asserted (a timer may be late, never early).
 *
 * @module
 */

import assert from "node:assert/strict";
import { encodeMessage } from "../../src/wire/encode.ts";
import { makePeerId } from "../../src/wire/peer_id.ts";
import { PeerWire } from "../../src/wire/peer_wire.ts";
import type { Message } from "../../src/wire/messages.ts";
import { WireError } from "../../src/wire/wire_error.ts";
import { INFO_HASH, RawPeer } from "./_helpers.ts";
import { scripted } from "./_scripted.ts";
import { connPair, wireTest } from "./_conns.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

wireTest("a silent peer fails the handshake with handshake-timeout", async () => {
  const [, conn] = connPair();
  const started = performance.now();
  const accepting = PeerWire.accept(conn, {
    peerId: makePeerId(),
    accept: () => true,
    limits: { handshakeTimeoutMs: 60 },
  });
  await assert.rejects(
    accepting,
    (e: unknown) => e instanceof WireError && e.reason === "handshake-timeout",
  );
  assert.ok(performance.now() - started >= 60);
});

wireTest("a peer that announces BEP 10 but never sends its handshake times out", async () => {
  const [connA, connB] = connPair();
  const peer = new RawPeer(connA);
  const accepting = PeerWire.accept(connB, {
    peerId: makePeerId(),
    accept: () => true,
    limits: { handshakeTimeoutMs: 60 },
  });
  await peer.sendHandshake(INFO_HASH, makePeerId(), { extended: true });
  await assert.rejects(
    accepting,
    (e: unknown) => e instanceof WireError && e.reason === "handshake-timeout",
  );
});

wireTest("a peer silent for idleTimeoutMs is closed with idle-timeout", async () => {
  const { wire, peer } = await scripted({
    limits: { idleTimeoutMs: 80, keepAliveIntervalMs: 10_000 },
  });
  const started = performance.now();
  for await (const _ of wire) assert.fail("nothing was sent");
  assert.equal((await wire.closed).reason, "idle-timeout");
  assert.ok(performance.now() - started >= 80);
  await peer.ended();
});

wireTest("the peer's keep-alives keep the connection open, and are not delivered", async () => {
  const { wire, peer } = await scripted({
    limits: { idleTimeoutMs: 150, keepAliveIntervalMs: 10_000 },
  });
  const received: Message[] = [];
  const reading = (async () => {
    for await (const message of wire) received.push(message);
  })();
  for (let i = 0; i < 12; i++) {
    await sleep(30);
    await peer.send(encodeMessage({ type: "keepAlive" }));
  }
  await peer.send(encodeMessage({ type: "unchoke" }));
  await sleep(10);
  wire.close();
  await reading;
  assert.deepEqual(await wire.closed, { reason: "local", message: "closed by us" });
  assert.deepEqual(received, [{ type: "unchoke" }]);
});

wireTest("time the owner is not reading does not count as idle", async () => {
  const { wire, peer } = await scripted({ limits: { idleTimeoutMs: 50 } });
  await sleep(200);
  await peer.send(encodeMessage({ type: "have", index: 4 }));
  for await (const message of wire) {
    assert.deepEqual(message, { type: "have", index: 4 });
    break;
  }
  wire.close();
  assert.equal((await wire.closed).reason, "local");
});

wireTest("we send keep-alives every keepAliveIntervalMs while otherwise silent", async () => {
  const { wire, peer } = await scripted({ limits: { keepAliveIntervalMs: 40 } });
  const started = performance.now();
  for (let i = 1; i <= 3; i++) {
    assert.deepEqual(await peer.readMessage(), { type: "keepAlive" });
    assert.ok(performance.now() - started >= 40 * i, `keep-alive ${i} came early`);
  }
  wire.close();
});

wireTest("sending other messages holds back keep-alives", async () => {
  const { wire, peer } = await scripted({ limits: { keepAliveIntervalMs: 250 } });
  for (let i = 0; i < 30; i++) {
    await wire.have(i % 10);
    await sleep(10);
  }
  wire.close();
  const types: string[] = [];
  try {
    while (true) types.push((await peer.readMessage()).type);
  } catch { /* the stream ended */ }
  assert.deepEqual(types, Array(30).fill("have"));
});
