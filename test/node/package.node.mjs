// Tests of the built npm package under Node's own runner. test/node/node_package_test.ts
// installs the package into a scratch project, copies this file there and runs
// `node --test` on it, with DENO (the Deno binary) and REPO (this repository) in
// the environment for the cases that pair Node with Deno.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Client, createTorrent, memoryStorage, parseTorrent } from "@seed/torrent";

const LOOPBACK = "127.0.0.1";
const PIECE_LENGTH = 64 * 1024;
/** Per test: a hang fails the test instead of stalling the run. */
const TIMEOUT = { timeout: 60_000 };

/** Deterministic bytes: xorshift32 from `seed`. */
function pseudoRandomBytes(length, seed) {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A two-file torrent over bytes in memory. */
async function makeTorrent(name) {
  const files = [["a.bin", 3 * 1024 * 1024 + 17], ["sub/b.bin", 1024 * 1024 + 5]].map(
    ([path, length], i) => ({ path: path.split("/"), bytes: pseudoRandomBytes(length, i + 7) }),
  );
  const bytes = await createTorrent(
    files.map((f) => ({
      path: f.path,
      length: f.bytes.length,
      stream: () => new Blob([f.bytes]).stream(),
    })),
    { name, pieceLength: PIECE_LENGTH },
  );
  return { bytes, meta: await parseTorrent(bytes), files };
}

/** A memory storage holding every piece of the torrent. */
async function seededStorage(t) {
  const factory = memoryStorage();
  const storage = await factory(t.meta);
  const all = new Uint8Array(t.meta.length);
  let at = 0;
  for (const f of t.files) {
    all.set(f.bytes, at);
    at += f.bytes.length;
  }
  for (let piece = 0; piece < t.meta.pieceCount; piece++) {
    const start = piece * PIECE_LENGTH;
    await storage.write(piece, 0, all.subarray(start, Math.min(start + PIECE_LENGTH, all.length)));
    await storage.markComplete(piece, true);
  }
  return () => Promise.resolve(storage);
}

/** Writes a torrent's files under `dir/name/`, as `torrent seed` expects them. */
async function writeFiles(t, dir) {
  const { mkdir } = await import("node:fs/promises");
  for (const f of t.files) {
    const path = join(dir, t.meta.name, ...f.path);
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, f.bytes);
  }
}

/** Checks the files under `dir/name/` byte for byte. */
async function assertFiles(t, dir) {
  for (const f of t.files) {
    const got = new Uint8Array(await readFile(join(dir, t.meta.name, ...f.path)));
    assert.deepEqual(got, f.bytes, `${f.path.join("/")} differs`);
  }
}

async function withTempDir(fn) {
  const dir = await mkdtemp(join(tmpdir(), "seed-node-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the Deno CLI from the repository, DHT off; resolves with its exit code and output. */
function denoCli(args, signal) {
  const { DENO, REPO } = process.env;
  assert.ok(DENO && REPO, "DENO and REPO must be set");
  const cli = join(REPO, "src/cli/main.ts");
  const child = spawn(DENO, ["run", "-A", cli, ...args, "--no-dht"], {
    stdio: ["ignore", "pipe", "pipe"],
    signal,
  });
  let output = "";
  child.stdout.on("data", (d) => output += d);
  child.stderr.on("data", (d) => output += d);
  const exited = new Promise((resolve) => {
    child.on("close", (code) => resolve({ code, output }));
    child.on("error", () => resolve({ code: -1, output }));
  });
  return { child, exited };
}

test("create and parse a torrent", TIMEOUT, async () => {
  const t = await makeTorrent("made-in-node");
  assert.equal(t.meta.name, "made-in-node");
  assert.equal(t.meta.files.length, 2);
  assert.equal(t.meta.length, 4 * 1024 * 1024 + 22);
  assert.match(t.meta.infoHash, /^[0-9a-f]{40}$/);
  assert.equal(t.meta.pieceCount, Math.ceil(t.meta.length / PIECE_LENGTH));
});

/**
 * The transports of the peers a torrent connects to, recorded as each one
 * connects (a peer may be gone by the time a test looks).
 */
function peerTransports(torrent) {
  const seen = new Set();
  torrent.addEventListener("peer", (event) => {
    if (!event.detail.connected) return;
    const peer = torrent.peers.find((p) => p.address === event.detail.address);
    if (peer) seen.add(peer.transport);
  });
  return seen;
}

for (const transport of ["tcp", "utp"]) {
  const only = { port: 0, host: LOOPBACK, transports: [transport] };
  const cliTransport = ["--transports", transport];

  test(
    `two Node clients: one seeds, the other downloads over ${transport} only`,
    TIMEOUT,
    async () => {
      const t = await makeTorrent(`node-to-node-${transport}`);
      await withTempDir(async (dir) => {
        const seeder = await Client.create(only);
        const leecher = await Client.create(only);
        try {
          await seeder.add(t.bytes, { storage: await seededStorage(t) });
          const torrent = await leecher.add(t.bytes, {
            dir,
            peers: [{ host: LOOPBACK, port: seeder.port }],
          });
          const transports = peerTransports(torrent);
          await torrent.done;
          assert.equal(torrent.progress, 1);
          assert.deepEqual([...transports], [transport]);
        } finally {
          await leecher.close();
          await seeder.close();
        }
        await assertFiles(t, dir);
      });
    },
  );

  test(`Node seeds, Deno downloads, over ${transport} only`, TIMEOUT, async () => {
    const t = await makeTorrent(`node-to-deno-${transport}`);
    await withTempDir(async (dir) => {
      const torrentPath = join(dir, "t.torrent");
      await writeFile(torrentPath, t.bytes);
      const seeder = await Client.create(only);
      try {
        const seeded = await seeder.add(t.bytes, { storage: await seededStorage(t) });
        const transports = peerTransports(seeded);
        const out = join(dir, "out");
        const { code, output } = await denoCli([
          ...["download", torrentPath, "-o", out, "--quiet", "--port", "0", ...cliTransport],
          ...["--peer", `${LOOPBACK}:${seeder.port}`],
        ]).exited;
        assert.equal(code, 0, output);
        await assertFiles(t, out);
        assert.deepEqual([...transports], [transport]);
      } finally {
        await seeder.close();
      }
    });
  });

  test(`Deno seeds, Node downloads, over ${transport} only`, TIMEOUT, async () => {
    const t = await makeTorrent(`deno-to-node-${transport}`);
    await withTempDir(async (dir) => {
      const torrentPath = join(dir, "t.torrent");
      await writeFile(torrentPath, t.bytes);
      await writeFiles(t, join(dir, "data"));
      const leecher = await Client.create(only);
      const stop = new AbortController();
      const seeder = denoCli([
        ...["seed", torrentPath, join(dir, "data"), "--quiet", "--port", "0", ...cliTransport],
        ...["--peer", `${LOOPBACK}:${leecher.port}`],
      ], stop.signal);
      try {
        const torrent = await leecher.add(t.bytes, { dir: join(dir, "out") });
        const transports = peerTransports(torrent);
        await Promise.race([
          torrent.done,
          seeder.exited.then(({ code, output }) => {
            throw new Error(`the Deno seeder exited (${code}): ${output}`);
          }),
        ]);
        assert.deepEqual([...transports], [transport]);
      } finally {
        await leecher.close();
        stop.abort();
        await seeder.exited;
      }
      await assertFiles(t, join(dir, "out"));
    });
  });
}
