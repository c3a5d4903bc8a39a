/**
 * `PeerWire` handshakes over memory connections: both roles, with and
 * without BEP 10, BEP 6 only when both sides set it, the accept callback,
 * and the ways a handshake fails.
 *
 * @module
 */

import assert from "node:assert/strict";
import { bytesEqual, concatBytes } from "../../src/bytes.ts";
import { encodeMessage } from "../../src/wire/encode.ts";
import { encodeExtensionHandshake } from "../../src/wire/extension_handshake.ts";
import { encodeHandshake, type HandshakeFlags, reservedBytes } from "../../src/wire/handshake.ts";
import type { Message } from "../../src/wire/messages.ts";
import { makePeerId } from "../../src/wire/peer_id.ts";
import { PeerWire } from "../../src/wire/peer_wire.ts";
import type { AcceptOptions, ConnectOptions } from "../../src/wire/peer_wire_options.ts";
import { WireError, type WireErrorReason } from "../../src/wire/wire_error.ts";
import { INFO_HASH, RawPeer } from "./_helpers.ts";
import { connPair, wireTest } from "./_conns.ts";

const ID_A = makePeerId("-AA0001-");
const ID_B = makePeerId("-BB0002-");
/** Short enough that a message that never comes fails a test in seconds. */
const LIMITS = { idleTimeoutMs: 2000, handshakeTimeoutMs: 2000 };

/** Opens a connected pair: A dials, B accepts. */
function pair(a: Partial<ConnectOptions> = {}, b: Partial<AcceptOptions> = {}) {
  const [connA, connB] = connPair();
  return Promise.all([
    PeerWire.connect(connA, { infoHash: INFO_HASH, peerId: ID_A, limits: LIMITS, ...a }),
    PeerWire.accept(connB, { peerId: ID_B, accept: () => true, limits: LIMITS, ...b }),
  ]);
}

/** Asserts a promise rejects with a WireError of `reason`. */
async function rejectsWith(promise: Promise<unknown>, reason: WireErrorReason): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof WireError, `${error}`);
    assert.equal(error.reason, reason, error.message);
    return true;
  });
}

/** The first message the wire delivers. */
async function first(wire: PeerWire): Promise<Message | undefined> {
  for await (const message of wire) return message;
}

wireTest("a full handshake with BEP 6 and BEP 10 both ways", async () => {
  const seen: Uint8Array[] = [];
  const [a, b] = await pair(
    { extensionHandshake: { extensions: new Map([["ut_metadata", 1]]), client: "A 1.0" } },
    {
      accept: (infoHash) => {
        seen.push(infoHash);
        const extensions = new Map([["ut_metadata", 3], ["ut_pex", 4]]);
        return { extensionHandshake: { extensions, metadataSize: 1234, port: 6881 } };
      },
    },
  );
  assert.deepEqual(seen, [INFO_HASH]);
  assert.deepEqual(a.remote.peerId, ID_B);
  assert.deepEqual(b.remote.peerId, ID_A);
  assert.deepEqual(a.remote.infoHash, INFO_HASH);
  assert.deepEqual(b.remote.infoHash, INFO_HASH);
  for (const wire of [a, b]) {
    assert.equal(wire.status.fast, true);
    assert.equal(wire.status.extended, true);
  }
  assert.deepEqual(a.peerExtensions, {
    extensions: new Map([["ut_metadata", 3], ["ut_pex", 4]]),
    metadataSize: 1234,
    port: 6881,
    requestQueue: 2000, // reqq defaults to limits.maxPeerRequests
  });
  assert.equal(b.peerExtensions?.client, "A 1.0");
  assert.deepEqual([...b.peerExtensions!.extensions], [["ut_metadata", 1]]);

  await Promise.all([a.haveAll(), b.bitfield(new Uint8Array([0x80])), a.interested()]);
  const fromA: Message[] = [];
  for await (const message of b) {
    fromA.push(message);
    if (fromA.length === 2) break;
  }
  assert.deepEqual(fromA, [{ type: "haveAll" }, { type: "interested" }]);
  assert.equal(b.status.peerInterested, true);
  assert.deepEqual(await first(a), { type: "bitfield", bits: new Uint8Array([0x80]) });

  a.close();
  assert.deepEqual(await a.closed, { reason: "local", message: "closed by us" });
  assert.equal((await b.closed).reason, "connection-closed");
});

