/**
 * WebTorrent on Node serving a torrent over HTTP (`client.createServer`) in
 * the stream benchmark.
 *
 * ```sh
 * node test/bench/_webtorrent_serve.mjs <webtorrent package dir> <torrent> <dir> <host:port>
 * ```
 *
 * Imports WebTorrent from the given folder, adds the torrent (downloading
 * into <dir>) with the one peer, over TCP only (no trackers, DHT, LSD, uTP,
 * web seeds, UPnP or NAT-PMP), serves it on 127.0.0.1 and prints one JSON
 * line `{"type":"ready","url":...}` (the file's stream URL) once the peer is
 * connected. Runs until killed.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import process from "node:process";
import { fail, loopbackWebTorrent, scriptArgs } from "./_webtorrent_client.mjs";

const { packageDir, torrentPath, dir, peer } = scriptArgs("_webtorrent_serve.mjs");
const client = await loopbackWebTorrent(packageDir);
const server = client.createServer({}, "node");
await new Promise((resolve) => server.server.listen(0, "127.0.0.1", resolve));
const port = server.server.address().port;
const torrent = client.add(await readFile(torrentPath), { path: dir, announce: [], urlList: [] });
torrent.on("error", fail);
const dial = () => torrent.addPeer(peer);
if (torrent.infoHash) dial();
else torrent.once("infoHash", dial);
torrent.once("wire", () => {
  const ready = () => {
    const path = torrent.files[0].path.split("/").map(encodeURIComponent).join("/");
    const url = `http://127.0.0.1:${port}/webtorrent/${torrent.infoHash}/${path}`;
    process.stdout.write(JSON.stringify({ type: "ready", url }) + "\n");
  };
  if (torrent.ready) ready();
  else torrent.once("ready", ready);
});
process.on("SIGTERM", () => process.exit(0));
