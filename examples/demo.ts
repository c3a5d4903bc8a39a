/**
 * The demo: makes a folder of files, creates a hybrid (v1 + v2) torrent of
 * it, and prints what the torrent holds and its magnet link.
 *
 * Run: deno task demo
 *
 * @module
 */

import { createTorrent, formatMagnet, magnetOf, parseTorrent, sourcesFromPath } from "../mod.ts";

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
