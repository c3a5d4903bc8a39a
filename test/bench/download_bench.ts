/**
 * Download speed, CPU and memory of our client against real clients: a
 * single-file torrent (1 GiB by default, 1 MiB pieces) seeded by libtorrent on
 * loopback is downloaded by each client in turn, each into an empty folder on
 * the same filesystem as the seeded data, and the medians are compared. A
 * measurement, not a test: missing targets never fail it; a client that does
 * not finish, or finishes with different bytes, does (exit 1).
 *
 * ```sh
 * deno task bench                                   # 1 GiB, 3 runs of each client
 * deno run -A test/bench/download_bench.ts --size-mib 256 --runs 1
 * ```
 *
 * Options: `--runs N` (3), `--size-mib N` (1024), `--timeout SECONDS` per
 * download (300), `--only LIST` (a comma-separated subset of ours, libtorrent,
 * transmission, aria2, webtorrent), `--keep-logs` (keep each client's output
 * and the seeder's under `$TMPDIR/torrent-bench/run-*`; downloads are always
 * deleted).
 *
 * - The data comes from a seeded xorshift128 generator, written once under
 *   `$TMPDIR/torrent-bench/` (with its torrent, made by libtorrent) and reused.
 * - The seeder is libtorrent with `lt.high_performance_seed()` on 127.0.0.1,
 *   TCP only. Every leecher has DHT, LSD, PEX, UPnP, NAT-PMP and uTP off.
 * - Leechers: ours (the CLI, as users run it), libtorrent (python, default
 *   settings), Transmission (`transmission-cli`; the seeder dials it, since it
 *   ignores loopback peers from trackers), aria2 (`aria2c`, which learns the
 *   seeder from an `opentracker` on loopback), WebTorrent (npm, on Node,
 *   installed once into `$TMPDIR/torrent-test/`, its WebRTC module
 *   stubbed out: see {@link installWebTorrent}). A missing tool skips its
 *   client with a line saying so.
 * - Rounds interleave the clients, and each download starts after a `sync`.
 *   Time runs from starting the client's process to its exit once it has
 *   verified every piece; CPU is the user + system time of its process tree
 *   and memory its peak RSS (wait4 rusage, through `_run.py`), besides the
 *   peak of its anonymous memory (RSS counts the file pages that libtorrent
 *   maps). MB/s is 10^6 bytes per second. Every download is compared byte for
 *   byte with the source (`cmp`), then deleted.
 * - Each run also reports the seeder's CPU time and how busy the rest of the
 *   machine was (other processes, in cores), since both share the CPUs.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { installWebTorrent, WEBTORRENT_VERSION } from "../interop/_webtorrent_install.ts";

const HERE = new URL(".", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;
/** Debian's python with the libtorrent bindings (the first python on PATH may lack them). */
const PYTHON = "/usr/bin/python3";
const PIECE_LENGTH = 1 << 20;
const MIB = 1 << 20;
/** USER_HZ, the unit of /proc's CPU times (100 on Linux everywhere that matters). */
const CLOCK_TICKS = 100;

const CLIENTS = ["ours", "libtorrent", "transmission", "aria2", "webtorrent"] as const;
type ClientName = typeof CLIENTS[number];

/** What `_run.py` reports about one process. */
interface Rusage {
  code: number | null;
  signal: number | null;
  wall_s: number;
  user_s: number;
  sys_s: number;
  maxrss_kib: number;
  max_anon_kib: number;
  timed_out: boolean;
  stopped: boolean;
}

/** One finished download. */
interface Sample {
  wall: number;
  cpu: number;
  rssMiB: number;
  anonMiB: number;
  /** CPU seconds the seeder spent meanwhile. */
  seederCpu: number;
  /** CPU the rest of the machine used meanwhile (other processes), in cores. */
  otherCores: number;
}

