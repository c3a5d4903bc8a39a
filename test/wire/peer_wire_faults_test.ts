/**
 * Each fault a single connection can see, sent by a scripted peer, closes
 * the wire with its typed reason and ends the iteration; the peer sees the
 * connection end.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { WireErrorReason } from "../../src/wire/wire_error.ts";
import type { Message } from "../../src/wire/messages.ts";
import { encodeMessage } from "../../src/wire/encode.ts";
import { hex } from "./_helpers.ts";
import { feed, scripted, type ScriptOptions } from "./_scripted.ts";
import { wireTest } from "./_conns.ts";

const HAVE: Message = { type: "have", index: 1 };

/** Opens a scripted wire, has it deliver `have 1`, then sends the fault and checks how it closed. */
async function closesWith(
  reason: WireErrorReason,
  fault: Message | Uint8Array,
  options: ScriptOptions = {},
): Promise<void> {
  const { wire, peer } = await scripted(options);
  const messages = wire[Symbol.asyncIterator]();
  await peer.send(encodeMessage(HAVE));
  assert.deepEqual(await messages.next(), { value: HAVE, done: false });
  await peer.send(fault instanceof Uint8Array ? fault : encodeMessage(fault));
  assert.deepEqual(await messages.next(), { value: undefined, done: true });
  const info = await wire.closed;
  assert.equal(info.reason, reason, info.message);
  await peer.ended();
}

wireTest("an over-long length prefix: message-too-long", async () => {
  await closesWith("message-too-long", hex("000003e9 07"), { limits: { maxMessageBytes: 1000 } });
});

wireTest("a fixed-size message of the wrong length: bad-length", async () => {
  await closesWith("bad-length", hex("00000006 04 0000000100"));
});

wireTest("an unknown message id: unknown-message", async () => {
  await closesWith("unknown-message", hex("00000001 0b"));
});

wireTest("a bitfield of the wrong length: bad-bitfield", async () => {
  const { wire, peer } = await scripted();
  const { received, info } = await feed(wire, peer, { type: "bitfield", bits: hex("ffc000") });
  assert.equal(info.reason, "bad-bitfield");
  assert.deepEqual(received, []);
});

wireTest("a bitfield with spare bits set: bad-bitfield", async () => {
  const { wire, peer } = await scripted();
  const { info } = await feed(wire, peer, { type: "bitfield", bits: hex("ffe0") }); // piece 10 of 10
  assert.equal(info.reason, "bad-bitfield");
  assert.match(info.message, /spare bits/);
});

wireTest("have none after a bitfield: duplicate-bitfield", async () => {
  const { wire, peer } = await scripted();
  const bitfield: Message = { type: "bitfield", bits: hex("ffc0") };
  const { received, info } = await feed(wire, peer, bitfield, { type: "haveNone" });
  assert.equal(info.reason, "duplicate-bitfield");
  assert.deepEqual(received, [bitfield]);
});

wireTest("a have out of range: bad-index", async () => {
  await closesWith("bad-index", { type: "have", index: 10 });
});

wireTest("a request over 16 KiB: request-too-large", async () => {
  await closesWith("request-too-large", { type: "request", index: 0, begin: 0, length: 16385 });
});

wireTest("a request past the end of its piece: bad-request", async () => {
  await closesWith("bad-request", { type: "request", index: 0, begin: 16385, length: 16384 });
  await closesWith("bad-request", { type: "request", index: 9, begin: 0, length: 1001 });
});

wireTest("a block past the end of its piece: bad-request", async () => {
  await closesWith("bad-request", { type: "piece", index: 9, begin: 999, block: hex("0102") });
});

wireTest("more queued requests than maxPeerRequests: too-many-requests", async () => {
  const { wire, peer } = await scripted({ limits: { maxPeerRequests: 4 } });
  await wire.unchoke();
  const requests: Message[] = [0, 1, 2, 3, 4].map((i) => ({
    type: "request",
    index: i,
    begin: 0,
    length: 16384,
  }));
  const { received, info } = await feed(wire, peer, ...requests);
  assert.equal(info.reason, "too-many-requests");
  assert.deepEqual(received, requests.slice(0, 4));
});

wireTest("requests served in time never reach the cap", async () => {
  const { wire, peer } = await scripted({ limits: { maxPeerRequests: 2 } });
  await wire.unchoke();
  const seen: Message[] = [];
  const reading = (async () => {
    for await (const message of wire) {
      seen.push(message);
      if (message.type === "request") {
        await wire.reject(message.index, message.begin, message.length);
      }
    }
  })();
  for (let i = 0; i < 6; i++) {
    await peer.send(hex(`0000000d 06 0000000${i} 00000000 00004000`));
    assert.equal((await peer.readMessage()).type, i === 0 ? "unchoke" : "reject");
    if (i === 0) assert.equal((await peer.readMessage()).type, "reject");
  }
  assert.equal(wire.status.queuedRequests, 0);
  wire.close();
  await reading;
  assert.equal(seen.length, 6);
});

wireTest("BEP 6 messages without BEP 6 agreed: not-negotiated", async () => {
  await closesWith("not-negotiated", { type: "haveAll" }, { peerFlags: {} });
  await closesWith("not-negotiated", { type: "allowedFast", index: 0 }, { peerFlags: {} });
});

wireTest("an extended message without BEP 10 agreed: not-negotiated", async () => {
  await closesWith("not-negotiated", { type: "extended", id: 1, payload: hex("00") });
});

wireTest(
  "a later extension handshake that is not a dictionary: bad-extension-handshake",
  async () => {
    await closesWith(
      "bad-extension-handshake",
      { type: "extended", id: 0, payload: hex("6c65") }, // "le"
      { peerFlags: { fast: true, extended: true } },
    );
  },
);

wireTest("the owner closes with a reason of its own; the peer sees the end", async () => {
  const { wire, peer } = await scripted();
  wire.close("unrequested-block", "piece 3 was never requested");
  assert.deepEqual(await wire.closed, {
    reason: "unrequested-block",
    message: "piece 3 was never requested",
  });
  await peer.ended();
  assert.equal(await wire.have(1), false); // sends after close resolve false
});

wireTest("the peer closing ends the iteration with connection-closed", async () => {
  const { wire, peer } = await scripted();
  const received: Message[] = [];
  const reading = (async () => {
    for await (const message of wire) received.push(message);
  })();
  await peer.send(hex("00000005 04 00000002"));
  peer.close();
  await reading;
  assert.deepEqual(received, [{ type: "have", index: 2 }]);
  assert.equal((await wire.closed).reason, "connection-closed");
});

wireTest("a shape set later (after a magnet's metadata) checks later messages", async () => {
  const { wire, peer } = await scripted({ torrent: null });
  const messages = wire[Symbol.asyncIterator]();
  await peer.send(encodeMessage({ type: "have", index: 500 }));
  assert.deepEqual(await messages.next(), { value: { type: "have", index: 500 }, done: false });
  wire.setTorrent({ pieceCount: 12 });
  await peer.send(encodeMessage({ type: "bitfield", bits: hex("fff0") }));
  assert.deepEqual(await messages.next(), {
    value: { type: "bitfield", bits: hex("fff0") },
    done: false,
  });
  await peer.send(encodeMessage({ type: "have", index: 12 }));
  assert.deepEqual(await messages.next(), { value: undefined, done: true });
  assert.equal((await wire.closed).reason, "bad-index");
});
