/**
 * `bittorrent-tracker`'s server on Node for the interop tests: HTTP and
 * WebSocket on 127.0.0.1 (no UDP), a free port. Prints `{"port":N}` once
 * listening and runs until stdin closes.
 *
 * ```sh
 * node test/interop/_bittorrent_tracker.mjs <package dir>
 * ```
 *
 * @module
 */

import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";

const [packageDir] = process.argv.slice(2);
const { Server } = await import(
  pathToFileURL(join(packageDir, "node_modules/bittorrent-tracker/index.js")).href
);
const server = new Server({ udp: false, http: true, ws: true, stats: false, trustProxy: false });
server.on("error", (err) => {
  console.error("bittorrent-tracker:", err?.message ?? err);
  process.exit(1);
});
server.on("warning", (err) => console.error("bittorrent-tracker warning:", err?.message ?? err));
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: server.http.address().port }));
});
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
