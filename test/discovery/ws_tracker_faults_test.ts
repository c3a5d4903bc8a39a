/**
 * The WebSocket tracker client against a hostile tracker (a raw WebSocket
 * server on loopback): garbage, foreign hashes, failures and answers to
 * offers it never made become warnings or are ignored; a dropped socket is
 * reconnected. No offers are made here, so no WebRTC is loaded.
 *
 * @module
 */

import assert from "node:assert/strict";
import { binaryString } from "../../src/discovery/_binary.ts";
import { WebSocketTracker } from "../../src/discovery/ws_tracker.ts";

const HASH = new Uint8Array(20).fill(7);
const ID = new Uint8Array(20).fill(9);

Deno.test("ws tracker client: garbage from the tracker is a warning, never a crash; it reconnects", async () => {
  const received: Record<string, unknown>[] = [];
  let connections = 0;
  const listening = Promise.withResolvers<number>();
  const abort = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: abort.signal,
    onListen: ({ port }) => listening.resolve(port),
  }, (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    const first = ++connections === 1;
    socket.addEventListener("message", (event) => {
      received.push(JSON.parse(event.data));
      if (!first) return;
      for (
        const bad of [
          "not json",
          "[1,2]",
          "null",
          JSON.stringify({ info_hash: "x".repeat(20), "failure reason": "someone else's" }),
          JSON.stringify({ info_hash: binaryString(HASH), "failure reason": "go away" }),
          JSON.stringify({ info_hash: binaryString(HASH), interval: -5, peer_id: 3 }),
          JSON.stringify({ info_hash: binaryString(HASH), peer_id: "p".repeat(20), answer: {} }),
          JSON.stringify({ info_hash: binaryString(HASH), answer: { sdp: 1 }, offer_id: "nope" }),
          "x".repeat(300 * 1024),
        ]
      ) socket.send(bad);
      setTimeout(() => socket.close(), 100);
    });
    return response;
  });
  const warnings: string[] = [];
  const tracker = new WebSocketTracker({
    url: `ws://127.0.0.1:${await listening.promise}`,
    infoHash: HASH,
    peerId: ID,
    stats: () => ({ uploaded: 1, downloaded: 2, left: 3 }),
    onConn: () => assert.fail("no connection can come from garbage"),
    onWarning: (message) => warnings.push(message),
    offers: 0,
  });
  try {
    tracker.start();
    for (let i = 0; i < 100 && connections < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(connections, 2, "reconnected after the tracker closed the socket");
    assert.equal(received[0]!.event, "started");
    assert.equal(received[0]!.info_hash, binaryString(HASH));
    assert.equal(received[0]!.peer_id, binaryString(ID));
    assert.equal(received[0]!.left, 3);
    assert.ok(warnings.some((w) => w.includes("not JSON")), warnings.join("\n"));
    assert.ok(warnings.some((w) => w.endsWith(": go away")), warnings.join("\n"));
    assert.ok(!warnings.some((w) => w.includes("someone else's")), "another torrent's failure");
    assert.ok(warnings.some((w) => w.includes("reconnecting")), warnings.join("\n"));
  } finally {
    tracker.stop();
    abort.abort();
    await server.finished;
  }
});
