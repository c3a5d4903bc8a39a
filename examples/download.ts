/**
 * Downloads a torrent into a folder and exits when every piece is verified.
 *
 * Run: deno run --allow-read --allow-write --allow-net examples/download.ts FILE.torrent DIR [HOST:PORT]
 *
 * @module
 */

import { Client, parseAddress } from "../mod.ts";

const [file, dir = ".", peer] = Deno.args;
if (!file) throw new Error("usage: download.ts FILE.torrent [DIR] [HOST:PORT]");
const client = await Client.create({ port: 0 });
const torrent = await client.add(await Deno.readFile(file), {
  dir,
  peers: peer ? [parseAddress(peer)] : [],
});
torrent.addEventListener("piece", () => console.log(`${(torrent.progress * 100).toFixed(1)}%`));
await torrent.done;
console.log(`done: ${torrent.meta.name} in ${dir}`);
await client.close();
