import assert from "node:assert/strict";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { sourcesFromBlobs, sourcesFromPath } from "../../src/metainfo/sources.ts";
import { pseudoRandomBytes } from "../_data.ts";

Deno.test("sourcesFromPath: a folder's files in byte order, links to folders not followed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sources-" });
  await Deno.mkdir(`${dir}/set/b`, { recursive: true });
  await Deno.writeFile(`${dir}/set/b/2.bin`, pseudoRandomBytes(10, 1));
  await Deno.writeFile(`${dir}/set/B.bin`, pseudoRandomBytes(20, 2));
  await Deno.writeFile(`${dir}/set/a.bin`, pseudoRandomBytes(30, 3));
  await Deno.symlink(`${dir}/set/b`, `${dir}/set/loop`);
  const { name, files, folder } = await sourcesFromPath(`${dir}/set/`);
  assert.equal(name, "set");
  assert.equal(folder, true);
  assert.deepEqual(files.map((f) => [f.path.join("/"), f.length]), [
    ["B.bin", 20],
    ["a.bin", 30],
    ["b/2.bin", 10],
  ]);
  const meta = await parseTorrent(await createTorrent(files, { name, folder }));
  assert.equal(meta.length, 60);
  const single = await sourcesFromPath(`${dir}/set/a.bin`);
  assert.deepEqual([single.name, single.folder, single.files.length], ["a.bin", false, 1]);
  await Deno.mkdir(`${dir}/empty`);
  await assert.rejects(sourcesFromPath(`${dir}/empty`), /holds no files/);
  await assert.rejects(sourcesFromPath(`${dir}/missing`), /No such file/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("sourcesFromBlobs: File objects, with their folder paths when picked as a folder", async () => {
  const photo = new File([pseudoRandomBytes(5000, 4) as Uint8Array<ArrayBuffer>], "photo.jpg");
  const nested = new File([pseudoRandomBytes(300, 5) as Uint8Array<ArrayBuffer>], "notes.txt");
  Object.defineProperty(nested, "webkitRelativePath", { value: "trip/day 1/notes.txt" });
  const sources = sourcesFromBlobs([photo, nested]);
  assert.deepEqual(sources.map((s) => [s.path, s.length]), [
    [["photo.jpg"], 5000],
    [["day 1", "notes.txt"], 300],
  ]);
  const meta = await parseTorrent(
    await createTorrent(sources, { name: "trip", version: "hybrid" }),
  );
  assert.deepEqual(meta.files.filter((f) => !f.padding).map((f) => f.path.join("/")), [
    "trip/day 1/notes.txt",
    "trip/photo.jpg",
  ]);
});
