/**
 * uTP throughput on loopback, next to TCP, against libtorrent, in one run: a
 * single-file torrent (256 MiB by default, 1 MiB pieces) is seeded by one
 * process and downloaded by another, each client as a user runs it (ours:
 * the CLI; libtorrent: its python bindings with uTP only), and the leecher's
 * time from start to every piece verified is taken. The cases:
 *
 * - ours -> ours over uTP, and over TCP;
 * - libtorrent -> ours over uTP;
 * - libtorrent -> libtorrent over uTP (libtorrent's own uTP);
 * - and, in this process, one `Conn` sending to another: uTP and TCP.
 *
 * A measurement, not a test: it prints MB/s (10^6 bytes per second, the
 * median of the runs) and the ratios the uTP targets are about (uTP at least
 * half of our TCP, and at least libtorrent's own uTP). A download that does
 * not finish, or finishes with other bytes, fails it (exit 1).
 *
 * ```sh
 * deno run -A test/bench/utp_bench.ts                 # 256 MiB, 3 runs
 * deno run -A test/bench/utp_bench.ts --size-mib 64 --runs 1
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { sourcesFromPath } from "../../src/metainfo/sources.ts";
import type { Transport } from "../../transports/mod.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import { utpTransport } from "../../transports/utp/mod.ts";
import { pseudoRandomBytes } from "../_data.ts";
import { ChildProcess, freePort, LT_HELPER } from "../interop/_clients_process.ts";
import { PYTHON } from "../interop/_tools.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const CLI = `${ROOT}src/cli/main.ts`;
const MB = 1e6;

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "3" },
    "size-mib": { type: "string", default: "256" },
    timeout: { type: "string", default: "300" },
  },
});
const RUNS = Number(flags.runs);
const SIZE = Number(flags["size-mib"]) * 1024 * 1024;
const TIMEOUT_MS = Number(flags.timeout) * 1000;

type Kind = "ours" | "libtorrent";
type Carrier = "utp" | "tcp";

/** The data and its torrent, made once under $TMPDIR and reused. */
async function dataset(): Promise<{ dir: string; file: string; torrent: string }> {
  const base = `${Deno.env.get("TMPDIR") ?? "/tmp"}/torrent-bench/utp-${SIZE >> 20}MiB`;
  const file = `${base}/seed/utp-bench.bin`;
  const torrent = `${base}/utp-bench.torrent`;
  try {
    await Deno.stat(torrent);
    return { dir: `${base}/seed`, file, torrent };
  } catch {
    // made below
  }
  await Deno.mkdir(`${base}/seed`, { recursive: true });
  await Deno.writeFile(file, pseudoRandomBytes(SIZE, 0xbe4c));
  const { name, files } = await sourcesFromPath(file);
  await Deno.writeFile(torrent, await createTorrent(files, { name, pieceLength: 1 << 20 }));
  return { dir: `${base}/seed`, file, torrent };
}

/** Starts a seeder and resolves once it serves, with its port. */
async function seed(kind: Kind, carrier: Carrier, data: { dir: string; torrent: string }) {
  const port = freePort();
  const ready = Promise.withResolvers<void>();
  const child = kind === "ours"
    ? new ChildProcess([
      Deno.execPath(),
      "run",
      "-A",
      "--unstable-net",
      CLI,
      "seed",
      data.torrent,
      data.dir,
      "--port",
      `${port}`,
      "--transports",
      carrier,
      "--no-dht",
      "--json",
    ], { guard: true, onLine: (line) => line.startsWith("{") && ready.resolve() })
    : new ChildProcess([
      PYTHON,
      LT_HELPER,
      "seed",
      data.torrent,
      data.dir,
      "--port",
      `${port}`,
      "--transports",
      carrier,
    ], { guard: false, onLine: (line) => line.includes('"seeding": true') && ready.resolve() });
  child.exited.then(() => ready.reject(new Error(`the ${kind} seeder exited: ${child.tail()}`)));
  await ready.promise;
  return { port, stop: () => child.stop() };
}

/** Downloads from the seeder on `port`; resolves with seconds from start to complete. */
async function leech(kind: Kind, carrier: Carrier, torrent: string, port: number, out: string) {
  const done = Promise.withResolvers<void>();
  const peer = `127.0.0.1:${port}`;
  const started = performance.now();
  const child = kind === "ours"
    ? new ChildProcess([
      Deno.execPath(),
      "run",
      "-A",
      "--unstable-net",
      CLI,
      "download",
      torrent,
      "-o",
      out,
      "--peer",
      peer,
      "--port",
      "0",
      "--transports",
      carrier,
      "--no-dht",
      "--quiet",
    ], { guard: true })
    : new ChildProcess([
      PYTHON,
      LT_HELPER,
      "leech",
      torrent,
      out,
      "--port",
      `${freePort()}`,
      "--peer",
      peer,
      "--transports",
      carrier,
    ], { guard: false, onLine: (line) => line.includes('"seeding": true') && done.resolve() });
  child.exited.then((status) =>
    status.success && kind === "ours"
      ? done.resolve()
      : done.reject(new Error(`the ${kind} leecher exited (${status.code}): ${child.tail()}`))
  );
  const timer = setTimeout(() => done.reject(new Error("timed out")), TIMEOUT_MS);
  try {
    await done.promise;
    return (performance.now() - started) / 1000;
  } finally {
    clearTimeout(timer);
    await child.stop();
  }
}

