/**
 * Time to first byte when streaming: a 256 MiB single-file torrent (256 KiB
 * pieces) is seeded by our client limited to 5 MB/s (`torrent seed
 * --limit-up 5000000`, a process); each streaming client in turn starts
 * empty, connects to that seeder, serves the torrent over HTTP, and is asked
 * for the file from 20 random offsets (`Range: bytes=N-`, as a player
 * seeking), one after another, 0.5 s apart. The time from sending a request
 * to receiving the first body byte is measured; every first chunk is
 * checked against the file. A measurement, not a test: a client that serves
 * wrong bytes or nothing fails it (exit 1).
 *
 * ```sh
 * deno run -A test/bench/stream_bench.ts                   # 256 MiB, 20 offsets
 * deno run -A test/bench/stream_bench.ts --size-mib 64 --offsets 10 --only ours
 * ```
 *
 * Clients: ours (`torrent serve`, as users run it) and WebTorrent's
 * `client.createServer()` on Node (installed as the download benchmark
 * installs it). Both ask for the same offsets in the same order; each run
 * starts from an empty folder. Options: `--size-mib N` (256), `--offsets N`
 * (20), `--seed N` (offset generator seed, 1), `--only LIST` (ours,webtorrent).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { haveTool } from "../interop/_tools.ts";
import { makeSeedFile, SEEDER_LIMIT } from "../stream/_swarm.ts";
import { installWebTorrent, WEBTORRENT_VERSION } from "../interop/_webtorrent_install.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const HERE = new URL(".", import.meta.url).pathname;
const BASE = `${Deno.env.get("TMPDIR") ?? "/tmp"}/torrent-bench`;
const MIB = 1024 * 1024;
const CLI = ["run", "--allow-read", "--allow-write", "--allow-net", `${ROOT}src/cli/main.ts`];

const { values } = parseArgs({
  args: Deno.args,
  options: {
    "size-mib": { type: "string", default: "256" },
    offsets: { type: "string", default: "20" },
    seed: { type: "string", default: "1" },
    only: { type: "string", default: "ours,webtorrent" },
  },
});
const SIZE = Number(values["size-mib"]) * MIB;
const COUNT = Number(values.offsets);
const ONLY = values.only.split(",");

/** A streaming client under test: a process and the URL of the file. */
interface Server {
  url: string;
  stop(): Promise<void>;
}

/** Offsets from a seeded generator, the same for every client. */
function randomOffsets(count: number, max: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((x / 2 ** 31) * max);
  });
}

/** Lines of a process's standard output, parsed as JSON. */
async function* records(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<Record<string, unknown>> {
  let buffer = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    buffer += text;
    for (let at; (at = buffer.indexOf("\n")) >= 0;) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      if (line.startsWith("{")) yield JSON.parse(line);
    }
  }
}

/** Starts a process and waits for the record that gives the URL. */
async function startServer(
  program: string,
  args: string[],
  ready: (record: Record<string, unknown>) => string | undefined,
): Promise<Server> {
  const child = new Deno.Command(program, {
    args,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = records(child.stdout);
  let url: string | undefined;
  // Not `for await ... break`, which would close the pipe; and no read after
  // the ready record, which may be the last line the process prints.
  while (!url) {
    const next = await lines.next();
    if (next.done) break;
    url = ready(next.value);
  }
  if (!url) throw new Error(`${program} ended before it was ready`);
  const draining = (async () => {
    for await (const _ of lines) { /* progress */ }
  })();
  return {
    url,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* it ended already */ }
      await child.status;
      await draining.catch(() => {});
    },
  };
}

