/**
 * Throughput of each transport over loopback: 1 GiB in 64 KiB writes from a
 * dialled connection to an accepted one, reported in MB/s (the median of
 * three rounds, with the slowest and fastest). A measurement, not a test:
 * nothing here passes or fails on speed.
 *
 * ```sh
 * deno run -A test/bench/transport_bench.ts
 * ```
 *
 * @module
 */

import { MemoryNetwork } from "../../transports/memory.ts";
import type { Transport } from "../../transports/mod.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import { nodeTcpTransport } from "../../transports/tcp_node.ts";

const TOTAL = 1024 ** 3;
const WRITE = 64 * 1024;

/** Sends {@link TOTAL} bytes one way and returns the rate in MB/s. */
async function measure(transport: Transport): Promise<number> {
  const listener = await transport.listen({ host: "127.0.0.1" });
  const incoming = listener[Symbol.asyncIterator]();
  const [sender, next] = await Promise.all([transport.dial(listener.address), incoming.next()]);
  if (next.done) throw new Error("the listener ended before accepting");
  const receiver = next.value;
  const chunk = new Uint8Array(WRITE).fill(0x5a);
  const start = performance.now();
  const sending = (async () => {
    const writer = sender.writable.getWriter();
    for (let sent = 0; sent < TOTAL; sent += WRITE) await writer.write(chunk);
  })();
  let received = 0;
  const reader = receiver.readable.getReader();
  while (received < TOTAL) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended after ${received} bytes`);
    received += value.length;
  }
  await sending;
  const seconds = (performance.now() - start) / 1000;
  sender.close();
  receiver.close();
  listener.close();
  return TOTAL / 1e6 / seconds;
}

const transports: [string, Transport][] = [
  ["memory", new MemoryNetwork().transport()],
  ["tcp (tcpTransport: Deno.connect)", tcpTransport()],
  ["tcp (node:net under Deno)", nodeTcpTransport()],
];
const ROUNDS = 3;
console.log(
  `1 GiB in ${WRITE / 1024} KiB writes over loopback, Deno ${Deno.version.deno}: ` +
    `median (slowest-fastest) of ${ROUNDS} rounds`,
);
const rates = new Map<string, number[]>(transports.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  // Rounds interleave the transports, so a busy moment does not fall on one alone.
  for (const [name, transport] of transports) rates.get(name)!.push(await measure(transport));
}
for (const [name, list] of rates) {
  const sorted = list.sort((a, b) => a - b).map((rate) => rate.toFixed(0));
  const [low, mid, high] = [sorted[0], sorted[sorted.length >> 1], sorted[sorted.length - 1]];
  console.log(`${name.padEnd(34)} ${mid!.padStart(5)} MB/s (${low}-${high})`);
}