/** How to run one client, or why it cannot run. */
interface Leecher {
  name: ClientName;
  /** A version to print, when known. */
  version: string;
  /** Why the client is skipped, or null. */
  skip: string | null;
  /** The command for one download into `dir` (empty); `scratch` is for its other files. */
  prepare(dir: string, scratch: string): Promise<Prepared>;
}

interface Prepared {
  cmd: string[];
  /** Called once the process runs (Transmission: wait until it listens, then have the seeder dial). */
  started?: (log: string, signal: AbortSignal) => Promise<void>;
}

// ---------------------------------------------------------------------------
// Options

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "3" },
    "size-mib": { type: "string", default: "1024" },
    timeout: { type: "string", default: "300" },
    only: { type: "string" },
    "keep-logs": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
  strict: true,
});
if (flags.help) {
  console.log(
    "Usage: deno run -A test/bench/download_bench.ts [--runs N] [--size-mib N] " +
      "[--timeout SECONDS] [--only ours,libtorrent,transmission,aria2,webtorrent] [--keep-logs]",
  );
  Deno.exit(0);
}
const RUNS = positiveInt("--runs", flags.runs);
const SIZE_MIB = positiveInt("--size-mib", flags["size-mib"]);
const TIMEOUT_S = positiveInt("--timeout", flags.timeout);
const SIZE = SIZE_MIB * MIB;
const KEEP_LOGS = flags["keep-logs"] ?? false;
const ONLY = flags.only === undefined
  ? [...CLIENTS]
  : flags.only.split(",").map((name) => name.trim()).filter((name) => name !== "");
for (const name of ONLY) {
  if (!(CLIENTS as readonly string[]).includes(name)) {
    usageError(`--only: unknown client "${name}" (known: ${CLIENTS.join(", ")})`);
  }
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) usageError(`${flag} takes a positive integer, not "${text}"`);
  return n;
}

function usageError(message: string): never {
  console.error(message);
  Deno.exit(2);
}

// ---------------------------------------------------------------------------
// Processes: everything started is tracked so that it can be ended.

const cleanups = new Set<() => Promise<void>>();
/** Set on SIGINT/SIGTERM: start nothing more. */
let stopping = false;

