/**
 * The UDP tracker client (BEP 15) against scripted trackers on loopback: the
 * bytes it sends, the replies it accepts, the ones it ignores or refuses, the
 * connection id lifetime, resends and timeouts. Real opentracker interop is
 * in `opentracker_test.ts`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { toHex } from "../../src/bytes.ts";
import { TrackerError, type TrackerErrorKind } from "../../src/discovery/tracker_error.ts";
import type { AnnounceRequest } from "../../src/discovery/types.ts";
import { UdpTrackerClient, type UdpTrackerOptions } from "../../src/discovery/udp_tracker.ts";
import { bindUdp } from "../../src/net/udp.ts";
import type { PeerAddress } from "../../transports/mod.ts";
import { FakeClock } from "./_fake_clock.ts";
import {
  compact,
  CONNECTION_ID,
  connectReply,
  errorReply,
  type Received,
  reply,
  type ScriptedUdp,
  scriptedUdp,
  wellBehaved,
} from "./_udp_server.ts";

const INFO_HASH = Uint8Array.from({ length: 20 }, (_, i) => 0xa0 + i);
const PEER_ID = new TextEncoder().encode("-SD0100-123456789012");
const REQUEST: AnnounceRequest = {
  infoHash: INFO_HASH,
  peerId: PEER_ID,
  port: 6881,
  uploaded: 2 ** 40 + 3,
  downloaded: 5,
  left: 7,
};

/** A client on its own loopback socket, and what reached the socket unclaimed. */
async function client(options: UdpTrackerOptions = {}, host = "127.0.0.1") {
  const socket = await bindUdp({ host });
  const unclaimed: { bytes: Uint8Array; from: PeerAddress }[] = [];
  const tracker = new UdpTrackerClient(socket, { retryBaseMs: 2000, maxRetries: 1, ...options });
  // The next consumer on the shared socket (uTP, the DHT) sees what the tracker client leaves.
  socket.addHandler((bytes, from) => (unclaimed.push({ bytes, from }), true));
  return {
    tracker,
    socket,
    unclaimed,
    close() {
      tracker.close();
      socket.close();
    },
  };
}

async function rejectsWith(
  promise: Promise<unknown>,
  kind: TrackerErrorKind,
  message: RegExp,
): Promise<void> {
  const error = await promise.then(() => assert.fail("expected a TrackerError"), (e: unknown) => e);
  assert.ok(error instanceof TrackerError, `not a TrackerError: ${error}`);
  assert.equal(error.kind, kind, error.message);
  assert.match(error.message, message);
}