wireTest("without BEP 10 there is no extension handshake and extended cannot be sent", async () => {
  const [a, b] = await pair({ flags: { fast: true } });
  for (const wire of [a, b]) {
    assert.equal(wire.status.extended, false);
    assert.equal(wire.peerExtensions, null);
    assert.throws(() => wire.extended(1, new Uint8Array(1)), TypeError);
  }
  await a.have(3);
  assert.deepEqual(await first(b), { type: "have", index: 3 });
  b.close();
  await a.closed;
});

wireTest("BEP 6 is agreed only when both sides set it", async () => {
  const cases: [Partial<HandshakeFlags>, Partial<HandshakeFlags>, boolean][] = [
    [{ fast: true }, { fast: true }, true],
    [{ fast: true }, {}, false],
    [{}, { fast: true }, false],
    [{}, {}, false],
  ];
  for (const [flagsA, flagsB, fast] of cases) {
    const [a, b] = await pair({ flags: flagsA }, { flags: flagsB });
    assert.equal(a.status.fast, fast);
    assert.equal(b.status.fast, fast);
    if (!fast) {
      assert.throws(() => a.haveNone(), TypeError);
      assert.throws(() => b.reject(0, 0, 16384), TypeError);
    }
    a.close();
    await b.closed;
  }
});

wireTest("the accept callback refusing an info hash closes before we answer", async () => {
  const [connA, connB] = connPair();
  const refused = PeerWire.accept(connB, {
    peerId: ID_B,
    accept: (infoHash) => Promise.resolve(bytesEqual(infoHash, new Uint8Array(20))),
  });
  const dialled = PeerWire.connect(connA, { infoHash: INFO_HASH, peerId: ID_A });
  await rejectsWith(refused, "unknown-info-hash");
  await rejectsWith(dialled, "connection-closed");
});

wireTest("an answer for another torrent is info-hash-mismatch", async () => {
  const [connA, connB] = connPair();
  const peer = new RawPeer(connB);
  const dialled = PeerWire.connect(connA, { infoHash: INFO_HASH, peerId: ID_A });
  await peer.read(68);
  await peer.sendHandshake(new Uint8Array(20).fill(9), ID_B, {});
  await rejectsWith(dialled, "info-hash-mismatch");
  await peer.ended();
});

wireTest("something other than a handshake is bad-handshake", async () => {
  const [connA, connB] = connPair();
  const peer = new RawPeer(connA);
  const accepting = PeerWire.accept(connB, { peerId: ID_B, accept: () => true });
  await peer.send(
    new TextEncoder().encode("GET / HTTP/1.1\r\nHost: example\r\n\r\n".padEnd(80, "x")),
  );
  await rejectsWith(accepting, "bad-handshake");
});

wireTest(
  "a handshake split into single bytes, with messages in the same chunk after it",
  async () => {
    const [connA, connB] = connPair();
    const peer = new RawPeer(connA);
    const accepting = PeerWire.accept(connB, {
      peerId: ID_B,
      accept: () => true,
      flags: { fast: true },
    });
    const handshake = encodeHandshake({
      reserved: reservedBytes({ fast: true }),
      infoHash: INFO_HASH,
      peerId: ID_A,
    });
    for (const byte of handshake.subarray(0, 67)) await peer.send(new Uint8Array([byte]));
    await peer.send(
      new Uint8Array([...handshake.subarray(67), ...encodeMessage({ type: "haveNone" })]),
    );
    const wire = await accepting;
    assert.deepEqual(await first(wire), { type: "haveNone" });
    wire.close();
  },
);

