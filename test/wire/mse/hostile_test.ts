/**
 * Hostile and broken MSE handshakes over real loopback TCP, against our
 * receiver and our initiator: each ends in a `WireError` with its reason,
 * the connection closed, within the time bound, never a crash; a flood of
 * garbage is refused after at most Ya, 512 bytes of padding and the
 * synchronisation hash.
 *
 * @module
 */

import { ok, rejects } from "node:assert/strict";
import { concatBytes } from "../../../src/bytes.ts";
import { acceptIncoming } from "../../../src/wire/mse/accept.ts";
import { ByteReader } from "../../../src/wire/mse/_reader.ts";
import { mseConnect } from "../../../src/wire/mse/initiator.ts";
import type { EncryptionPolicy } from "../../../src/wire/mse/policy.ts";
import { mseRespond } from "../../../src/wire/mse/responder.ts";
import { encodeHandshake } from "../../../src/wire/handshake.ts";
import { WireError, type WireErrorReason } from "../../../src/wire/wire_error.ts";
import type { Conn } from "../../../transports/mod.ts";
import { type RawInitiator, rawInitiator, tcpPair } from "./_raw.ts";

const INFO_HASH = new Uint8Array(20).fill(0x42);
const TIMEOUT_MS = 3_000;

/** Waits for `promise` to reject with a `WireError` for one of `reasons`. */
async function refused(promise: Promise<unknown>, ...reasons: WireErrorReason[]): Promise<void> {
  await rejects(promise, (error) => {
    ok(error instanceof WireError, `${error}`);
    ok(reasons.includes(error.reason), error.message);
    return true;
  });
}

/**
 * Our side (`ours`, on `mine`) against `peer` (on the other end): ours must
 * be refused with `reason` within its time bound, its connection closed.
 */
async function refusedIn(
  reason: WireErrorReason,
  timeoutMs: number,
  [mine, theirs]: [Conn, Conn],
  ours: Promise<unknown>,
  peer: (conn: Conn) => Promise<unknown>,
): Promise<void> {
  const started = performance.now();
  try {
    peer(theirs).catch(() => {}); // the peer may fail once we hang up
    await refused(ours, reason);
    ok(performance.now() - started < timeoutMs + 1_000, "took too long");
    await mine.closed;
  } finally {
    theirs.close();
  }
}

/** Our receiver against `peer`, which gets the dialler's end. */
async function receiverRefuses(
  reason: WireErrorReason,
  peer: (conn: Conn) => Promise<unknown>,
  options: { policy?: EncryptionPolicy; timeoutMs?: number } = {},
): Promise<void> {
  const [a, b] = await tcpPair();
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const policy = options.policy ?? "prefer";
  const ours = acceptIncoming(b, { policy, infoHashes: () => [INFO_HASH], timeoutMs });
  await refusedIn(reason, timeoutMs, [b, a], ours, peer);
}

const raw = (fields: Partial<RawInitiator>) => (conn: Conn) =>
  rawInitiator(conn, { infoHash: INFO_HASH, ...fields });

Deno.test("receiver: a wrong VC", () =>
  receiverRefuses("bad-encryption-handshake", raw({ vc: new Uint8Array(8).fill(1) })));

Deno.test("receiver: PadC over 512 bytes", () =>
  receiverRefuses("bad-encryption-handshake", raw({ padC: 513 })));

Deno.test("receiver: an info hash we do not serve", () =>
  receiverRefuses("unknown-info-hash", raw({ infoHash: new Uint8Array(20).fill(9) })));

Deno.test("receiver: nothing offered that the policy accepts", async () => {
  await receiverRefuses("encryption-mismatch", raw({ provide: 0x01 }), { policy: "require" });
  await receiverRefuses("encryption-mismatch", raw({ provide: 0 }));
  await receiverRefuses("encryption-mismatch", raw({ provide: 0x100 }));
});

Deno.test("receiver: a plain handshake when encryption is required", () =>
  receiverRefuses("encryption-mismatch", async (conn) => {
    const zeros = (n: number) => new Uint8Array(n);
    const handshake = encodeHandshake({
      reserved: zeros(8),
      infoHash: INFO_HASH,
      peerId: zeros(20),
    });
    await conn.writable.getWriter().write(handshake);
  }, { policy: "require" }));

