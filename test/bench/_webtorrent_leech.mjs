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
import process from "node:process";
import { fail, loopbackWebTorrent, scriptArgs } from "./_webtorrent_client.mjs";

const { packageDir, torrentPath, dir, peer } = scriptArgs("_webtorrent_leech.mjs");
const client = await loopbackWebTorrent(packageDir);
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
