/**
 * WebTorrent on Node as a leecher in the download benchmark.
 *
 * ```sh
 * node test/bench/_webtorrent_leech.mjs <webtorrent package dir> <torrent> <dir> <host:port>
 * ```
 *
 * Imports WebTorrent from the given folder (the benchmark installs it outside
 * the repository), downloads the torrent into <dir> from the one peer, over
 * TCP only (no trackers, DHT, LSD, uTP, web seeds, UPnP or NAT-PMP), and exits
 * 0 on `done` (every piece received and its hash checked) once the client is
 * destroyed (its files closed); exits 1 on an error.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";

const [packageDir, torrentPath, dir, peer] = process.argv.slice(2);
if (!packageDir || !torrentPath || !dir || !peer) {
  console.error("usage: _webtorrent_leech.mjs <webtorrent dir> <torrent> <dir> <host:port>");
  process.exit(2);
}

const { default: WebTorrent } = await import(pathToFileURL(join(packageDir, "index.js")).href);
const client = new WebTorrent({
  dht: false,
  lsd: false,
  utp: false,
  tracker: false,
  utPex: false,
  natUpnp: false,
  natPmp: false,
  webSeeds: false,
});
const fail = (err) => {
  console.error("webtorrent:", err?.message ?? err);
  process.exit(1);
};
client.on("error", fail);
const torrent = client.add(await readFile(torrentPath), {
  path: dir,
  announce: [],
  urlList: [],
});
torrent.on("error", fail);
const dial = () => torrent.addPeer(peer);
if (torrent.infoHash) dial();
else torrent.once("infoHash", dial);
torrent.on("done", () => {
  client.destroy((err) => {
    if (err) fail(err);
    else process.exit(0);
  });
});
