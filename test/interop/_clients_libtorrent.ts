/**
 * libtorrent 2.0 as a swarm member, through `_libtorrent.py seed|leech`: a
 * session on 127.0.0.1 only, TCP only unless `transports` says otherwise, no DHT, LSD, UPnP or
 * NAT-PMP, several connections per IP allowed; progress comes as JSON lines.
 *
 * @module
 */

import { formatAddress } from "../../transports/mod.ts";
import { ChildProcess, freePort, LT_HELPER } from "./_clients_process.ts";
import {
  defaultName,
  type PeerOptions,
  Progress,
  type SwarmPeer,
  swarmPeer,
} from "./_clients_peer.ts";
import { PYTHON } from "./_tools.ts";

interface StatusLine {
  type: "status";
  progress: number;
  state: string;
  seeding: boolean;
  peers: number;
  downloaded: number;
  uploaded: number;
  error: string;
}

/**
 * Starts libtorrent seeding or leeching `options.torrentFile`.
 *
 * @param options Role, torrent, folder, port and peers to dial.
 * @returns The running peer (a seeder's `complete` settles once its check is over).
 */
export function startLibtorrent(options: PeerOptions): SwarmPeer {
  const port = options.port ?? freePort();
  const name = options.name ?? defaultName("libtorrent", options.role);
  const progress = new Progress();
  const args = [LT_HELPER, options.role, options.torrentFile, options.dir, "--port", `${port}`];
  for (const peer of options.peers ?? []) args.push("--peer", formatAddress(peer));
  if (options.dhtBootstrap) args.push("--dht-bootstrap", formatAddress(options.dhtBootstrap));
  if (options.transports) args.push("--transports", options.transports.join(","));
  for (const [key, value] of Object.entries(options.libtorrentSettings ?? {})) {
    args.push("--set", `${key}=${value}`);
  }
  const child = new ChildProcess([PYTHON, ...args], {
    guard: false,
    onLine(line) {
      if (!line.startsWith("{")) return;
      const record = JSON.parse(line) as StatusLine | { type: "alert" };
      if (record.type !== "status") return;
      if (record.error) progress.fail(new Error(`${name}: ${record.error}`));
      progress.update({
        progress: record.progress,
        state: record.state,
        peers: record.peers,
        downloaded: record.downloaded,
        uploaded: record.uploaded,
      }, record.seeding);
    },
  });
  const startedAt = performance.now();
  child.exited.then((status) => {
    progress.fail(new Error(`${name} exited (code ${status.code}): ${child.tail()}`));
  });
  return swarmPeer({
    kind: "libtorrent",
    options,
    name,
    port,
    startedAt,
    progress,
    dial(address) {
      child.writeLine(`connect ${formatAddress(address)}`).catch(() => {});
    },
    detail: () => `output: ${child.tail() || "none"}`,
    stop: () => child.stop(),
  });
}
