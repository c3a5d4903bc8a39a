import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { haveOpentracker, startOpentracker } from "../discovery/_opentracker.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";

const LOOPBACK = "127.0.0.1";
const cli = new URL("../../src/cli/main.ts", import.meta.url).pathname;

/** Runs the CLI as a process, as a user would. */
async function torrent(...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-net", cli, ...args],
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, out: decode(output.stdout), err: decode(output.stderr) };
}

/** A seeder in this process holding a two-file torrent, and the torrent file on disk. */
async function seeder(announce: string[] = []) {
  const dir = await Deno.makeTempDir({ prefix: "cli-session-" });
  const a = pseudoRandomBytes(2_500_000, 11);
  const b = pseudoRandomBytes(700_001, 12);
  await Deno.mkdir(`${dir}/seed/pair`, { recursive: true });
  await Deno.writeFile(`${dir}/seed/pair/a.bin`, a);
  await Deno.writeFile(`${dir}/seed/pair/b.bin`, b);
  const bytes = await createTorrent(
    [memorySource(["a.bin"], a), memorySource(["b.bin"], b)],
    { name: "pair", pieceLength: 65536, announce },
  );
  await Deno.writeFile(`${dir}/pair.torrent`, bytes);
  const client = await Client.create({ host: LOOPBACK, port: 0 });
  const seeding = await client.add(bytes, { dir: `${dir}/seed` });
  return { dir, a, b, client, seeding, meta: await parseTorrent(bytes) };
}

Deno.test("download: completes, verifies, writes NDJSON progress, exits 0", async () => {
  const s = await seeder();
  try {
    const result = await torrent(
      "download",
      `${s.dir}/pair.torrent`,
      "-o",
      `${s.dir}/out`,
      "--peer",
      `${LOOPBACK}:${s.client.port}`,
      "--port",
      "0",
      "--json",
    );
    assert.equal(result.code, 0, result.err);
    const lines = result.out.trim().split("\n").map((line) => JSON.parse(line));
    assert.equal(lines.at(-1).type, "done");
    assert.equal(lines.at(-1).infoHash, s.meta.infoHash);
    const last = lines.filter((l) => l.type === "progress").at(-1);
    assert.equal(last.progress, 1);
    assert.equal(last.verified, s.meta.length);
    assert.deepEqual(await Deno.readFile(`${s.dir}/out/pair/a.bin`), s.a);
    assert.deepEqual(await Deno.readFile(`${s.dir}/out/pair/b.bin`), s.b);
  } finally {
    await s.client.close();
  }
});

Deno.test("download --encryption require: the whole download over RC4", async () => {
  const s = await seeder();
  const seen: string[] = [];
  s.seeding.addEventListener("peer", (event) => {
    const { address, connected } = (event as CustomEvent).detail;
    const peer = s.seeding.peers.find((p) => p.address === address);
    if (connected && peer) seen.push(peer.encryption);
  });
  try {
    const peer = `${LOOPBACK}:${s.client.port}`;
    const out = `${s.dir}/out`;
    const args = ["--peer", peer, "--port", "0", "--quiet", "--encryption", "require"];
    const result = await torrent("download", `${s.dir}/pair.torrent`, "-o", out, ...args);
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(await Deno.readFile(`${s.dir}/out/pair/b.bin`), s.b);
    assert.deepEqual(seen, ["rc4"]);
  } finally {
    await s.client.close();
  }
});

Deno.test("download --piece fetches one verified piece into a file", async () => {
  const s = await seeder();
  try {
    const result = await torrent(
      "download",
      `${s.dir}/pair.torrent`,
      "--piece",
      "40",
      "-o",
      `${s.dir}/piece40`,
      "--peer",
      `${LOOPBACK}:${s.client.port}`,
      "--port",
      "0",
      "--quiet",
    );
    assert.equal(result.code, 0, result.err);
    const whole = new Uint8Array([...s.a, ...s.b]);
    assert.deepEqual(
      await Deno.readFile(`${s.dir}/piece40`),
      whole.subarray(40 * 65536, 41 * 65536),
    );
    const missing = await torrent("download", `${s.dir}/pair.torrent`, "--piece", "999", "-o", "x");
    assert.equal(missing.code, 1);
    assert.match(missing.err, /piece 999 does not exist: the torrent has 49/);
  } finally {
    await s.client.close();
  }
});

