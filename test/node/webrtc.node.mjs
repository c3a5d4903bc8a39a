// WebRTC between Node clients of the built package (@roamhq/wrtc) and the Deno
// CLI, under Node's own runner. test/node/node_package_test.ts runs `node --test`
// on this file inside a loopback-only network namespace (`unshare -n`), with DENO
// and REPO in the environment. Peers meet through this repository's tracker
// (`torrent tracker`, WebSocket signalling on 127.0.0.1) with no ICE servers.
// The Node clients run as child processes (webrtc_peer.node.mjs) that end with an
// explicit exit, since a process that used wrtc may crash at its normal teardown;
// this process never loads wrtc.

import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  assertFiles,
  denoCli,
  makeTorrent,
  spawnProcess,
  TIMEOUT,
  withTempDir,
  writeFiles,
} from "./_helpers.mjs";

const PEER = new URL("./webrtc_peer.node.mjs", import.meta.url).pathname;
/** The CLI's options for WebRTC only, on loopback. */
const WEBRTC = ["--transports", "webrtc", "--ice-servers", ""];

let tracker;
let wsUrl;

before(async () => {
  tracker = denoCli(["tracker", "--host", "127.0.0.1", "--port", "0"]);
  [wsUrl] = await tracker.waitFor(/ws:\/\/127\.0\.0\.1:\d+\S*/);
});

after(async () => {
  tracker?.child.kill();
  await tracker?.exited;
});

/**
 * A Node client of the package (webrtc_peer.node.mjs) seeding or downloading
 * over WebRTC; killed when `signal` aborts (the test's, when it times out).
 */
function nodePeer(role, torrentPath, dir, signal) {
  return spawnProcess(process.execPath, [PEER, role, torrentPath, dir, wsUrl], {
    stdin: "pipe",
    signal,
  });
}

/** The transports a finished Node peer reports for the peers it had. */
async function reportedTransports(peer) {
  const { code, output } = await peer.exited;
  assert.equal(code, 0, output);
  const line = output.split("\n").find((l) => l.startsWith('{"transports"'));
  assert.ok(line, output);
  return JSON.parse(line).transports;
}

/** A torrent on disk: its file, and its data under `dir/data`. */
async function onDisk(name, dir) {
  const t = await makeTorrent(name);
  const torrentPath = join(dir, "t.torrent");
  await writeFile(torrentPath, t.bytes);
  await writeFiles(t, join(dir, "data"));
  return { t, torrentPath };
}

test("Node seeds, Deno downloads, over WebRTC", TIMEOUT, async (context) => {
  await withTempDir(async (dir) => {
    const { t, torrentPath } = await onDisk("node-to-deno-webrtc", dir);
    const seeder = nodePeer("seed", torrentPath, join(dir, "data"), context.signal);
    try {
      await seeder.waitFor(/^ready$/m);
      const { code, output } = await denoCli([
        ...["download", torrentPath, "-o", join(dir, "out"), "--quiet", "--port", "0"],
        ...[...WEBRTC, "--announce", wsUrl],
      ], context.signal).exited;
      assert.equal(code, 0, output);
    } finally {
      seeder.child.stdin.end();
    }
    assert.deepEqual(await reportedTransports(seeder), ["webrtc"]);
    await assertFiles(t, join(dir, "out"));
  });
});

test("Deno seeds, Node downloads, over WebRTC", TIMEOUT, async (context) => {
  await withTempDir(async (dir) => {
    const { t, torrentPath } = await onDisk("deno-to-node-webrtc", dir);
    const stop = new AbortController();
    const seeder = denoCli([
      ...["seed", torrentPath, join(dir, "data"), "--port", "0"],
      ...[...WEBRTC, "--announce", wsUrl],
    ], AbortSignal.any([stop.signal, context.signal]));
    try {
      await seeder.waitFor(/^seeding /m);
      const leecher = nodePeer("download", torrentPath, join(dir, "out"), context.signal);
      leecher.child.stdin.end();
      assert.deepEqual(await reportedTransports(leecher), ["webrtc"]);
    } finally {
      stop.abort();
      await seeder.exited;
    }
    await assertFiles(t, join(dir, "out"));
  });
});

test("two Node clients: one seeds, the other downloads over WebRTC", TIMEOUT, async (context) => {
  await withTempDir(async (dir) => {
    const { t, torrentPath } = await onDisk("node-to-node-webrtc", dir);
    const seeder = nodePeer("seed", torrentPath, join(dir, "data"), context.signal);
    try {
      await seeder.waitFor(/^ready$/m);
      const leecher = nodePeer("download", torrentPath, join(dir, "out"), context.signal);
      leecher.child.stdin.end();
      assert.deepEqual(await reportedTransports(leecher), ["webrtc"]);
    } finally {
      seeder.child.stdin.end();
    }
    assert.deepEqual(await reportedTransports(seeder), ["webrtc"]);
    await assertFiles(t, join(dir, "out"));
  });
});
