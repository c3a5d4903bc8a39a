/**
 * WebTorrent on Node as a WebRTC peer for the interop tests, through
 * WebSocket trackers only (no TCP peers, DHT, LSD, uTP, web seeds, UPnP or
 * NAT-PMP; no STUN servers).
 *
 * ```sh
 * node test/interop/_webtorrent_webrtc.mjs <package dir> seed|leech <torrent> <dir> <ws url>
 * ```
 *
 * `seed` checks the data under <dir> and seeds it; `leech` downloads into
 * <dir>. Prints `{"type":"ready"}` once its data is checked and
 * `{"type":"done"}` once complete (leech), then keeps running until stdin
 * closes; exits 1 on an error.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";

const [packageDir, mode, torrentPath, dir, tracker] = process.argv.slice(2);
if (!packageDir || !["seed", "leech"].includes(mode) || !torrentPath || !dir || !tracker) {
  console.error("usage: _webtorrent_webrtc.mjs <dir> seed|leech <torrent> <dir> <ws url>");
  process.exit(2);
}

const { default: WebTorrent } = await import(
  pathToFileURL(join(packageDir, "node_modules/webtorrent/index.js")).href
);
const client = new WebTorrent({
  dht: false,
  lsd: false,
  utp: false,
  utPex: false,
  natUpnp: false,
  natPmp: false,
  webSeeds: false,
  tracker: { rtcConfig: { iceServers: [] } },
});
const fail = (err) => {
  console.error("webtorrent:", err?.message ?? err);
  process.exit(1);
};
const say = (type, extra = {}) => console.log(JSON.stringify({ type, ...extra }));
client.on("error", fail);
const torrent = client.add(await readFile(torrentPath), {
  path: dir,
  announce: [tracker],
  urlList: [],
});
torrent.on("error", fail);
torrent.on("warning", (err) => console.error("webtorrent warning:", err?.message ?? err));
torrent.on("ready", () => say("ready", { progress: torrent.progress }));
torrent.on("done", () => say("done", { received: torrent.received }));
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
