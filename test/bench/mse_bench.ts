/**
 * What message stream encryption costs: RC4 alone (MB/s, in place and into
 * a copy, as the receiving and sending sides use it), MSE handshakes per
 * second over loopback TCP (two 768-bit modular exponentiations a side),
 * and a 64 MiB download over TCP from a seeder in another process (the
 * `torrent seed` command) with encryption `off`, `prefer` (MSE handshake,
 * plaintext data) and `require` (RC4 both ways), the median of five
 * rounds each. A measurement, not a test.
 *
 * ```sh
 * deno run -A test/bench/mse_bench.ts
 * ```
 *
 * @module
 */

import { Client } from "../../src/client.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { acceptIncoming } from "../../src/wire/mse/accept.ts";
import { mseConnect } from "../../src/wire/mse/initiator.ts";
import type { EncryptionPolicy } from "../../src/wire/mse/policy.ts";
import { Rc4 } from "../../src/wire/mse/rc4.ts";
import { memoryStorage } from "../../src/storage/memory.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";

const MIB = 1024 * 1024;
const ROUNDS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function rc4Rate(copy: boolean): number {
  const rc4 = new Rc4(new Uint8Array(20).fill(7));
  const chunk = new Uint8Array(64 * 1024);
  const out = new Uint8Array(chunk.length);
  const total = 256 * MIB;
  const start = performance.now();
  for (let done = 0; done < total; done += chunk.length) rc4.apply(chunk, copy ? out : chunk);
  return total / 1e6 / ((performance.now() - start) / 1000);
}

async function handshakesPerSecond(count: number): Promise<number> {
  const transport = tcpTransport();
  const listener = await transport.listen({ host: "127.0.0.1", port: 0 });
  const infoHash = new Uint8Array(20).fill(1);
  const incoming = listener[Symbol.asyncIterator]();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const [dialled, accepted] = await Promise.all([
      transport.dial(listener.address),
      incoming.next(),
    ]);
    const [a, b] = await Promise.all([
      mseConnect(dialled, { infoHash, provide: 0x03, timeoutMs: 10_000 }),
      acceptIncoming(accepted.value!, {
        policy: "prefer",
        infoHashes: () => [infoHash],
        timeoutMs: 10_000,
      }),
    ]);
    a.close();
    b.conn.close();
  }
  listener.close();
  return count / ((performance.now() - start) / 1000);
}

async function transfer(policy: EncryptionPolicy, work: string, torrent: Uint8Array) {
  const cli = new URL("../../src/cli/main.ts", import.meta.url).pathname;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const seeder = new Deno.Command(Deno.execPath(), {
    args: [
      ...["run", "-A", cli, "seed", `${work}/data.torrent`, work, "--port", `${port}`],
      ...["--transports", "tcp", "--no-dht", "--json", "--encryption", policy],
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    await seeding(seeder.stdout);
    const client = await Client.create({
      host: "127.0.0.1",
      port: 0,
      transports: ["tcp"],
      encryption: policy,
    });
    const start = performance.now();
    const leeching = await client.add(torrent, {
      storage: memoryStorage(),
      peers: [{ host: "127.0.0.1", port }],
    });
    await leeching.done;
    const seconds = (performance.now() - start) / 1000;
    await client.close();
    return leeching.meta.length / 1e6 / seconds;
  } finally {
    seeder.kill();
    await seeder.status;
  }
}

/**
 * Waits until the seeder's progress says it seeds (its check is over: a
 * peer that connects during the check is not told of the pieces later),
 * then drains the rest of its output.
 */
async function seeding(stdout: ReadableStream<Uint8Array>): Promise<void> {
  const lines = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes('"state":"seeding"')) {
    const { value, done } = await lines.read();
    if (done) throw new Error("the seeder ended before seeding");
    text = text.slice(-200) + value;
  }
  (async () => {
    while (!(await lines.read()).done);
  })();
}

console.log(`Deno ${Deno.version.deno}; median of ${ROUNDS} rounds`);
const rates = (f: () => number) => Array.from({ length: ROUNDS }, f);
console.log(`RC4 in place:     ${median(rates(() => rc4Rate(false))).toFixed(0)} MB/s`);
console.log(`RC4 into a copy:  ${median(rates(() => rc4Rate(true))).toFixed(0)} MB/s`);
console.log(`MSE handshakes:   ${(await handshakesPerSecond(200)).toFixed(0)} per second (TCP)`);

const work = await Deno.makeTempDir({ prefix: "mse-bench-" });
try {
  const data = pseudoRandomBytes(64 * MIB, 5);
  await Deno.writeFile(`${work}/data.bin`, data);
  const torrent = await createTorrent([memorySource(["data.bin"], data)], {
    name: "data.bin",
    pieceLength: 256 * 1024,
  });
  await Deno.writeFile(`${work}/data.torrent`, torrent);
  for (const policy of ["off", "prefer", "require"] as const) {
    const results: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      results.push(await transfer(policy, work, torrent));
    }
    const list = results.map((r) => r.toFixed(0)).join(", ");
    console.log(
      `64 MiB over TCP, encryption ${policy}: ${median(results).toFixed(0)} MB/s (${list})`,
    );
  }
} finally {
  await Deno.remove(work, { recursive: true });
}
