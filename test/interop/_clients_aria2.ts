/**
 * aria2 as a swarm member: `aria2c` with no config file, every socket bound
 * to 127.0.0.1 (`--interface`), no DHT, LPD or PEX, seeding without a ratio
 * limit, watched through its JSON-RPC (on loopback, with a secret).
 *
 * aria2 has no option to dial a given peer: it finds peers through the
 * torrent's tracker only. With DHT off it cannot use UDP trackers either
 * (its `--enable-dht` "also enables UDP tracker support"), so give it an
 * HTTP tracker.
 *
 * @module
 */

import {
  defaultName,
  LOOPBACK,
  type PeerOptions,
  Progress,
  type SwarmPeer,
  swarmPeer,
} from "./_clients_peer.ts";
import { ChildProcess, freePort, pollUntilAborted, waitForHttp } from "./_clients_process.ts";

interface Aria2Status {
  status: string;
  totalLength: string;
  completedLength: string;
  uploadLength: string;
  connections: string;
  seeder?: string;
  verifyIntegrityPending?: string;
  verifiedLength?: string;
  errorMessage?: string;
}

/**
 * Starts aria2 seeding (after `--check-integrity`) or leeching `options.torrentFile`.
 *
 * @param options Role, torrent, folder and port; `peers` is refused (see the module note).
 * @returns The running peer, once its RPC answers.
 */
export async function startAria2(options: PeerOptions): Promise<SwarmPeer> {
  if (options.peers?.length) {
    throw new TypeError("aria2 cannot be told to dial a peer: announce both to a tracker");
  }
  const port = options.port ?? freePort();
  const rpcPort = freePort();
  const name = options.name ?? defaultName("aria2", options.role);
  const gid = hex(8);
  const secret = hex(16);
  const child = new ChildProcess([
    "aria2c",
    ...["--no-conf=true", `--interface=${LOOPBACK}`, "--disable-ipv6=true"],
    ...["--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false"],
    ...["--enable-peer-exchange=false", `--listen-port=${port}`, `--bt-external-ip=${LOOPBACK}`],
    ...["--enable-rpc=true", "--rpc-listen-all=false", `--rpc-listen-port=${rpcPort}`],
    ...[`--rpc-secret=${secret}`, `--gid=${gid}`, `--dir=${options.dir}`],
    // Seed until stopped, a leecher too (so that it serves the rest of a swarm).
    "--seed-ratio=0.0",
    // A seeder hashes its data first; a leecher starts empty.
    `--check-integrity=${options.role === "seed"}`,
    ...["--file-allocation=none", "--allow-overwrite=true", "--auto-file-renaming=false"],
    ...["--bt-max-peers=50", "--bt-request-peer-speed-limit=100M"],
    ...["--console-log-level=warn", "--summary-interval=0", "--show-console-readout=false"],
    options.torrentFile,
  ], { guard: true });
  const progress = new Progress();
  const startedAt = performance.now();
  const polling = new AbortController();
  const stop = async () => {
    polling.abort();
    await child.stop();
  };
  child.exited.then((status) => {
    progress.fail(new Error(`${name} exited (code ${status.code}): ${child.tail()}`));
  });
  const url = `http://${LOOPBACK}:${rpcPort}/jsonrpc`;
  try {
    await waitForHttp(url, name, child.exited);
  } catch (error) {
    await stop();
    throw error;
  }
  pollUntilAborted(
    async () => {
      const response = await fetch(url, {
        method: "POST",
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: "1",
          method: "aria2.tellStatus",
          params: [`token:${secret}`, gid],
        }),
      });
      const reply = await response.json() as { result?: Aria2Status; error?: { message: string } };
      if (!reply.result) throw new Error(reply.error?.message ?? "no result");
      const s = reply.result;
      if (s.status === "error" || s.status === "removed") {
        progress.fail(new Error(`${name}: ${s.status}: ${s.errorMessage ?? ""}`));
      }
      const total = Number(s.totalLength);
      const done = Number(s.completedLength);
      const checking = s.verifyIntegrityPending === "true" || s.verifiedLength !== undefined;
      progress.update({
        progress: total > 0 ? done / total : 0,
        state: checking ? "checking" : s.seeder === "true" ? "seeding" : s.status,
        peers: Number(s.connections),
        downloaded: options.role === "seed" ? 0 : done,
        uploaded: Number(s.uploadLength),
      }, !checking && total > 0 && done === total && s.seeder === "true");
    },
    250,
    polling.signal,
    (error) => progress.fail(new Error(`${name}: RPC failed: ${error}`)),
  );
  return swarmPeer({
    kind: "aria2",
    options,
    name,
    port,
    startedAt,
    progress,
    detail: () => `output: ${child.tail() || "none"}`,
    stop,
  });
}

function hex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16))
    .map((h) => h.padStart(2, "0")).join("");
}
