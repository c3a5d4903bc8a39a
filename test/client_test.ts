import assert from "node:assert/strict";
import { Client } from "../src/client.ts";
import { createTorrent } from "../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../src/metainfo/parse_torrent.ts";
import { sourcesFromPath } from "../src/metainfo/sources.ts";
import { pseudoRandomBytes } from "./_data.ts";

const LOOPBACK = "127.0.0.1";

/** A folder of files and a torrent of it. */
async function makeSeedData(version: 1 | 2 | "hybrid" = 1) {
  const dir = await Deno.makeTempDir({ prefix: "client-seed-" });
  await Deno.mkdir(`${dir}/set/sub`, { recursive: true });
  await Deno.writeFile(`${dir}/set/a.bin`, pseudoRandomBytes(3_000_000, 1));
  await Deno.writeFile(`${dir}/set/sub/b.bin`, pseudoRandomBytes(1_234_567, 2));
  await Deno.writeFile(`${dir}/set/c.txt`, pseudoRandomBytes(10, 3));
  const { name, files, folder } = await sourcesFromPath(`${dir}/set`);
  const torrent = await createTorrent(files, { name, folder, version, pieceLength: 65536 });
  return { dir, torrent };
}

async function sameFiles(a: string, b: string): Promise<void> {
  for (const path of ["set/a.bin", "set/sub/b.bin", "set/c.txt"]) {
    assert.deepEqual(
      await Deno.readFile(`${b}/${path}`),
      await Deno.readFile(`${a}/${path}`),
      path,
    );
  }
}

for (const version of [1, 2, "hybrid"] as const) {
  Deno.test(`two clients over TCP: a v${version} torrent downloads byte for byte`, async () => {
    const { dir, torrent } = await makeSeedData(version);
    const seeder = await Client.create({ host: LOOPBACK, port: 0 });
    const leecher = await Client.create({ host: LOOPBACK, port: 0 });
    const out = await Deno.makeTempDir({ prefix: "client-leech-" });
    try {
      const seeding = await seeder.add(torrent, { dir });
      assert.equal(seeding.state, "seeding");
      const meta = await parseTorrent(torrent);
      const leeching = await leecher.add(meta, {
        dir: out,
        peers: [{ host: LOOPBACK, port: seeder.port }],
      });
      assert.equal(leeching.state, "downloading");
      await leeching.done;
      assert.equal(leeching.progress, 1);
      assert.equal(leeching.state, "seeding");
      await sameFiles(dir, out);
      assert.ok(seeding.uploaded >= meta.length);
    } finally {
      await leecher.close();
      await seeder.close();
    }
  });
}

Deno.test("examples/download.ts downloads a torrent from a peer", async () => {
  const { dir, torrent } = await makeSeedData();
  const seeder = await Client.create({ host: LOOPBACK, port: 0 });
  const out = await Deno.makeTempDir({ prefix: "example-download-" });
  try {
    await seeder.add(torrent, { dir });
    await Deno.writeFile(`${out}/set.torrent`, torrent);
    const example = new URL("../examples/download.ts", import.meta.url).pathname;
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-net",
        example,
        `${out}/set.torrent`,
        out,
        `${LOOPBACK}:${seeder.port}`,
      ],
      stdin: "null",
    }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    assert.match(new TextDecoder().decode(run.stdout), /done: set in /);
    await sameFiles(dir, out);
  } finally {
    await seeder.close();
  }
});
