// deno-lint-ignore-file explicit-module-boundary-types -- plain JavaScript for Node: no type annotations
/**
 * What the benchmarks' WebTorrent scripts share: their arguments
 * (`<webtorrent package dir> <torrent> <dir> <host:port>`) and a WebTorrent
 * client on Node talking to one peer over TCP only (no trackers, DHT, LSD,
 * uTP, PEX, web seeds, UPnP or NAT-PMP) that exits 1 on an error.
 *
 * @module
 */

import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";

/**
 * Reads the script's arguments, or exits 2 with a usage line.
 *
 * @param script The script's name, for the usage line.
 * @returns The WebTorrent package folder, the torrent file, the data folder and the peer.
 */
export function scriptArgs(script) {
  const [packageDir, torrentPath, dir, peer] = process.argv.slice(2);
  if (!packageDir || !torrentPath || !dir || !peer) {
    console.error(`usage: ${script} <webtorrent dir> <torrent> <dir> <host:port>`);
    process.exit(2);
  }
  return { packageDir, torrentPath, dir, peer };
}

/** Prints a WebTorrent error and exits 1. */
export function fail(err) {
  console.error("webtorrent:", err?.message ?? err);
  process.exit(1);
}

/**
 * Imports WebTorrent from `packageDir` and makes a client with every
 * discovery off and everything else at its defaults (protocol encryption
 * included: MSE on every outgoing TCP connection, plaintext preferred).
 *
 * @param packageDir The installed `webtorrent` package.
 * @returns The client; an `error` ends the process.
 */
export async function loopbackWebTorrent(packageDir) {
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
  client.on("error", fail);
  return client;
}