wireTest("messages sent before the peer's extension handshake are kept", async () => {
  const [connA, connB] = connPair();
  const peer = new RawPeer(connA);
  const accepting = PeerWire.accept(connB, { peerId: ID_B, accept: () => true });
  await peer.sendHandshake(INFO_HASH, ID_A, { extended: true, fast: true });
  await peer.read(68);
  assert.equal((await peer.readMessage()).type, "extended");
  const payload = encodeExtensionHandshake({ extensions: new Map([["ut_pex", 1]]) });
  await peer.send(encodeMessage({ type: "haveAll" }));
  await peer.send(encodeMessage({ type: "extended", id: 0, payload }));
  const wire = await accepting;
  assert.deepEqual([...wire.peerExtensions!.extensions], [["ut_pex", 1]]);
  assert.deepEqual(await first(wire), { type: "haveAll" });

  // A later handshake updates peerExtensions and is delivered too.
  const update = encodeExtensionHandshake({ extensions: new Map([["ut_pex", 0]]) });
  await peer.send(encodeMessage({ type: "extended", id: 0, payload: update }));
  assert.deepEqual(await first(wire), { type: "extended", id: 0, payload: update });
  assert.deepEqual([...wire.peerExtensions!.extensions], [["ut_pex", 0]]);
  wire.close();
});

wireTest("a bad first extension handshake fails the open", async () => {
  const [connA, connB] = connPair();
  const peer = new RawPeer(connA);
  const accepting = PeerWire.accept(connB, { peerId: ID_B, accept: () => true });
  await peer.sendHandshake(INFO_HASH, ID_A, { extended: true });
  await peer.send(
    encodeMessage({ type: "extended", id: 0, payload: new TextEncoder().encode("i1e") }),
  );
  await rejectsWith(accepting, "bad-extension-handshake");
});

wireTest("the peer hanging up during the handshake is connection-closed", async () => {
  const [connA, connB] = connPair();
  const peer = new RawPeer(connA);
  const accepting = PeerWire.accept(connB, { peerId: ID_B, accept: () => true });
  await peer.send(new Uint8Array(30));
  peer.close();
  await rejectsWith(accepting, "connection-closed");
});

wireTest("an abort signal abandons the handshake with its reason", async () => {
  const [connA] = connPair();
  const controller = new AbortController();
  const dialling = PeerWire.connect(connA, {
    infoHash: INFO_HASH,
    peerId: ID_A,
    signal: controller.signal,
  });
  controller.abort(new Error("shutting down"));
  await assert.rejects(dialling, /shutting down/);
  await assert.rejects(
    PeerWire.connect(connPair()[0], {
      infoHash: INFO_HASH,
      peerId: ID_A,
      signal: AbortSignal.abort(),
    }),
    (error: unknown) => error instanceof DOMException && error.name === "AbortError",
  );
});

wireTest("an accept callback that throws closes the connection and rethrows", async () => {
  const [connA, connB] = connPair();
  const accepting = PeerWire.accept(connB, {
    peerId: ID_B,
    accept: () => {
      throw new Error("database down");
    },
  });
  const dialled = PeerWire.connect(connA, { infoHash: INFO_HASH, peerId: ID_A });
  await assert.rejects(accepting, /database down/);
  await rejectsWith(dialled, "connection-closed");
});

wireTest("sends resolve once taken, and small ones sent together share one write", async () => {
  const [connA, connB] = connPair();
  const peer = new RawPeer(connB);
  const dialling = PeerWire.connect(connA, { infoHash: INFO_HASH, peerId: ID_A, flags: {} });
  assert.equal((await peer.nextChunk()).length, 68);
  await peer.sendHandshake(INFO_HASH, ID_B, {});
  const wire = await dialling;
  const sent = await Promise.all([wire.have(1), wire.have(2), wire.interested()]);
  assert.deepEqual(sent, [true, true, true]);
  const expected = [{ type: "have", index: 1 }, { type: "have", index: 2 }, {
    type: "interested",
  }] as const;
  assert.deepEqual(await peer.nextChunk(), concatBytes(expected.map(encodeMessage)));
  const block = new Uint8Array(4096).fill(5);
  assert.equal(await wire.piece(0, 0, block), true);
  assert.deepEqual(
    await peer.nextChunk(),
    encodeMessage({ type: "piece", index: 0, begin: 0, block }),
  );
  wire.close();
  assert.equal(await wire.unchoke(), false);
});