/** Milliseconds from request to the first body byte, after checking that byte's chunk. */
async function timeToFirstByte(url: string, offset: number, data: Uint8Array): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { range: `bytes=${offset}-` } });
  if (response.status !== 206) throw new Error(`${url}: status ${response.status} at ${offset}`);
  const reader = response.body!.getReader();
  let first: Uint8Array | undefined;
  while (!first?.length) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${url}: no body at ${offset}`);
    first = value;
  }
  const ms = performance.now() - started;
  await reader.cancel();
  const expected = data.subarray(offset, offset + first.length);
  if (!first.every((byte, i) => byte === expected[i])) {
    throw new Error(`${url}: wrong bytes at ${offset}`);
  }
  return ms;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<number> {
  await Deno.mkdir(BASE, { recursive: true });
  console.log(`making ${SIZE / MIB} MiB of data and its torrent ...`);
  const seed = await makeSeedFile(SIZE, 256 * 1024, "stream.bin");
  const work = await Deno.makeTempDir({ dir: BASE, prefix: "stream-" });
  const torrentPath = `${work}/stream.torrent`;
  await Deno.writeFile(torrentPath, seed.torrent);
  const offsets = randomOffsets(COUNT, SIZE - 1, Number(values.seed));
  const seederPort = freePort();
  const seeder = new Deno.Command(Deno.execPath(), {
    args: [
      ...CLI,
      "seed",
      torrentPath,
      seed.dir,
      "--port",
      String(seederPort),
      "--limit-up",
      String(SEEDER_LIMIT),
      "--no-dht",
      "--quiet",
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const peer = `127.0.0.1:${seederPort}`;
  const results = new Map<string, number[]>();
  let failed = false;
  try {
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the seeder checks its data
    let oursUrl: string | undefined;
    const clients: [string, () => Promise<Server | string>][] = [
      [
        "ours",
        () =>
          startServer(Deno.execPath(), [
            ...CLI,
            "serve",
            torrentPath,
            "-o",
            `${work}/ours`,
            "--port",
            "0",
            "--peer-port",
            "0",
            "--peer",
            peer,
            "--no-dht",
            "--json",
          ], (r) => {
            // Ready once the seeder is connected.
            if (r.type === "listening") oursUrl = `${r.url}0/stream.bin`;
            return r.type === "progress" && (r.peers as number) > 0 ? oursUrl : undefined;
          }),
      ],
      ["webtorrent", async () => {
        if (!(await haveTool("node"))) return "node is not installed";
        const installed = await installWebTorrent("stub");
        if (typeof installed !== "string") return `npm failed: ${installed.error}`;
        return await startServer("node", [
          `${HERE}_webtorrent_serve.mjs`,
          `${installed}/node_modules/webtorrent`,
          torrentPath,
          `${work}/webtorrent`,
          peer,
        ], (r) => r.type === "ready" ? r.url as string : undefined);
      }],
    ];
    for (const [name, start] of clients) {
      if (!ONLY.includes(name)) continue;
      const server = await start();
      if (typeof server === "string") {
        console.log(`${name}: skipped, ${server}`);
        continue;
      }
      try {
        const times: number[] = [];
        for (const offset of offsets) {
          times.push(await timeToFirstByte(server.url, offset, seed.data));
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        results.set(name, times);
        console.log(`${name}: ${times.map((t) => t.toFixed(0)).join(" ")} ms`);
      } catch (error) {
        failed = true;
        console.log(`${name}: FAILED ${(error as Error).message}`);
      } finally {
        await server.stop();
      }
    }
  } finally {
    seeder.kill("SIGTERM");
    await seeder.status;
    await Deno.remove(work, { recursive: true });
    await Deno.remove(seed.dir, { recursive: true });
  }
  console.log(
    `\ntime to first byte, ${COUNT} random offsets, ${SIZE / MIB} MiB, seeder at ${
      SEEDER_LIMIT / 1e6
    } MB/s (ours; WebTorrent ${WEBTORRENT_VERSION} on Node)`,
  );
  for (const [name, times] of results) {
    console.log(
      `${name.padEnd(11)} median ${median(times).toFixed(0).padStart(5)} ms   max ${
        Math.max(...times).toFixed(0).padStart(5)
      } ms`,
    );
  }
  const ours = results.get("ours"), wt = results.get("webtorrent");
  if (ours && wt) {
    console.log(
      `WebTorrent / ours: median ${(median(wt) / median(ours)).toFixed(2)}x, max ${
        (Math.max(...wt) / Math.max(...ours)).toFixed(2)
      }x`,
    );
  }
  return failed ? 1 : 0;
}

Deno.exit(await main());
