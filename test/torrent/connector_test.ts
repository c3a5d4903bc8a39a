import assert from "node:assert/strict";
import { Connector } from "../../src/torrent/connector.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import type { Conn, PeerAddress } from "../../transports/mod.ts";

Deno.test("connector: an address added again while its dial runs is dialled once", async () => {
  const listener = await tcpTransport().listen({ host: "127.0.0.1", port: 0 });
  const accepted: Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) accepted.push(conn);
  })();
  const connected: Conn[] = [];
  let settle = () => {};
  const firstDial = new Promise<void>((resolve) => settle = resolve);
  const connector = new Connector({
    wantsConnection: () => true,
    isKnown: () => false, // not connected yet: the dial is still running
    connected: (conn) => {
      connected.push(conn);
      settle();
      return Promise.resolve();
    },
    failed: () => {},
  }, {
    transports: [tcpTransport()],
    maxHalfOpen: 8,
    headStartMs: 500,
    encryption: "off",
    infoHash: new Uint8Array(20),
    handshakeTimeoutMs: 1000,
  });
  const address: PeerAddress = listener.address;
  try {
    connector.add(address);
    connector.add(address); // a second source names the same peer
    connector.add({ ...address });
    await firstDial;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(connected.length, 1);
    assert.equal(accepted.length, 1);
    // Once that dial is over, the address may be dialled again.
    connector.add(address);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(connected.length, 2);
  } finally {
    connector.close();
    for (const conn of [...connected, ...accepted]) conn.close();
    listener.close();
    await accepting;
  }
});