/** Waits until `done()` holds, checking every few milliseconds; fails after two seconds. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!done()) {
    assert.ok(Date.now() < deadline, "timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function using(
  script: ScriptedUdp | Promise<ScriptedUdp>,
  fn: (t: ScriptedUdp) => Promise<void>,
): Promise<void> {
  const t = await script;
  try {
    await fn(t);
  } finally {
    t.close();
  }
}

Deno.test("udp announce: connect then announce, byte for byte, and the reply parsed", async () => {
  const c = await client();
  await using(scriptedUdp(), async (t) => {
    const answer = await c.tracker.announce(`${t.url}/announce`, {
      ...REQUEST,
      event: "started",
      key: 0xdeadbeef,
      numWant: 25,
    });
    assert.deepEqual(answer, {
      interval: 1800,
      minInterval: null,
      trackerId: null,
      complete: 2,
      incomplete: 3,
      peers: [{ host: "127.0.0.1", port: 6881 }, { host: "127.0.0.2", port: 6882 }],
      warning: null,
    });
    const [connect, announce] = t.received as [Received, Received];
    assert.equal(t.received.length, 2);
    assert.equal(connect.bytes.length, 16);
    assert.equal(toHex(connect.head), "0000041727101980");
    assert.equal(connect.action, 0);
    assert.deepEqual(connect.from, c.socket.localAddress);
    const v = view(announce.bytes);
    assert.equal(announce.bytes.length, 98);
    assert.deepEqual(announce.head, CONNECTION_ID);
    assert.equal(announce.action, 1);
    assert.notEqual(announce.transactionId, connect.transactionId);
    assert.deepEqual(announce.bytes.slice(16, 36), INFO_HASH);
    assert.deepEqual(announce.bytes.slice(36, 56), PEER_ID);
    assert.equal(v.getBigUint64(56), 5n); // downloaded
    assert.equal(v.getBigUint64(64), 7n); // left
    assert.equal(v.getBigUint64(72), 2n ** 40n + 3n); // uploaded
    assert.equal(v.getUint32(80), 2); // started
    assert.equal(v.getUint32(84), 0); // IP: the sender's
    assert.equal(v.getUint32(88), 0xdeadbeef);
    assert.equal(v.getInt32(92), 25);
    assert.equal(v.getUint16(96), 6881);
    assert.deepEqual(c.unclaimed, []);
  }).finally(c.close);
});

Deno.test("udp announce: event codes, and num_want -1 when not given", async () => {
  const c = await client();
  await using(scriptedUdp(), async (t) => {
    await c.tracker.announce(t.url, REQUEST);
    await c.tracker.announce(t.url, { ...REQUEST, event: "completed" });
    await c.tracker.announce(t.url, { ...REQUEST, event: "stopped", numWant: 0 });
    const announces = t.of(1).map((p) => view(p.bytes));
    assert.deepEqual(announces.map((v) => v.getUint32(80)), [0, 1, 3]);
    assert.deepEqual(announces.map((v) => v.getInt32(92)), [-1, -1, 0]);
    assert.equal(t.of(0).length, 1, "the connection id is reused");
  }).finally(c.close);
});

Deno.test("udp announce: a connection id is reused for 60 s, then fetched again", async () => {
  const clock = new FakeClock();
  const c = await client({ clock });
  let nextId = 1;
  const ids: Uint8Array[] = [];
  const normal = wellBehaved();
  await using(
    scriptedUdp((packet, t) => {
      if (packet.action !== 0) return normal(packet, t);
      const id = new Uint8Array(8).fill(nextId++);
      ids.push(id);
      return connectReply(packet.transactionId, id);
    }),
    async (t) => {
      await c.tracker.announce(t.url, REQUEST);
      clock.advance(59_999);
      await c.tracker.announce(t.url, REQUEST);
      assert.equal(t.of(0).length, 1);
      clock.advance(1);
      await c.tracker.announce(t.url, REQUEST);
      assert.equal(t.of(0).length, 2);
      assert.deepEqual(t.of(1).map((p) => p.head), [ids[0], ids[0], ids[1]]);
    },
  ).finally(c.close);
});

Deno.test("udp announce: over IPv6 the peers are 18 bytes each", async () => {
  const peers6 = compact([
    [[...new Array(15).fill(0), 1], 6881],
    [[0xfe, 0x80, ...new Array(13).fill(0), 2], 6882],
  ]);
  const c = await client({}, "::1");
  await using(scriptedUdp(wellBehaved(peers6), "::1"), async (t) => {
    assert.match(t.url, /^udp:\/\/\[::1\]:\d+$/);
    const answer = await c.tracker.announce(t.url, REQUEST);
    assert.deepEqual(answer.peers, [{ host: "::1", port: 6881 }, { host: "fe80::2", port: 6882 }]);
  }).finally(c.close);
});

Deno.test("udp: short packets, wrong transaction ids and other senders are left to other consumers", async () => {
  const c = await client();
  const normal = wellBehaved();
  const impostor = await bindUdp({ host: "127.0.0.1" });
  try {
    await using(
      scriptedUdp((packet, t) => {
        const to = packet.from;
        // Noise first, then the real answer a little later.
        void t.socket.send(new Uint8Array([0, 0, 0, 0]), to);
        void t.socket.send(connectReply(packet.transactionId ^ 1), to);
        void impostor.send(reply(packet.action, packet.transactionId, [1, 1, 1]), to);
        const answer = normal(packet, t)!;
        setTimeout(() => void t.socket.send(answer, to), 10);
        return null;
      }),
      async (t) => {
        const answer = await c.tracker.announce(t.url, REQUEST);
        assert.equal(answer.interval, 1800);
        // Two requests (connect, announce), three unclaimed packets each.
        await until(() => c.unclaimed.length >= 6);
        assert.equal(c.unclaimed.length, 6);
        assert.equal(c.unclaimed.filter((u) => u.bytes.length === 4).length, 2);
        assert.equal(
          c.unclaimed.filter((u) => u.from.port === impostor.localAddress.port).length,
          2,
        );
      },
    );
  } finally {
    impostor.close();
    c.close();
  }
});

Deno.test("udp: an error action fails the request with the tracker's message", async () => {
  const c = await client();
  try {
    await using(scriptedUdp((p) => errorReply(p.transactionId, "go away")), async (t) => {
      await rejectsWith(c.tracker.announce(t.url, REQUEST), "failure", /: go away$/);
    });
    const normal = wellBehaved();
    await using(
      scriptedUdp((p, t) =>
        p.action === 1 ? errorReply(p.transactionId, "unknown torrent") : normal(p, t)
      ),
      async (t) => {
        await rejectsWith(c.tracker.announce(t.url, REQUEST), "failure", /unknown torrent/);
        await rejectsWith(c.tracker.announce(t.url, REQUEST), "failure", /unknown torrent/);
        assert.equal(t.of(0).length, 1, "an error does not drop the connection id");
      },
    );
  } finally {
    c.close();
  }
});

Deno.test("udp: a matching reply that is malformed fails the request", async () => {
  const c = await client();
  const normal = wellBehaved();
  const cases: [string, (p: Received) => Uint8Array | null, RegExp][] = [
    [
      "short connect reply",
      (p) => p.action === 0 ? reply(0, p.transactionId, [1]) : null,
      /connect reply of 12 bytes/,
    ],
    ["wrong action", (p) => reply(2, p.transactionId, [1, 2]), /action 2, expected 0/],
    [
      "short announce reply",
      (p) => p.action === 1 ? reply(1, p.transactionId, [1800, 1]) : null,
      /announce reply of 16 bytes/,
    ],
    [
      "truncated peers",
      (p) => p.action === 1 ? reply(1, p.transactionId, [1800, 1, 1], new Uint8Array(7)) : null,
      /announce reply of 27 bytes/,
    ],
  ];
  try {
    for (const [name, misbehave, message] of cases) {
      await using(scriptedUdp((p, t) => misbehave(p) ?? normal(p, t)), async (t) => {
        await rejectsWith(c.tracker.announce(t.url, REQUEST), "malformed", message).catch((e) => {
          throw new Error(`${name}: ${e.message}`);
        });
      });
    }
  } finally {
    c.close();
  }
});

Deno.test("udp: requests are resent after base * 2^n until answered", async () => {
  const c = await client({ retryBaseMs: 100, maxRetries: 8 });
  const normal = wellBehaved();
  await using(
    scriptedUdp((p, t) => (p.action === 0 && t.of(0).length < 3) ? null : normal(p, t)),
    async (t) => {
      await c.tracker.announce(t.url, REQUEST);
      const connects = t.of(0).map((p) => p.at);
      assert.equal(connects.length, 3);
      const gaps = [connects[1]! - connects[0]!, connects[2]! - connects[1]!];
      assert.ok(gaps[0]! >= 95, `first resend after ${gaps[0]} ms, not 100`);
      assert.ok(gaps[1]! >= 195, `second resend after ${gaps[1]} ms, not 200`);
    },
  ).finally(c.close);
});

Deno.test("udp: no answer at all is a timeout after maxRetries resends", async () => {
  const c = await client({ retryBaseMs: 10, maxRetries: 2 });
  await using(scriptedUdp(() => null), async (t) => {
    const started = Date.now();
    await rejectsWith(c.tracker.announce(t.url, REQUEST), "timeout", /no answer after 2 resends/);
    const took = Date.now() - started;
    assert.equal(t.received.length, 3);
    assert.ok(took >= 65, `gave up after ${took} ms, before 10 + 20 + 40`);
  }).finally(c.close);
});

Deno.test("udp: the caller's signal and close() end a request at once", async () => {
  const c = await client({ retryBaseMs: 10_000 });
  try {
    await using(scriptedUdp(() => null), async (t) => {
      const controller = new AbortController();
      const reason = new Error("enough");
      const pending = c.tracker.announce(t.url, REQUEST, { signal: controller.signal });
      setTimeout(() => controller.abort(reason), 10);
      await assert.rejects(pending, (e) => e === reason);
      // A late reply to the abandoned request is no longer claimed.
      const late = connectReply(t.received[0]!.transactionId);
      await t.socket.send(late, c.socket.localAddress);
      await until(() => c.unclaimed.length > 0);
      assert.deepEqual(c.unclaimed.map((u) => u.bytes), [late]);

      const closing = c.tracker.scrape(t.url, [INFO_HASH]);
      setTimeout(() => c.tracker.close(), 10);
      await assert.rejects(closing, /closed/);
    });
  } finally {
    c.close();
  }
});

Deno.test("udp scrape: 74 hashes per packet, counts by hex hash", async () => {
  const c = await client();
  const hashes = Array.from({ length: 100 }, (_, i) => new Uint8Array(20).fill(i));
  await using(scriptedUdp(), async (t) => {
    const counts = await c.tracker.scrape(t.url, hashes);
    const scrapes = t.of(2);
    assert.deepEqual(scrapes.map((p) => p.bytes.length), [16 + 74 * 20, 16 + 26 * 20]);
    assert.deepEqual(scrapes[1]!.bytes.slice(16, 36), hashes[74]);
    assert.equal(counts.size, 100);
    assert.deepEqual(counts.get("63".repeat(20)), { complete: 5, downloaded: 6, incomplete: 7 });
  }).finally(c.close);
});

Deno.test("udp scrape: a reply with fewer entries than asked is malformed", async () => {
  const c = await client();
  const normal = wellBehaved();
  await using(
    scriptedUdp((p, t) => p.action === 2 ? reply(2, p.transactionId, [1, 2, 3]) : normal(p, t)),
    async (t) => {
      await rejectsWith(
        c.tracker.scrape(t.url, [INFO_HASH, INFO_HASH]),
        "malformed",
        /scrape reply of 20 bytes/,
      );
    },
  ).finally(c.close);
});

Deno.test("udp: invalid URLs and requests are refused before anything is sent", async () => {
  const c = await client();
  await using(scriptedUdp(), async (t) => {
    const port = t.socket.localAddress.port;
    await assert.rejects(c.tracker.announce(`http://127.0.0.1:${port}/`, REQUEST), TypeError);
    await assert.rejects(c.tracker.announce("udp://127.0.0.1/announce", REQUEST), TypeError);
    await assert.rejects(c.tracker.announce("udp://127.0.0.1:0", REQUEST), TypeError);
    await assert.rejects(c.tracker.announce(t.url, { ...REQUEST, port: -1 }), RangeError);
    await assert.rejects(c.tracker.scrape(t.url, [new Uint8Array(21)]), TypeError);
    assert.equal(t.received.length, 0);
  }).finally(c.close);
});

Deno.test("udp: a failed send is a network error", async () => {
  const c = await client();
  c.socket.close();
  await rejectsWith(c.tracker.announce("udp://127.0.0.1:9", REQUEST), "network", /cannot send/);
  c.close();
});
