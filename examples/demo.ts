/**
 * The demo: makes a folder of files, creates a hybrid (v1 + v2) torrent of
 * it, prints what the torrent holds and its magnet link, then seeds it from
 * one client and downloads it with another over TCP on 127.0.0.1.
 *
 * Run: deno task demo
 *
 * @module
 */

import {
  Client,
  createTorrent,
  formatMagnet,
  magnetOf,
  parseTorrent,
  sourcesFromPath,
} from "../mod.ts";

const dir = await Deno.makeTempDir({ prefix: "torrent-demo-" });
const folder = `${dir}/holiday-photos`;
await Deno.mkdir(`${folder}/day-2`, { recursive: true });
const sizes: Record<string, number> = {
  "day-1.jpg": 700_000,
  "day-2/beach.jpg": 1_200_000,
  "day-2/notes.txt": 4_000,
};
for (const [name, size] of Object.entries(sizes)) {
  const bytes = new Uint8Array(size).map((_, i) => (i * 31 + name.length) & 0xff);
  await Deno.writeFile(`${folder}/${name}`, bytes);
}
console.log(`made ${Object.keys(sizes).length} files in ${folder}\n`);

const { name, files, folder: isFolder } = await sourcesFromPath(folder);
const torrentFile = await createTorrent(files, {
  name,
  folder: isFolder,
  version: "hybrid",
  announce: ["http://127.0.0.1:6969/announce"],
  comment: "made by deno task demo",
  onProgress: (done, total) => {
    if (done === total) console.log(`hashed ${total} bytes`);
  },
});
await Deno.writeFile(`${dir}/${name}.torrent`, torrentFile);

const meta = await parseTorrent(torrentFile);
console.log(`\nwrote ${dir}/${name}.torrent`);
console.log(`name:         ${meta.name}`);
console.log(`version:      ${meta.version}`);
console.log(`info hash:    ${meta.infoHash}`);
console.log(`info hash v2: ${meta.infoHashV2}`);
console.log(`pieces:       ${meta.pieceCount} of ${meta.pieceLength} bytes`);
console.log(`total size:   ${meta.length} bytes`);
for (const file of meta.files.filter((f) => !f.padding)) {
  console.log(`  ${String(file.length).padStart(9)}  ${file.path.join("/")}`);
}
console.log(`\nmagnet: ${formatMagnet(magnetOf(meta))}`);

const seeder = await Client.create({ host: "127.0.0.1", port: 0 });
const leecher = await Client.create({ host: "127.0.0.1", port: 0 });
await seeder.add(meta, { dir: dir });
const download = await leecher.add(meta, {
  dir: `${dir}/downloaded`,
  peers: [{ host: "127.0.0.1", port: seeder.port }],
});
download.addEventListener("piece", () => {
  if (download.pieces.count % 40 === 0) {
    console.log(`downloaded ${(download.progress * 100).toFixed(0)}%`);
  }
});
await download.done;
const same = (await Deno.readFile(`${dir}/downloaded/${name}/day-2/beach.jpg`)).length ===
  sizes["day-2/beach.jpg"];
console.log(`\ndownloaded to ${dir}/downloaded/${name}: ${download.pieces.count} pieces verified`);
console.log(same ? "the copy matches" : "the copy differs!");
await leecher.close();
await seeder.close();
