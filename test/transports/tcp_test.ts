import assert from "node:assert/strict";
import type { Transport } from "../../transports/mod.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import { denoTcpTransport } from "../../transports/tcp_deno.ts";
import { nodeTcpTransport } from "../../transports/tcp_node.ts";
import { transportConformance } from "../conformance/transport_suite.ts";

const implementations: [string, () => Transport][] = [
  ["Deno.connect", denoTcpTransport],
  ["node:net", nodeTcpTransport],
];

// Each implementation directly (not through tcpTransport(), which loads it
// first), so that an abort right after dial() lands while connecting.
for (const [name, make] of implementations) {
  transportConformance(
    `tcp over ${name}`,
    () => Promise.resolve({ transport: make(), host: "127.0.0.1" }),
  );
}

Deno.test("tcp: tcpTransport() uses Deno.connect under Deno", async () => {
  const tcp = tcpTransport();
  assert.equal(tcp.name, "tcp");
  const listener = await tcp.listen({ host: "127.0.0.1" });
  const viaTcp = await tcp.dial(listener.address);
  const viaDeno = await denoTcpTransport().dial(listener.address);
  const viaNode = await nodeTcpTransport().dial(listener.address);
  assert.equal(Object.getPrototypeOf(viaTcp), Object.getPrototypeOf(viaDeno));
  assert.notEqual(Object.getPrototypeOf(viaTcp), Object.getPrototypeOf(viaNode));
  for (const conn of [viaTcp, viaDeno, viaNode]) conn.close();
  listener.close();
});

for (const [name, make] of implementations) {
  Deno.test(`tcp over ${name}: listening on a port in use rejects, naming it`, async () => {
    const taken = await make().listen({ host: "127.0.0.1" });
    try {
      const port = taken.address.port;
      const listening = make().listen({ host: "127.0.0.1", port });
      await assert.rejects(
        listening,
        new RegExp(`^Error: Cannot listen on 127\\.0\\.0\\.1:${port}: `),
      );
    } finally {
      taken.close();
    }
  });
}

const noIpv6 = (() => {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return null;
  } catch (error) {
    return `cannot bind ::1 (${(error as Error).message})`;
  }
})();
if (noIpv6) console.log(`Skipping the IPv6 TCP tests: ${noIpv6}`);

for (const [name, make] of implementations) {
  Deno.test({
    name: `tcp over ${name}: IPv6 on ::1`,
    ignore: noIpv6 !== null,
    async fn() {
      const tcp = make();
      const listener = await tcp.listen({ host: "::1" });
      assert.equal(listener.address.host, "::1");
      const incoming = listener[Symbol.asyncIterator]();
      const [dialled, next] = await Promise.all([tcp.dial(listener.address), incoming.next()]);
      assert.equal(next.done, false);
      const accepted = next.value;
      assert.deepEqual(dialled.remoteAddress, listener.address);
      assert.equal(accepted.remoteAddress?.host, "::1");
      const writer = dialled.writable.getWriter();
      await writer.write(new Uint8Array([6, 6]));
      assert.deepEqual((await accepted.readable.getReader().read()).value, new Uint8Array([6, 6]));
      dialled.close();
      await accepted.closed;
      listener.close();
    },
  });
}

/**
 * Runs `deno eval` on `code` with at most `limit` open files, and returns the
 * child and the first line it prints.
 */
async function spawnWithFileLimit(code: string, limit: number) {
  const child = new Deno.Command("sh", {
    args: ["-c", `ulimit -n ${limit} && exec "$0" eval "$1"`, Deno.execPath(), code],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`child exited before printing a line: ${text}`);
    text += value;
  }
  await lines.cancel();
  return { child, line: text.slice(0, text.indexOf("\n")) };
}

Deno.test("tcp over Deno.connect: the listener outlives running out of file descriptors", async () => {
  // The child accepts with 64 descriptors, sends each connection a byte and
  // keeps it until told (a line on stdin) to let them all go. 150
  // connections cannot all fit, so accepting must fail, then resume.
  const module = new URL("../../transports/tcp_deno.ts", import.meta.url).href;
  const { child, line } = await spawnWithFileLimit(
    `
    // Deno 2.9.6 sets up signal handling lazily, and panics if no descriptor is left for it.
    Deno.addSignalListener("SIGUSR2", () => {});
    const { denoTcpTransport } = await import(${JSON.stringify(module)});
    const listener = await denoTcpTransport().listen({ host: "127.0.0.1" });
    console.log(listener.address.port);
    const held = [];
    (async () => {
      for await (const _ of Deno.stdin.readable) for (const conn of held.splice(0)) conn.close();
    })();
    for await (const conn of listener) {
      held.push(conn);
      const writer = conn.writable.getWriter();
      await writer.write(new Uint8Array([1]));
      writer.releaseLock();
    }`,
    64,
  );
  const release = child.stdin.getWriter();
  const count = 150;
  const conns = await Promise.all(
    Array.from(
      { length: count },
      () => Deno.connect({ hostname: "127.0.0.1", port: Number(line) }),
    ),
  );
  try {
    let served = 0;
    for (const conn of conns) {
      conn.read(new Uint8Array(1)).then((n) => n === 1 && served++, () => {});
    }
    let releases = 0;
    for (;;) {
      const before = served;
      await waitForQuiet(() => served, 500);
      if (served === count) break;
      assert.ok(served > before, `accepting stopped at ${served} of ${count} connections`);
      await release.write(new TextEncoder().encode("release\n"));
      releases++;
    }
    assert.ok(releases >= 1, "all connections fit: the listener never ran out of descriptors");
  } finally {
    for (const conn of conns) conn.close();
    child.kill();
    await release.close().catch(() => {});
    await child.status;
  }
});

/** Resolves once `value()` has not changed for `quietMs`. */
async function waitForQuiet(value: () => number, quietMs: number): Promise<void> {
  let last = value();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (value() !== last) [last, since] = [value(), Date.now()];
  }
}
