/**
 * One suite for the `UdpSocket` contract, run against the Deno and the
 * `node:dgram` implementation (the latter through Deno's Node compatibility),
 * and a check that `bindUdp` picks the Deno one here. Loopback only.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { PeerAddress } from "../../transports/mod.ts";
import { bindUdp, type UdpBindOptions, type UdpSocket } from "../../src/net/udp.ts";
import { bindDenoUdp } from "../../src/net/udp_deno.ts";
import { bindNodeUdp } from "../../src/net/udp_node.ts";

type Bind = (options: UdpBindOptions) => Promise<UdpSocket>;

const IMPLEMENTATIONS: [string, Bind][] = [
  ["deno", bindDenoUdp],
  ["node:dgram", bindNodeUdp],
];

const bytes = (...values: number[]) => new Uint8Array(values);

/** Collects packets a socket's handler claims, and resolves waiters as they arrive. */
function collect(socket: UdpSocket, claim = true) {
  const packets: { bytes: Uint8Array; from: PeerAddress }[] = [];
  let wake = () => {};
  socket.addHandler((data, from) => {
    packets.push({ bytes: data, from });
    wake();
    return claim;
  });
  return {
    packets,
    /** Waits until `n` packets have arrived (fails after a second). */
    async atLeast(n: number) {
      const deadline = Date.now() + 1000;
      while (packets.length < n) {
        assert.ok(Date.now() < deadline, `only ${packets.length} of ${n} packets arrived`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 20);
          wake = () => (clearTimeout(timer), resolve());
        });
      }
    },
  };
}

for (const [name, bind] of IMPLEMENTATIONS) {
  Deno.test(`udp ${name}: binds a free loopback port and reports it`, async () => {
    const socket = await bind({ host: "127.0.0.1" });
    try {
      assert.equal(socket.localAddress.host, "127.0.0.1");
      assert.ok(socket.localAddress.port > 0 && socket.localAddress.port < 65536);
    } finally {
      socket.close();
    }
  });

  Deno.test(`udp ${name}: datagrams arrive whole, in both directions, with the sender's address`, async () => {
    const a = await bind({ host: "127.0.0.1" });
    const b = await bind({ host: "127.0.0.1" });
    try {
      const atB = collect(b);
      const atA = collect(a);
      const big = new Uint8Array(1400).map((_, i) => i & 0xff);
      await a.send(bytes(1, 2, 3), b.localAddress);
      await a.send(big, b.localAddress);
      await atB.atLeast(2);
      assert.deepEqual(atB.packets.map((p) => p.bytes), [bytes(1, 2, 3), big]);
      assert.deepEqual(atB.packets[0]!.from, a.localAddress);
      await b.send(bytes(9), atB.packets[0]!.from);
      await atA.atLeast(1);
      assert.deepEqual(atA.packets[0]!.bytes, bytes(9));
      assert.deepEqual(atA.packets[0]!.from, b.localAddress);
    } finally {
      a.close();
      b.close();
    }
  });

  Deno.test(`udp ${name}: a packet kept by a handler is not overwritten by the next one`, async () => {
    const a = await bind({ host: "127.0.0.1" });
    const b = await bind({ host: "127.0.0.1" });
    try {
      const atB = collect(b);
      for (let i = 0; i < 50; i++) await a.send(bytes(i, i, i), b.localAddress);
      await atB.atLeast(50);
      assert.deepEqual(
        atB.packets.map((p) => Array.from(p.bytes)),
        Array.from({ length: 50 }, (_, i) => [i, i, i]),
      );
    } finally {
      a.close();
      b.close();
    }
  });

  Deno.test(`udp ${name}: the first handler that claims a packet gets it; removed handlers see nothing`, async () => {
    const a = await bind({ host: "127.0.0.1" });
    const b = await bind({ host: "127.0.0.1" });
    try {
      const seen: string[] = [];
      // Consumers told apart by the first byte, as trackers, uTP and the DHT will be.
      b.addHandler((data) => (seen.push(`zero:${data[0]}`), data[0] === 0));
      const removeThrowing = b.addHandler((data) => {
        if (data[0] === 7) throw new Error("faulty consumer");
      });
      const rest = collect(b);
      const removeLate = b.addHandler(() => (seen.push("never"), true));
      removeLate();
      await a.send(bytes(0, 1), b.localAddress);
      await a.send(bytes(7), b.localAddress);
      await a.send(bytes(5), b.localAddress);
      await rest.atLeast(1);
      assert.deepEqual(rest.packets.map((p) => Array.from(p.bytes)), [[5]]);
      assert.deepEqual(seen, ["zero:0", "zero:7", "zero:5"]);
      removeThrowing();
      await a.send(bytes(7), b.localAddress);
      await rest.atLeast(2);
      assert.deepEqual(rest.packets.map((p) => Array.from(p.bytes)), [[5], [7]]);
    } finally {
      a.close();
      b.close();
    }
  });

  Deno.test(`udp ${name}: sending to a closed port does not stop the socket`, async () => {
    const a = await bind({ host: "127.0.0.1" });
    const b = await bind({ host: "127.0.0.1" });
    const gone = await bind({ host: "127.0.0.1" });
    const closedAddress = gone.localAddress;
    gone.close();
    await gone.closed;
    try {
      const atA = collect(a);
      for (let i = 0; i < 3; i++) await a.send(bytes(i), closedAddress);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await b.send(bytes(8), a.localAddress);
      await atA.atLeast(1);
      assert.deepEqual(atA.packets.map((p) => Array.from(p.bytes)), [[8]]);
    } finally {
      a.close();
      b.close();
    }
  });

  Deno.test(`udp ${name}: IPv6 loopback`, async () => {
    const a = await bind({ host: "::1" });
    const b = await bind({ host: "::1" });
    try {
      assert.equal(a.localAddress.host, "::1");
      const atB = collect(b);
      await a.send(bytes(6, 6), b.localAddress);
      await atB.atLeast(1);
      assert.deepEqual(atB.packets[0], { bytes: bytes(6, 6), from: a.localAddress });
    } finally {
      a.close();
      b.close();
    }
  });

  Deno.test(`udp ${name}: close settles closed, is idempotent, and later sends fail`, async () => {
    const a = await bind({ host: "127.0.0.1" });
    const b = await bind({ host: "127.0.0.1" });
    a.close();
    a.close();
    await a.closed;
    await assert.rejects(a.send(bytes(1), b.localAddress));
    b.close();
    await b.closed;
  });

  Deno.test(`udp ${name}: binding a port in use fails`, async () => {
    const a = await bind({ host: "127.0.0.1" });
    try {
      await assert.rejects(async () => (await bind(a.localAddress)).close());
    } finally {
      a.close();
    }
  });
}

Deno.test("udp bindUdp: loads this runtime's implementation (Deno's here)", async () => {
  const socket = await bindUdp({ host: "127.0.0.1" });
  const other = await bindDenoUdp({ host: "127.0.0.1" });
  try {
    assert.equal(socket.constructor, other.constructor);
    const got = collect(other);
    await socket.send(bytes(42), other.localAddress);
    await got.atLeast(1);
    assert.deepEqual(got.packets[0]!.from, socket.localAddress);
  } finally {
    socket.close();
    other.close();
  }
});