async function cleanUp(): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      await cleanup();
    } catch (err) {
      console.error(`cleanup: ${errorText(err)}`);
    }
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping`);
    cleanUp().finally(() => Deno.exit(130));
  });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Splits a byte stream into lines of text. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    rest += text;
    let nl;
    while ((nl = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
    }
  }
  if (rest) yield rest;
}

/** Runs a command to completion and collects its output (standard input: none). */
async function output(
  cmd: string[],
  opts: { cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [program, ...args] = cmd;
  const child = new Deno.Command(program!, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
  }).spawn();
  const { code, stdout, stderr } = await child.output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

/**
 * Runs a command under `_run.py`, which measures it and ends its whole process
 * group on timeout or when we close its standard input.
 */
async function measured(
  prepared: Prepared,
  scratch: string,
  timeoutS: number,
): Promise<{ usage: Rusage; log: string }> {
  const out = `${scratch}/rusage.json`;
  const log = `${scratch}/output.log`;
  if (stopping) throw new Error("stopped");
  const runner = new Deno.Command(PYTHON, {
    args: [
      `${HERE}_run.py`,
      "--timeout",
      String(timeoutS),
      "--out",
      out,
      "--log",
      log,
      "--",
      ...prepared.cmd,
    ],
    cwd: ROOT,
    stdin: "piped",
    stdout: "inherit",
    stderr: "inherit",
    env: { NO_COLOR: "1" },
  }).spawn();
  const abort = new AbortController();
  const stop = async () => {
    abort.abort();
    try {
      await runner.stdin.close();
    } catch { /* already closed */ }
    await runner.status;
  };
  cleanups.add(stop);
  try {
    if (prepared.started) {
      prepared.started(log, abort.signal).catch((err) => {
        if (!abort.signal.aborted) console.error(`    ${errorText(err)}`);
      });
    }
    await runner.status;
  } finally {
    abort.abort();
    cleanups.delete(stop);
    try {
      await runner.stdin.close();
    } catch { /* already closed */ }
  }
  const usage = JSON.parse(await Deno.readTextFile(out)) as Rusage;
  return { usage, log };
}

/** Finds a program on PATH. */
async function which(name: string): Promise<string | null> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    try {
      const stat = await Deno.stat(`${dir}/${name}`);
      if (stat.isFile && (stat.mode === null || (stat.mode & 0o111) !== 0)) {
        return `${dir}/${name}`;
      }
    } catch { /* not there */ }
  }
  return null;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds all CPUs have spent busy since boot (/proc/stat). */
async function machineBusy(): Promise<number> {
  const fields = (await Deno.readTextFile("/proc/stat")).split("\n")[0]!.trim().split(/\s+/)
    .slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is inside user)
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
async function processCpu(pid: number): Promise<number> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** A port nobody listens on right now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** True when something listens on 127.0.0.1:port (or 0.0.0.0:port), per /proc/net/tcp. */
async function listening(port: number): Promise<boolean> {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const table = await Deno.readTextFile("/proc/net/tcp");
  return table.split("\n").some((row) => {
    const [, local, , state] = row.trim().split(/\s+/);
    return state === "0A" && (local === `0100007F:${hex}` || local === `00000000:${hex}`);
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

// ---------------------------------------------------------------------------
// The data and its torrent, made once and kept

const BASE = `${Deno.env.get("TMPDIR") ?? "/tmp"}/torrent-bench`;

interface Source {
  dir: string;
  file: string;
  name: string;
  torrent: string;
  infoHash: string;
}

async function source(): Promise<Source> {
  const dir = `${BASE}/data-${SIZE_MIB}MiB`;
  const name = `bench-${SIZE_MIB}MiB.bin`;
  const file = `${dir}/${name}`;
  const torrent = `${dir}/bench-${SIZE_MIB}MiB.torrent`;
  await Deno.mkdir(dir, { recursive: true });
  let size = -1;
  try {
    size = (await Deno.stat(file)).size;
  } catch { /* not made yet */ }
  if (size !== SIZE) {
    const start = performance.now();
    await generate(file, SIZE);
    console.log(`generated ${file} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    await Deno.remove(torrent).catch(() => {});
  }
  if (!(await exists(torrent))) {
    const partial = `${torrent}.partial-${Deno.pid}`;
    const made = await output([
      PYTHON,
      `${HERE}_lt_seed.py`,
      "create",
      file,
      partial,
      String(PIECE_LENGTH),
    ]);
    if (made.code !== 0) throw new Error(`making the torrent failed: ${made.stderr.trim()}`);
    await Deno.rename(partial, torrent);
    console.log(`made ${torrent} with libtorrent`);
  }
  const hash = await output([PYTHON, `${HERE}_lt_seed.py`, "infohash", torrent]);
  if (hash.code !== 0) throw new Error(`reading the torrent failed: ${hash.stderr.trim()}`);
  return { dir, file, name, torrent, infoHash: hash.stdout.trim() };
}

/** Writes `size` bytes of xorshift128 output (fixed seed, little-endian words) to `path`. */
async function generate(path: string, size: number): Promise<void> {
  const partial = `${path}.partial-${Deno.pid}`;
  const chunk = new Uint32Array(4 * MIB);
  const bytes = new Uint8Array(chunk.buffer);
  let x = 0x5eedb17e, y = 0x9e3779b9, z = 0x243f6a88, w = 0xb7e15162;
  const file = await Deno.open(partial, { write: true, create: true, truncate: true });
  try {
    for (let done = 0; done < size; done += bytes.length) {
      for (let i = 0; i < chunk.length; i++) {
        const t = x ^ (x << 11);
        x = y;
        y = z;
        z = w;
        w = (w ^ (w >>> 19) ^ t ^ (t >>> 8)) >>> 0;
        chunk[i] = w;
      }
      const view = bytes.subarray(0, Math.min(bytes.length, size - done));
      for (let off = 0; off < view.length;) off += await file.write(view.subarray(off));
    }
    // On disk now, so that its writeback does not land in a measured download.
    await file.sync();
  } finally {
    file.close();
  }
  await Deno.rename(partial, path);
}

