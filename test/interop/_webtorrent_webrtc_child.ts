/**
 * Child of `webtorrent_webrtc_test.ts`, in a loopback-only namespace:
 * WebTorrent on Node and our client exchange a torrent over WebRTC, each way,
 * through our tracker server and through bittorrent-tracker's.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { startTracker } from "../../src/tracker/server.ts";
import { pseudoRandomBytes } from "../_data.ts";
import { runRegisteredTests } from "../_isolated.ts";
import { sourcesFromPath } from "../../src/metainfo/sources.ts";

const PACKAGES = Deno.env.get("WEBTORRENT_DIR")!;
const HERE = new URL(".", import.meta.url).pathname;
const webrtc = { config: { iceServers: [] } };
const SIZE = 5_000_000;

/** A Node process we end by closing its stdin. */
interface NodeChild {
  lines: AsyncIterator<string>;
  waitFor(type: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

function node(script: string, args: string[]): NodeChild {
  const child = new Deno.Command("node", {
    args: [`${HERE}${script}`, PACKAGES, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
    env: { DEBUG: Deno.env.get("NODE_DEBUG_WT") ?? "" },
  }).spawn();
  const lines = readLines(child.stdout);
  return {
    lines,
    async waitFor(type) {
      for (;;) {
        const next = await lines.next();
        if (next.done) throw new Error(`${script} ended before "${type}"`);
        const record = JSON.parse(next.value);
        console.log(`${script}: ${next.value}`);
        if (type === "" || record.type === type) return record;
      }
    },
    async stop() {
      await child.stdin.close().catch(() => {});
      await child.status;
    },
  };
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffered = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    buffered += text;
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim()) yield line;
  }
}

async function withTimeout<T>(promise: Promise<T>, what: string, ms = 60_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A folder with one file and a torrent of it. */
async function fixture(seed: number) {
  const dir = await Deno.makeTempDir({ prefix: "wt-webrtc-" });
  const data = pseudoRandomBytes(SIZE, seed);
  await Deno.writeFile(`${dir}/file.bin`, data);
  const { name, files } = await sourcesFromPath(`${dir}/file.bin`);
  const bytes = await createTorrent(files, { name, pieceLength: 65536 });
  await Deno.writeFile(`${dir}/file.torrent`, bytes);
  return { dir, data, bytes, meta: await parseTorrent(bytes) };
}

type TrackerKind = "ours" | "bittorrent-tracker";

async function tracker(kind: TrackerKind): Promise<{ url: string; close(): Promise<void> }> {
  if (kind === "ours") {
    const server = await startTracker({ host: "127.0.0.1", port: 0 });
    return { url: server.wsUrl, close: () => server.close() };
  }
  const child = node("_bittorrent_tracker.mjs", []);
  const { port } = await withTimeout(child.waitFor(""), "bittorrent-tracker start");
  return { url: `ws://127.0.0.1:${port}`, close: () => child.stop() };
}

await runRegisteredTests(() => {
  for (const kind of ["ours", "bittorrent-tracker"] as const) {
    Deno.test(`webtorrent leeches from our seeder over WebRTC via ${kind}`, async () => {
      const { dir, data, bytes } = await fixture(11);
      const server = await tracker(kind);
      const seeder = await Client.create({ host: "127.0.0.1", port: 0, listen: false, webrtc });
      const out = await Deno.makeTempDir({ prefix: "wt-leech-" });
      const leecher = node("_webtorrent_webrtc.mjs", [
        "leech",
        `${dir}/file.torrent`,
        out,
        server.url,
      ]);
      try {
        const seeding = await seeder.add(bytes, { dir, announce: [server.url] });
        assert.equal(seeding.state, "seeding");
        // Our seeder does not listen on TCP: WebRTC is the only way in.
        await withTimeout(leecher.waitFor("done"), "webtorrent download");
        assert.deepEqual(await Deno.readFile(`${out}/file.bin`), data);
        assert.ok(seeding.uploaded >= SIZE, `uploaded ${seeding.uploaded}`);
      } finally {
        await leecher.stop();
        await seeder.close();
        await server.close();
      }
    });

    Deno.test(`our client leeches from a webtorrent seeder over WebRTC via ${kind}`, async () => {
      const { dir, data, meta } = await fixture(12);
      const server = await tracker(kind);
      const seeder = node("_webtorrent_webrtc.mjs", [
        "seed",
        `${dir}/file.torrent`,
        dir,
        server.url,
      ]);
      const leecher = await Client.create({ host: "127.0.0.1", port: 0, listen: false, webrtc });
      const out = await Deno.makeTempDir({ prefix: "our-leech-" });
      try {
        const ready = await withTimeout(seeder.waitFor("ready"), "webtorrent checking");
        assert.equal(ready.progress, 1);
        const leeching = await leecher.add(meta, { dir: out, announce: [server.url] });
        await withTimeout(leeching.done, "our download");
        assert.deepEqual(await Deno.readFile(`${out}/file.bin`), data);
        assert.ok(leeching.downloaded >= SIZE);
      } finally {
        await leecher.close();
        await seeder.stop();
        await server.close();
      }
    });
  }
  return Promise.resolve();
});
