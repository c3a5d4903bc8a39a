// deno-lint-ignore-file explicit-module-boundary-types -- plain JavaScript for Node: no type annotations
// Helpers shared by the tests of the built npm package under `node --test`
// (package.node.mjs, webrtc.node.mjs): deterministic torrents, files on disk,
// and the Deno CLI of this repository (DENO and REPO from the environment).

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTorrent, memoryStorage, parseTorrent } from "@seed/torrent";

export const LOOPBACK = "127.0.0.1";
export const PIECE_LENGTH = 64 * 1024;
/** Per test: a hang fails the test instead of stalling the run. */
export const TIMEOUT = { timeout: 60_000 };

/** Deterministic bytes: xorshift32 from `seed`. */
export function pseudoRandomBytes(length, seed) {
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
export async function makeTorrent(name) {
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
export async function seededStorage(t) {
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
export async function writeFiles(t, dir) {
  for (const f of t.files) {
    const path = join(dir, t.meta.name, ...f.path);
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, f.bytes);
  }
}

/** Checks the files under `dir/name/` byte for byte. */
export async function assertFiles(t, dir) {
  for (const f of t.files) {
    const got = new Uint8Array(await readFile(join(dir, t.meta.name, ...f.path)));
    assert.deepEqual(got, f.bytes, `${f.path.join("/")} differs`);
  }
}

export async function withTempDir(fn) {
  const dir = await mkdtemp(join(tmpdir(), "seed-node-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Starts a program. Resolves `exited` with its exit code and output (stdout
 * and stderr together); `waitFor(pattern)` resolves with the first match in
 * its output so far or to come, and rejects if it exits first.
 */
export function spawnProcess(command, args, { signal, stdin = "ignore" } = {}) {
  const child = spawn(command, args, { stdio: [stdin, "pipe", "pipe"], signal });
  let output = "";
  const watchers = new Set();
  const onData = (data) => {
    output += data;
    for (const watcher of watchers) watcher();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise((resolve) => {
    child.on("close", (code) => resolve({ code, output }));
    child.on("error", () => resolve({ code: -1, output }));
  });
  const waitFor = (pattern) =>
    new Promise((resolve, reject) => {
      const watcher = () => {
        const match = pattern.exec(output);
        if (match) (watchers.delete(watcher), resolve(match));
      };
      watchers.add(watcher);
      watcher();
      exited.then(({ code }) => {
        if (!watchers.delete(watcher)) return;
        reject(new Error(`${command} exited (${code}) before printing ${pattern}:\n${output}`));
      });
    });
  return { child, exited, waitFor };
}

/**
 * Runs the Deno CLI from the repository (`download` and `seed` with the DHT
 * off), as {@link spawnProcess} does.
 */
export function denoCli(args, signal) {
  const { DENO, REPO } = process.env;
  assert.ok(DENO && REPO, "DENO and REPO must be set");
  const noDht = args[0] === "download" || args[0] === "seed" ? ["--no-dht"] : [];
  return spawnProcess(DENO, ["run", "-A", join(REPO, "src/cli/main.ts"), ...args, ...noDht], {
    signal,
  });
}

/**
 * The transports of the peers a torrent connects to, recorded as each one
 * connects (a peer may be gone by the time a test looks).
 */
export function peerTransports(torrent) {
  const seen = new Set();
  torrent.addEventListener("peer", (event) => {
    if (!event.detail.connected) return;
    const peer = torrent.peers.find((p) => p.address === event.detail.address);
    if (peer) seen.add(peer.transport);
  });
  return seen;
}
