import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { sourcesFromPath } from "../../src/metainfo/sources.ts";
import { memoryStorage } from "../../src/storage/memory.ts";
import { pseudoRandomBytes } from "../_data.ts";
import { serveFolder } from "../_range_server.ts";

/** A folder `set/` of three files (one spanning pieces, one tiny) under a served root. */
async function folder(): Promise<{ root: string; files: Record<string, Uint8Array> }> {
  const root = await Deno.makeTempDir({ prefix: "webseed-" });
  await Deno.mkdir(`${root}/set/sub dir`, { recursive: true });
  const files = {
    "set/a.bin": pseudoRandomBytes(700_000, 1),
    "set/sub dir/b é.bin": pseudoRandomBytes(300_001, 2),
    "set/c.txt": pseudoRandomBytes(10, 3),
  };
  for (const [path, bytes] of Object.entries(files)) await Deno.writeFile(`${root}/${path}`, bytes);
  return { root, files };
}

for (const version of [1, "hybrid"] as const) {
  Deno.test(`web seed: a v${version} multi-file torrent completes from HTTP alone`, async () => {
    const { root, files } = await folder();
    const server = await serveFolder(root);
    const client = await Client.create({ host: "127.0.0.1", port: 0, listen: false });
    const out = await Deno.makeTempDir({ prefix: "webseed-out-" });
    try {
      const { name, files: sources, folder } = await sourcesFromPath(`${root}/set`);
      const torrent = await createTorrent(sources, {
        name,
        folder,
        version,
        pieceLength: 65536,
        urlList: [server.url],
      });
      const added = await client.add(torrent, { dir: out });
      await added.done;
      for (const [path, bytes] of Object.entries(files)) {
        assert.deepEqual(await Deno.readFile(`${out}/${path}`), bytes, path);
      }
      assert.ok(server.requests.every((r) => r.includes("bytes=")), "range requests only");
      assert.equal(added.peers.length, 0);
    } finally {
      await client.close();
      await server.close();
    }
  });
}

Deno.test("web seed: a single-file torrent; a corrupt seed is blamed, a good one completes it", async () => {
  const root = await Deno.makeTempDir({ prefix: "webseed-single-" });
  const data = pseudoRandomBytes(1_000_000, 9);
  await Deno.mkdir(`${root}/good`);
  await Deno.mkdir(`${root}/bad`);
  await Deno.writeFile(`${root}/good/one.bin`, data);
  await Deno.writeFile(`${root}/bad/one.bin`, data);
  const server = await serveFolder(root, ["/bad/one.bin"]);
  const client = await Client.create({ host: "127.0.0.1", port: 0, listen: false });
  try {
    const { name, files } = await sourcesFromPath(`${root}/good/one.bin`);
    const torrent = await createTorrent(files, {
      name,
      pieceLength: 32768,
      urlList: [`${server.url}bad/one.bin`, `${server.url}good/`],
    });
    const meta = await parseTorrent(torrent);
    const warnings: string[] = [];
    const added = await client.add(meta, { storage: memoryStorage() });
    added.addEventListener("warning", (e) => warnings.push((e as CustomEvent).detail));
    await added.done;
    for (let i = 0; i < meta.pieceCount; i++) {
      const at = i * meta.pieceLength;
      assert.deepEqual(await added.readPiece(i), data.subarray(at, at + meta.pieceLength));
    }
    assert.ok(warnings.some((w) => /bad\/one\.bin: piece \d+ failed its hash check/.test(w)));
  } finally {
    await client.close();
    await server.close();
  }
});
