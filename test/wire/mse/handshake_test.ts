/**
 * Our MSE initiator against our receiver over real loopback TCP: both
 * crypto methods, padding from none to the 512-byte maximum (so the
 * receivers' scans for HASH('req1', S) and the encrypted VC run over every
 * offset), data both ways after the handshake, a BitTorrent handshake
 * through `PeerWire` on top, an initial payload (IA) from the initiator,
 * and plain handshakes told apart from MSE.
 *
 * @module
 */

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { acceptIncoming } from "../../../src/wire/mse/accept.ts";
import type { MseConn } from "../../../src/wire/mse/conn.ts";
import { mseConnect } from "../../../src/wire/mse/initiator.ts";
import type { EncryptionPolicy } from "../../../src/wire/mse/policy.ts";
import { encodeHandshake, reservedBytes } from "../../../src/wire/handshake.ts";
import { makePeerId, PeerWire } from "../../../src/wire/mod.ts";
import type { Conn } from "../../../transports/mod.ts";
import { pseudoRandomBytes } from "../../_data.ts";
import { rawInitiator, readStep4, tcpPair } from "./_raw.ts";

const INFO_HASH = new Uint8Array(20).fill(0x42);
const OTHER = new Uint8Array(20).fill(0x17);
const TIMEOUT_MS = 5_000;

/** Our initiator and receiver over one TCP pair. */
async function handshake(
  provide: number,
  policy: EncryptionPolicy,
  padLength?: () => number,
): Promise<[MseConn, Conn, Uint8Array | null]> {
  const [a, b] = await tcpPair();
  const pad = padLength ? { padLength } : {};
  const [ours, theirs] = await Promise.all([
    mseConnect(a, { infoHash: INFO_HASH, provide, timeoutMs: TIMEOUT_MS, ...pad }),
    acceptIncoming(b, {
      policy,
      infoHashes: () => [OTHER, INFO_HASH],
      timeoutMs: TIMEOUT_MS,
      ...pad,
    }),
  ]);
  return [ours, theirs.conn, theirs.infoHash];
}

/** Sends `bytes` one way while the other end reads them all. */
async function pass(from: Conn, to: Conn, bytes: Uint8Array): Promise<Uint8Array> {
  const writer = from.writable.getWriter();
  const sending = (async () => {
    for (let at = 0; at < bytes.length; at += 50_000) {
      await writer.write(bytes.subarray(at, at + 50_000));
    }
    writer.releaseLock();
  })();
  const reader = to.readable.getReader();
  const got = new Uint8Array(bytes.length);
  for (let at = 0; at < got.length;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`ended after ${at} bytes`);
    got.set(value, at);
    at += value.length;
  }
  reader.releaseLock();
  await sending;
  return got;
}

const CASES: [string, number, EncryptionPolicy, string][] = [
  ["both offered, receiver prefers plaintext", 0x03, "prefer", "handshake"],
  ["RC4 only offered", 0x02, "prefer", "rc4"],
  ["both offered, receiver requires RC4", 0x03, "require", "rc4"],
  ["both offered, receiver allows", 0x03, "allow", "handshake"],
];
const PADS: [string, (() => number) | undefined][] = [
  ["no padding", () => 0],
  ["512-byte padding", () => 512],
  ["random padding", undefined],
];

for (const [label, provide, policy, expected] of CASES) {
  for (const [padLabel, padLength] of PADS) {
    Deno.test(`MSE over TCP: ${label}, ${padLabel}: ${expected}, 1 MiB each way`, async () => {
      const [ours, theirs, infoHash] = await handshake(provide, policy, padLength);
      try {
        strictEqual(ours.encryption, expected);
        strictEqual((theirs as MseConn).encryption, expected);
        deepStrictEqual(infoHash, INFO_HASH);
        const up = pseudoRandomBytes(1 << 20, 3);
        const down = pseudoRandomBytes(1 << 20, 4);
        const [got, back] = await Promise.all([pass(ours, theirs, up), pass(theirs, ours, down)]);
        deepStrictEqual(got, up);
        deepStrictEqual(back, down);
        deepStrictEqual(up, pseudoRandomBytes(1 << 20, 3)); // the sender's bytes are untouched
      } finally {
        ours.close();
        theirs.close();
      }
    });
  }
}

Deno.test("MSE over TCP: PeerWire handshakes on top, RC4 and plaintext", async () => {
  for (const provide of [0x02, 0x03]) {
    const [ours, theirs] = await handshake(provide, "prefer");
    const [a, b] = await Promise.all([
      PeerWire.connect(ours, { infoHash: INFO_HASH, peerId: makePeerId() }),
      PeerWire.accept(theirs, { peerId: makePeerId(), accept: () => true }),
    ]);
    strictEqual(a.encryption, provide === 0x02 ? "rc4" : "handshake");
    strictEqual(b.encryption, a.encryption);
    await a.interested();
    for await (const message of b) {
      strictEqual(message.type, "interested");
      break;
    }
    a.close();
    strictEqual((await b.closed).reason, "connection-closed");
  }
});

Deno.test("MSE over TCP: an initiator's IA (its BitTorrent handshake) reaches the wire", async () => {
  for (const provide of [0x01, 0x02]) {
    const [a, b] = await tcpPair();
    const ia = encodeHandshake({
      reserved: reservedBytes({ extended: false }),
      infoHash: INFO_HASH,
      peerId: makePeerId(),
    });
    const accepting = acceptIncoming(b, {
      policy: "prefer",
      infoHashes: () => [INFO_HASH],
      timeoutMs: TIMEOUT_MS,
    }).then(({ conn }) => PeerWire.accept(conn, { peerId: makePeerId(), accept: () => true }));
    const session = await rawInitiator(a, { infoHash: INFO_HASH, provide, padA: 300, padC: 7, ia });
    strictEqual(await readStep4(session), provide);
    const wire = await accepting;
    deepStrictEqual(wire.remote.infoHash, INFO_HASH);
    // Its answer: RC4 continues the keystream, plaintext is plain.
    const reply = await session.input.take(68, "the handshake");
    if (provide === 0x02) session.ciphers.decrypt.apply(reply);
    deepStrictEqual(reply.subarray(28, 48), INFO_HASH);
    wire.close();
    a.close();
  }
});

Deno.test("incoming plain handshakes pass through untouched, except under require", async () => {
  for (const policy of ["prefer", "allow", "off"] as const) {
    const [a, b] = await tcpPair();
    const [dialled, accepted] = await Promise.all([
      PeerWire.connect(a, { infoHash: INFO_HASH, peerId: makePeerId() }),
      acceptIncoming(b, { policy, infoHashes: () => [], timeoutMs: TIMEOUT_MS })
        .then(({ conn, infoHash }) => {
          strictEqual(infoHash, null);
          return PeerWire.accept(conn, { peerId: makePeerId(), accept: () => true });
        }),
    ]);
    strictEqual(accepted.encryption, "none");
    deepStrictEqual(accepted.remote.infoHash, INFO_HASH);
    dialled.close();
    await accepted.closed;
  }
});