async function sameBytes(a: string, b: string): Promise<void> {
  const { success } = await new Deno.Command("cmp", { args: ["-s", a, b] }).output();
  if (!success) throw new Error(`${b} differs from ${a}`);
}

/** One swarm transfer: MB/s. */
async function swarm(
  from: Kind,
  to: Kind,
  carrier: Carrier,
  data: Awaited<ReturnType<typeof dataset>>,
) {
  const seeder = await seed(from, carrier, data);
  const out = await Deno.makeTempDir({ prefix: "utp-bench-" });
  try {
    const seconds = await leech(to, carrier, data.torrent, seeder.port, out);
    await sameBytes(data.file, `${out}/utp-bench.bin`);
    return SIZE / MB / seconds;
  } finally {
    await seeder.stop();
    await Deno.remove(out, { recursive: true });
  }
}

/** One `Conn` to another in this process: MB/s. */
async function conn(transport: Transport): Promise<number> {
  const listener = await transport.listen({ host: "127.0.0.1" });
  const incoming = listener[Symbol.asyncIterator]();
  const [sender, next] = await Promise.all([transport.dial(listener.address), incoming.next()]);
  const receiver = next.value!;
  const chunk = new Uint8Array(64 * 1024).fill(0x5a);
  const started = performance.now();
  const writing = (async () => {
    const writer = sender.writable.getWriter();
    for (let sent = 0; sent < SIZE; sent += chunk.length) await writer.write(chunk);
  })();
  const reader = receiver.readable.getReader();
  for (let got = 0; got < SIZE;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the stream ended early");
    got += value.length;
  }
  await writing;
  const rate = SIZE / MB / ((performance.now() - started) / 1000);
  sender.close();
  receiver.close();
  listener.close();
  return rate;
}

const CASES: [string, () => Promise<number>][] = [];
const data = await dataset();
CASES.push(
  ["uTP  ours -> ours", () => swarm("ours", "ours", "utp", data)],
  ["TCP  ours -> ours", () => swarm("ours", "ours", "tcp", data)],
  ["uTP  libtorrent -> ours", () => swarm("libtorrent", "ours", "utp", data)],
  ["uTP  libtorrent -> libtorrent", () => swarm("libtorrent", "libtorrent", "utp", data)],
  ["uTP  Conn -> Conn, one process", () => conn(utpTransport())],
  ["TCP  Conn -> Conn, one process", () => conn(tcpTransport())],
);

console.log(
  `${
    SIZE >> 20
  } MiB over loopback, Deno ${Deno.version.deno}: median (slowest-fastest) of ${RUNS} runs`,
);
const rates = new Map<string, number[]>(CASES.map(([name]) => [name, []]));
let failed = false;
for (let run = 0; run < RUNS; run++) {
  for (const [name, measure] of CASES) {
    try {
      rates.get(name)!.push(await measure());
    } catch (error) {
      failed = true;
      console.log(`${name}: FAILED: ${(error as Error).message}`);
    }
  }
}
const median = (name: string) => {
  const list = [...rates.get(name)!].sort((a, b) => a - b);
  return list[list.length >> 1] ?? NaN;
};
for (const [name] of CASES) {
  const list = [...rates.get(name)!].sort((a, b) => a - b);
  const range = list.length > 1 ? ` (${list[0]!.toFixed(0)}-${list.at(-1)!.toFixed(0)})` : "";
  console.log(`${name.padEnd(34)} ${median(name).toFixed(1).padStart(7)} MB/s${range}`);
}
const ratio = (a: string, b: string) => `${(median(a) / median(b)).toFixed(2)}`;
console.log(
  `uTP ours->ours / TCP ours->ours:           ${
    ratio("uTP  ours -> ours", "TCP  ours -> ours")
  } (target >= 0.5)`,
);
console.log(
  `uTP ours->ours / libtorrent uTP->uTP:      ${
    ratio("uTP  ours -> ours", "uTP  libtorrent -> libtorrent")
  } (target >= 1)`,
);
console.log(
  `uTP libtorrent->ours / libtorrent uTP->uTP: ${
    ratio("uTP  libtorrent -> ours", "uTP  libtorrent -> libtorrent")
  }`,
);
if (failed) Deno.exit(1);