Deno.test("receiver: no HASH('req1', S) within 512 bytes of padding (a flood of garbage)", () =>
  receiverRefuses("bad-encryption-handshake", async (conn) => {
    const writer = conn.writable.getWriter();
    const garbage = new Uint8Array(64 * 1024).fill(0xaa);
    for (let i = 0; i < 160; i++) await writer.write(garbage); // 10 MiB, if we kept reading
  }));

Deno.test("receiver: a degenerate Ya", () =>
  receiverRefuses("bad-encryption-handshake", async (conn) => {
    await conn.writable.getWriter().write(new Uint8Array(96 + 40));
  }));

Deno.test("receiver: streams cut short at every step", async () => {
  // Cut before or inside Ya, or after it (our Yb may then meet a reset: connection-error).
  for (const [cut, reason] of [[5, "connection-closed"], [50, "connection-closed"]] as const) {
    await receiverRefuses(reason, async (conn) => {
      await conn.writable.getWriter().write(new Uint8Array(cut).fill(0x55));
      conn.close();
    });
  }
  // Inside PadC: 400 bytes announced, 100 sent, then gone.
  const [a, b] = await tcpPair();
  const accepting = acceptIncoming(b, {
    policy: "prefer",
    infoHashes: () => [INFO_HASH],
    timeoutMs: TIMEOUT_MS,
  });
  await rawInitiator(a, { infoHash: INFO_HASH, padC: 400, padCSent: 100 });
  a.close();
  await refused(accepting, "connection-closed", "connection-error");
});

Deno.test("receiver: a silent peer, and one that stops after Ya, time out", async () => {
  await receiverRefuses("handshake-timeout", async () => {}, { timeoutMs: 300 });
  await receiverRefuses("handshake-timeout", async (conn) => {
    await conn.writable.getWriter().write(new Uint8Array(96).fill(0x55));
  }, { timeoutMs: 300 });
});

/** Our initiator against `peer`, which gets the listener's end. */
async function initiatorRefuses(
  reason: WireErrorReason,
  peer: (conn: Conn) => Promise<unknown>,
  options: { provide?: number; timeoutMs?: number } = {},
): Promise<void> {
  const [a, b] = await tcpPair();
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const ours = mseConnect(a, { infoHash: INFO_HASH, provide: options.provide ?? 0x03, timeoutMs });
  await refusedIn(reason, timeoutMs, [a, b], ours, peer);
}

/** Our receiver's steps, with a crypto_select of our choosing. */
const selecting = (select: number) => (conn: Conn) =>
  mseRespond(conn, new ByteReader(conn.readable.getReader()), {
    infoHashes: () => [INFO_HASH],
    select: () => select,
    timeoutMs: TIMEOUT_MS,
  });

Deno.test("initiator: a crypto_select we did not offer", async () => {
  await initiatorRefuses("bad-encryption-handshake", selecting(0x01), { provide: 0x02 });
  await initiatorRefuses("bad-encryption-handshake", selecting(0x03));
  await initiatorRefuses("bad-encryption-handshake", selecting(0x04));
});

Deno.test("initiator: a peer that closes on our first bytes (a plaintext-only client)", () =>
  initiatorRefuses("connection-closed", async (conn) => {
    await conn.readable.getReader().read();
    conn.close();
  }));

Deno.test("initiator: Yb then garbage, no encrypted VC within 512 bytes", () =>
  initiatorRefuses("bad-encryption-handshake", async (conn) => {
    const writer = conn.writable.getWriter();
    const yb = new Uint8Array(96).fill(0x77);
    await writer.write(concatBytes([yb, new Uint8Array(2000).fill(0x31)]));
  }));

Deno.test("initiator: a silent peer times out", () =>
  initiatorRefuses("handshake-timeout", async () => {}, { timeoutMs: 300 }));

Deno.test("an abort ends a handshake with the signal's reason", async () => {
  const [a, b] = await tcpPair();
  const abort = new AbortController();
  const connecting = mseConnect(a, {
    infoHash: INFO_HASH,
    provide: 0x03,
    timeoutMs: TIMEOUT_MS,
    signal: abort.signal,
  });
  abort.abort(new Error("enough"));
  await rejects(connecting, { message: "enough" });
  await a.closed;
  b.close();
});