// ---------------------------------------------------------------------------
// The seeder and the tracker

interface Seeder {
  port: number;
  /** Its process id, to read its CPU time. */
  pid: number;
  /** Has the seeder dial a peer. */
  connect(port: number): Promise<void>;
}

async function startSeeder(src: Source, tracker: string | null, logDir: string): Promise<Seeder> {
  const errLog = await Deno.open(`${logDir}/seeder.log`, { write: true, create: true });
  const child = new Deno.Command(PYTHON, {
    args: [
      `${HERE}_lt_seed.py`,
      "seed",
      src.torrent,
      src.dir,
      ...(tracker ? ["--tracker", tracker] : []),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const piping = child.stderr.pipeTo(errLog.writable).catch(() => {});
  const writer = child.stdin.getWriter();
  const stop = async () => {
    await writer.close().catch(() => {});
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 10_000);
    await child.status;
    clearTimeout(timer);
    await piping;
  };
  cleanups.add(stop);
  const encoder = new TextEncoder();
  const stdout = lines(child.stdout);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const port = await Promise.race([
    (async () => {
      // Not for-await: leaving that loop early would cancel the seeder's output.
      for (let next = await stdout.next(); !next.done; next = await stdout.next()) {
        const record = JSON.parse(next.value);
        if (record.type === "ready") return record.port as number;
      }
      const log = await Deno.readTextFile(`${logDir}/seeder.log`).catch(() => "");
      throw new Error(`the seeder exited before it was ready: ${log.trim()}`);
    })(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the seeder was not ready after 600 s")), 600_000);
    }),
  ]).finally(() => clearTimeout(timer));
  // Keep draining its output.
  (async () => {
    for await (const _ of stdout) { /* ignore */ }
  })().catch(() => {});
  return {
    port,
    pid: child.pid,
    connect: (peerPort) => writer.write(encoder.encode(`connect 127.0.0.1:${peerPort}\n`)),
  };
}

async function startTracker(infoHash: string, logDir: string): Promise<string> {
  const dir = `${logDir}/opentracker`;
  await Deno.mkdir(dir);
  // opentracker chroots to -d and drops to "nobody", who must read the whitelist there.
  await Deno.chmod(dir, 0o755);
  await Deno.writeTextFile(`${dir}/whitelist`, `${infoHash}\n`, { mode: 0o644 });
  const port = freePort();
  const runner = new Deno.Command(PYTHON, {
    args: [
      `${HERE}_run.py`,
      "--log",
      `${logDir}/opentracker.log`,
      "--out",
      `${logDir}/opentracker.json`,
      "--",
      "opentracker",
      "-i",
      "127.0.0.1",
      "-p",
      String(port),
      "-P",
      String(port),
      "-w",
      "whitelist",
      "-d",
      dir,
    ],
    stdin: "piped",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  cleanups.add(async () => {
    await runner.stdin.close().catch(() => {});
    await runner.status;
  });
  for (let waited = 0; !(await listening(port)); waited += 20) {
    if (waited > 10_000) throw new Error(`opentracker is not listening on ${port} after 10 s`);
    await sleep(20);
  }
  return `http://127.0.0.1:${port}/announce`;
}

// ---------------------------------------------------------------------------
// The clients

async function leechers(src: Source, seederPort: () => Seeder, tracker: () => string | null) {
  const peer = () => `127.0.0.1:${seederPort().port}`;
  const list: Leecher[] = [];
  const haveLibtorrent = (await output([PYTHON, "-c", "import libtorrent"])).code === 0;

  list.push({
    name: "ours",
    version: (await ourVersion()) ?? "",
    skip: null,
    prepare: (dir) =>
      Promise.resolve({
        cmd: [
          Deno.execPath(),
          "run",
          "-A",
          `${ROOT}src/cli/main.ts`,
          "download",
          src.torrent,
          "-o",
          dir,
          "--peer",
          peer(),
          "--port",
          "0",
          "--quiet",
          "--no-dht",
          "--transports", // The seeder has uTP off, as the others use TCP.
          "tcp",
        ],
      }),
  });

  list.push({
    name: "libtorrent",
    version: haveLibtorrent
      ? (await output([PYTHON, "-c", "import libtorrent; print(libtorrent.__version__)"])).stdout
        .trim()
      : "",
    skip: haveLibtorrent ? null : `${PYTHON} cannot import libtorrent`,
    prepare: (dir) =>
      Promise.resolve({
        cmd: [PYTHON, `${HERE}_lt_leech.py`, src.torrent, dir, "--peer", peer()],
      }),
  });

  const transmission = await which("transmission-cli");
  const stdbuf = await which("stdbuf");
  list.push({
    name: "transmission",
    version: transmission
      ? await output([transmission, "--version"]).then(({ stdout, stderr }) =>
        (stdout || stderr).split("\n")[0]!.replace("transmission-cli ", "")
      )
      : "",
    skip: transmission ? null : "transmission-cli is not installed",
    async prepare(dir, scratch) {
      const port = freePort();
      const config = `${scratch}/config`;
      await Deno.mkdir(config);
      await Deno.writeTextFile(
        `${config}/settings.json`,
        JSON.stringify(
          {
            "bind-address-ipv4": "127.0.0.1",
            "bind-address-ipv6": "::1",
            "blocklist-enabled": false,
            "dht-enabled": false,
            "lpd-enabled": false,
            "pex-enabled": false,
            "utp-enabled": false,
            "port-forwarding-enabled": false,
            "peer-port": port,
            "peer-port-random-on-start": false,
            "rpc-enabled": false,
            "speed-limit-down-enabled": false,
            "speed-limit-up-enabled": false,
            "alt-speed-enabled": false,
            "incomplete-dir-enabled": false,
            "download-dir": dir,
          },
          null,
          2,
        ),
      );
      // Transmission runs this once every piece is verified: it stops, so the
      // process exit marks completion as for the others.
      const done = `${scratch}/done.sh`;
      await Deno.writeTextFile(done, '#!/bin/sh\nkill -INT "$PPID"\n', { mode: 0o755 });
      return {
        // Unbuffered output, so that its first progress line shows at once.
        cmd: [
          ...(stdbuf ? [stdbuf, "-o0"] : []),
          transmission!,
          "-g",
          config,
          "-w",
          dir,
          "-p",
          String(port),
          "-M",
          "-f",
          done,
          src
            .torrent,
        ],
        async started(log, signal) {
          // It listens before it has added the torrent, and a seeder that dials
          // too early gives up on it: wait for its first progress line (printed
          // once the torrent is downloading, not while it checks its files).
          while (!signal.aborted) {
            const text = await Deno.readTextFile(log).catch(() => "");
            if (/Progress:/.test(text) && await listening(port)) break;
            await sleep(10, signal);
          }
          if (!signal.aborted) await seederPort().connect(port);
        },
      };
    },
  });

  const aria2 = await which("aria2c");
  const opentracker = await which("opentracker");
  list.push({
    name: "aria2",
    version: aria2
      ? (await output([aria2, "--version"])).stdout.split("\n")[0]!.replace("aria2 version ", "")
      : "",
    skip: !aria2
      ? "aria2c is not installed"
      : !opentracker
      ? "opentracker is not installed (aria2 learns peers only from trackers)"
      : null,
    prepare: (dir) =>
      Promise.resolve({
        cmd: [
          aria2!,
          "--no-conf",
          `--dir=${dir}`,
          "--seed-time=0",
          "--enable-dht=false",
          "--enable-dht6=false",
          "--bt-enable-lpd=false",
          "--enable-peer-exchange=false",
          "--disable-ipv6=true",
          `--listen-port=${freePort()}`,
          `--bt-tracker=${tracker()}`,
          "--summary-interval=0",
          "--console-log-level=warn",
          "--download-result=hide",
          src.torrent,
        ],
      }),
  });

  const node = await which("node");
  const npm = await which("npm");
  const webtorrent = node && npm && ONLY.includes("webtorrent")
    ? await installWebTorrent("stub")
    : null;
  list.push({
    name: "webtorrent",
    version: webtorrent
      ? `${WEBTORRENT_VERSION} (Node ${(await output([node!, "--version"])).stdout.trim()})`
      : "",
    skip: !node || !npm
      ? "node and npm are needed"
      : typeof webtorrent !== "string"
      ? `npm could not install webtorrent@${WEBTORRENT_VERSION}: ${webtorrent?.error}`
      : null,
    prepare: (dir) =>
      Promise.resolve({
        cmd: [
          node!,
          `${HERE}_webtorrent_leech.mjs`,
          `${webtorrent}/node_modules/webtorrent`,
          src.torrent,
          dir,
          peer(),
        ],
      }),
  });
  return list.filter((leecher) => ONLY.includes(leecher.name));
}

async function ourVersion(): Promise<string | null> {
  try {
    const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
    return `${config.version} (Deno ${Deno.version.deno})`;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// One download

async function download(
  leecher: Leecher,
  src: Source,
  seeder: Seeder,
  runDir: string,
  round: number,
): Promise<Sample | string> {
  const dir = `${runDir}/${leecher.name}-${round}`;
  const scratch = `${runDir}/${leecher.name}-${round}.scratch`;
  await Deno.mkdir(dir);
  await Deno.mkdir(scratch);
  try {
    const prepared = await leecher.prepare(dir, scratch);
    // Start from no dirty pages, whatever ran before (the previous download was deleted).
    await output(["sync"]);
    const [machineBefore, seederBefore] = [await machineBusy(), await processCpu(seeder.pid)];
    let usage: Rusage, log: string;
    try {
      ({ usage, log } = await measured(prepared, scratch, TIMEOUT_S));
    } catch (err) {
      if (stopping) return "stopped";
      return `could not be measured: ${errorText(err)}`;
    }
    const [machineAfter, seederAfter] = [await machineBusy(), await processCpu(seeder.pid)];
    const tail = async () => {
      const text = await Deno.readTextFile(log).catch(() => "");
      const last = text.replaceAll("\r", "\n").split("\n").filter((l) => l.trim()).slice(-8);
      return last.length ? `\n      ${last.join("\n      ")}` : "";
    };
    if (usage.timed_out) return `did not finish within ${TIMEOUT_S} s${await tail()}`;
    if (usage.stopped) return "stopped";
    if (usage.code !== 0) {
      return `exited with ${
        usage.code === null ? `signal ${usage.signal}` : `code ${usage.code}`
      }${await tail()}`;
    }
    const file = `${dir}/${src.name}`;
    let size: number;
    try {
      size = (await Deno.stat(file)).size;
    } catch {
      return `exited 0 but ${file} is missing${await tail()}`;
    }
    if (size !== SIZE) return `exited 0 but ${file} has ${size} bytes, not ${SIZE}`;
    const cmp = await output(["cmp", src.file, file]);
    if (cmp.code !== 0) return `the download differs from the source: ${cmp.stdout.trim()}`;
    const cpu = usage.user_s + usage.sys_s;
    const seederCpu = seederAfter - seederBefore;
    return {
      wall: usage.wall_s,
      cpu,
      rssMiB: usage.maxrss_kib / 1024,
      anonMiB: usage.max_anon_kib / 1024,
      seederCpu,
      otherCores: Math.max(0, machineAfter - machineBefore - cpu - seederCpu) / usage.wall_s,
    };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    if (!KEEP_LOGS) await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

// ---------------------------------------------------------------------------
// Report

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const mbps = (seconds: number) => SIZE / 1e6 / seconds;

interface Summary {
  wall: number;
  rate: number;
  cpu: number;
  rssMiB: number;
  anonMiB: number;
  seederCpu: number;
}

function summarize(samples: Sample[]): Summary | null {
  if (samples.length === 0) return null;
  const wall = median(samples.map((s) => s.wall));
  return {
    wall,
    rate: mbps(wall),
    cpu: median(samples.map((s) => s.cpu)),
    rssMiB: median(samples.map((s) => s.rssMiB)),
    anonMiB: median(samples.map((s) => s.anonMiB)),
    seederCpu: median(samples.map((s) => s.seederCpu)),
  };
}

function report(
  list: Leecher[],
  samples: Map<ClientName, Sample[]>,
  failures: Map<ClientName, string[]>,
): void {
  const summaries = new Map(list.map((l) => [l.name, summarize(samples.get(l.name) ?? [])]));
  const ours = summaries.get("ours") ?? null;
  const ratio = (x: number) => `${x.toFixed(2)}x`;
  const header = [
    "client",
    "MB/s",
    "time s",
    "CPU s",
    "RSS MiB",
    "anon MiB",
    "seeder CPU s",
    "ours/their MB/s",
    "ours/their CPU",
    "ours/their RSS",
  ];
  const rows: string[][] = [];
  for (const leecher of list) {
    const s = summaries.get(leecher.name);
    if (leecher.skip) {
      rows.push([leecher.name, "skipped", ...header.slice(2).map(() => "")]);
    } else if (!s) {
      rows.push([leecher.name, "failed", ...header.slice(2).map(() => "")]);
    } else {
      const compare = ours && leecher.name !== "ours";
      rows.push([
        leecher.name,
        s.rate.toFixed(1),
        s.wall.toFixed(2),
        s.cpu.toFixed(2),
        s.rssMiB.toFixed(0),
        s.anonMiB.toFixed(0),
        s.seederCpu.toFixed(2),
        compare ? ratio(ours.rate / s.rate) : "",
        compare ? ratio(ours.cpu / s.cpu) : "",
        compare ? ratio(ours.rssMiB / s.rssMiB) : "",
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (row: string[]) =>
    row.map((cell, i) => i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)).join("  ")
      .trimEnd();
  console.log(
    `\nMedians of ${RUNS} run${RUNS === 1 ? "" : "s"}, ${SIZE_MIB} MiB ` +
      "(MB/s = 10^6 bytes/s; CPU = user+sys; RSS = peak resident set, anon = peak\n" +
      "RssAnon+RssShmem, without mapped file pages; ratios compare RSS):",
  );
  console.log(format(header));
  for (const row of rows) console.log(format(row));
  for (const [name, messages] of failures) {
    for (const message of messages) console.log(`${name} failed: ${message}`);
  }
  const others = [...samples.values()].flat().map((s) => s.otherCores);
  if (others.length > 0) {
    const worst = Math.max(...others);
    console.log(
      `Other processes on this machine used a median ${median(others).toFixed(2)} cores ` +
        `(at most ${worst.toFixed(2)}) of ${navigator.hardwareConcurrency} during the runs` +
        (worst > 0.25 ? ": the figures are noisy." : "."),
    );
  }

  const lt = summaries.get("libtorrent") ?? null;
  const wt = summaries.get("webtorrent") ?? null;
  const verdict = (ok: boolean) => ok ? "met" : "NOT met";
  const line = (target: string, result: string) => console.log(`  ${target.padEnd(40)} ${result}`);
  console.log("\nTargets (from the issue):");
  line(
    "ours >= 0.7x libtorrent's throughput:",
    !ours || !lt
      ? "unknown (no result for both)"
      : `${ratio(ours.rate / lt.rate)} -> ${verdict(ours.rate >= 0.7 * lt.rate)}`,
  );
  line(
    "ours >= 1.5x WebTorrent's throughput:",
    !ours || !wt
      ? "unknown (no result for both)"
      : `${ratio(ours.rate / wt.rate)} -> ${verdict(ours.rate >= 1.5 * wt.rate)}`,
  );
  line(
    "ours peak RSS <= 200 MiB:",
    !ours
      ? "unknown (no result)"
      : `${ours.rssMiB.toFixed(0)} MiB -> ${verdict(ours.rssMiB <= 200)}`,
  );
}

// ---------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  if ((await output([PYTHON, "-c", "import libtorrent"]).catch(() => ({ code: 1 }))).code !== 0) {
    console.log(`skip: every client (the seeder needs libtorrent in ${PYTHON})`);
    return 1;
  }
  await Deno.mkdir(BASE, { recursive: true });
  const src = await source();
  const runDir = await Deno.makeTempDir({ dir: BASE, prefix: "run-" });
  cleanups.add(async () => {
    if (KEEP_LOGS) console.log(`logs kept in ${runDir}`);
    else await Deno.remove(runDir, { recursive: true });
  });

  let seeder: Seeder | null = null;
  let trackerUrl: string | null = null;
  const list = await leechers(src, () => seeder!, () => trackerUrl);
  for (const leecher of list) {
    if (leecher.skip) console.log(`skip: ${leecher.name} (${leecher.skip})`);
  }
  const active = list.filter((l) => !l.skip);
  if (active.some((l) => l.name === "aria2")) trackerUrl = await startTracker(src.infoHash, runDir);
  seeder = await startSeeder(src, trackerUrl, runDir);
  if (active.some((l) => l.name === "ours")) {
    // Compile and cache our modules, so the first measured run does not.
    await output([Deno.execPath(), "run", "-A", `${ROOT}src/cli/main.ts`, "--help"]);
  }

  const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() => ""))
    .match(/^model name\s*:\s*(.*)$/m)?.[1] ?? "unknown CPU";
  console.log(
    `${SIZE_MIB} MiB single-file torrent, ${PIECE_LENGTH / MIB} MiB pieces, seeded by libtorrent ` +
      `(high_performance_seed) on 127.0.0.1:${seeder.port}; ${navigator.hardwareConcurrency} ` +
      `cores (${cpu}); ${RUNS} run${RUNS === 1 ? "" : "s"} per client, timeout ${TIMEOUT_S} s`,
  );
  for (const leecher of active) console.log(`  ${leecher.name.padEnd(12)} ${leecher.version}`);

  const samples = new Map<ClientName, Sample[]>(active.map((l) => [l.name, []]));
  const failures = new Map<ClientName, string[]>();
  for (let round = 1; round <= RUNS; round++) {
    for (const leecher of active) {
      if (stopping) break;
      const result = await download(leecher, src, seeder, runDir, round);
      const label = `run ${round}/${RUNS} ${leecher.name.padEnd(12)}`;
      if (typeof result === "string") {
        console.log(`  ${label} FAILED: ${result}`);
        failures.set(leecher.name, [...(failures.get(leecher.name) ?? []), result]);
      } else {
        samples.get(leecher.name)!.push(result);
        const cells = [
          `${result.wall.toFixed(2).padStart(7)} s`,
          `${mbps(result.wall).toFixed(1).padStart(8)} MB/s`,
          `CPU ${result.cpu.toFixed(2).padStart(6)} s`,
          `RSS ${result.rssMiB.toFixed(0).padStart(5)} MiB`,
          `anon ${result.anonMiB.toFixed(0).padStart(5)} MiB`,
          `seeder CPU ${result.seederCpu.toFixed(2).padStart(5)} s`,
          `others ${result.otherCores.toFixed(2)} cores`,
        ];
        console.log(`  ${label} ${cells.join("  ")}`);
      }
    }
  }
  report(list, samples, failures);
  return failures.size > 0 ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  if (!stopping) console.error(`error: ${errorText(err)}`);
} finally {
  await cleanUp();
}
Deno.exit(stopping ? 130 : code);