Deno.test("download and seed: bad arguments exit 2", async () => {
  for (
    const args of [
      ["download", "x.torrent"],
      ["download", "x.torrent", "-o", "d", "--peer", "nowhere"],
      ["download", "x.torrent", "-o", "d", "--port", "70000"],
      ["download", "x.torrent", "-o", "d", "--transports", "carrier-pigeon"],
      ["download", "x.torrent", "-o", "d", "--encryption", "maybe"],
      ["download", "x.torrent", "-o", "d", "--announce", "ftp://x"],
      ["seed", "x.torrent"],
    ]
  ) {
    const result = await torrent(...args);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.err}`);
    assert.match(result.err, /Usage: torrent/);
  }
});

Deno.test("seed: serves verified data until interrupted, then announces stopped", async () => {
  if (!(await haveOpentracker())) return;
  const s = await seeder();
  await s.client.close();
  const tracker = await startOpentracker([s.meta.infoHashBytes!]);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-net",
      cli,
      "seed",
      `${s.dir}/pair.torrent`,
      `${s.dir}/seed`,
      "--port",
      "0",
      "--announce",
      tracker.http,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const leecher = await Client.create({ host: LOOPBACK, port: 0 });
  try {
    const leeching = await leecher.add(s.meta, { dir: `${s.dir}/leech`, announce: [tracker.http] });
    await leeching.done;
    assert.deepEqual(await Deno.readFile(`${s.dir}/leech/pair/b.bin`), s.b);
    const scrape = await torrent(
      "scrape",
      `${s.dir}/pair.torrent`,
      "--announce",
      tracker.http,
      "--json",
    );
    assert.equal(JSON.parse(scrape.out).complete, 2, scrape.out);
    child.kill("SIGINT");
    const status = await child.status;
    assert.equal(status.code, 0);
    const after = await torrent(
      "scrape",
      `${s.dir}/pair.torrent`,
      "--announce",
      tracker.http,
      "--json",
    );
    assert.equal(JSON.parse(after.out).complete, 1, "the seed announced stopped");
  } finally {
    await leecher.close();
    await tracker.stop();
  }
});

Deno.test("announce, scrape and handshake against a tracker and a peer", async () => {
  if (!(await haveOpentracker())) return;
  const probe = await seeder();
  const tracker = await startOpentracker([probe.meta.infoHashBytes!]);
  await probe.client.close();
  const s = await seeder([tracker.http]);
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const announce = await torrent(
      "announce",
      `${s.dir}/pair.torrent`,
      "--announce",
      tracker.udp,
      "--port",
      "7777",
      "--json",
    );
    assert.equal(announce.code, 0, announce.err);
    const replies = announce.out.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(replies.length, 2);
    for (const reply of replies) {
      assert.ok(reply.peers.includes(`127.0.0.1:${s.client.port}`), JSON.stringify(reply));
    }
    const handshake = await torrent(
      "handshake",
      `${s.dir}/pair.torrent`,
      `${LOOPBACK}:${s.client.port}`,
      "--json",
    );
    assert.equal(handshake.code, 0, handshake.err);
    const peer = JSON.parse(handshake.out);
    assert.equal(peer.peerId.slice(0, 16), "2d5345303030312d"); // "-SE0001-"
    assert.equal(peer.extensions.fast, true);
    assert.equal(peer.extended.port, s.client.port);
    const refused = await torrent("handshake", `${s.dir}/pair.torrent`, `${LOOPBACK}:1`);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /torrent handshake: Cannot dial 127\.0\.0\.1:1/);
    const oneDown = await torrent(
      "announce",
      `${s.dir}/pair.torrent`,
      "--announce",
      "http://127.0.0.1:1/announce",
    );
    assert.equal(oneDown.code, 0, "one tracker answered");
    assert.match(oneDown.out, /http:\/\/127\.0\.0\.1:1\/announce: failed/);
    const allDown = await torrent(
      "announce",
      `${probe.dir}/pair.torrent`,
      "--announce",
      "http://127.0.0.1:1/announce",
    );
    assert.equal(allDown.code, 1);
    assert.match(allDown.err, /no tracker answered/);
  } finally {
    await s.client.close();
    await tracker.stop();
  }
});
