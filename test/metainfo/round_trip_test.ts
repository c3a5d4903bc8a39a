import assert from "node:assert/strict";
import { encodeBencode } from "../../src/metainfo/bencode.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { encodeTorrent } from "../../src/metainfo/encode_torrent.ts";
import { formatMagnet } from "../../src/metainfo/magnet.ts";
import { magnetOf } from "../../src/metainfo/magnet_of.ts";
import { parseMagnet } from "../../src/metainfo/magnet.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";

const fixtures = new URL("../fixtures/", import.meta.url);

/** Every valid torrent fixture: real tools' output and sanitised-path cases. */
async function fixtureFiles(): Promise<URL[]> {
  const found: URL[] = [];
  for (const folder of ["torrents/", "paths/"]) {
    const dir = new URL(folder, fixtures);
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.endsWith(".torrent")) found.push(new URL(entry.name, dir));
    }
  }
  return found.sort((a, b) => a.href.localeCompare(b.href));
}

Deno.test("for every fixture, the info dictionary we encode equals the original bytes", async () => {
  const files = await fixtureFiles();
  assert.ok(files.length >= 10, `only ${files.length} fixtures`);
  for (const file of files) {
    const meta = await parseTorrent(await Deno.readFile(file));
    assert.deepEqual(encodeBencode(meta.info), meta.infoBytes, file.pathname);
    const again = await parseTorrent(encodeTorrent(meta));
    assert.deepEqual(again.infoBytes, meta.infoBytes, file.pathname);
    assert.deepEqual(again.announce, meta.announce, file.pathname);
    assert.deepEqual(again.urlList, meta.urlList, file.pathname);
  }
});

Deno.test("torrent to magnet: formatting then parsing is the identity", async () => {
  const files = [
    memorySource(["a"], pseudoRandomBytes(50_000)),
    memorySource(["b"], new Uint8Array(3)),
  ];
  const torrents = [
    ...await Promise.all((await fixtureFiles()).map(async (f) => await Deno.readFile(f))),
    ...await Promise.all(
      ([1, 2, "hybrid"] as const).map((version) =>
        createTorrent(files, { name: "n & m = 100%", version, announce: ["udp://127.0.0.1:1"] })
      ),
    ),
  ];
  for (const bytes of torrents) {
    const magnet = magnetOf(await parseTorrent(bytes));
    assert.deepEqual(parseMagnet(formatMagnet(magnet)), magnet);
  }
});
