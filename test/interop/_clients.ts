/**
 * Real BitTorrent clients (libtorrent, Transmission, aria2) and ours as
 * members of a loopback swarm, for interop tests: start each as a seeder or
 * a leecher on 127.0.0.1 with a port, a torrent and a folder, wait until
 * they hold the data (with a bounded wait that says who got stuck where),
 * and stop them all, whatever happens.
 *
 * Every client has everything that could reach beyond loopback turned off:
 * DHT, local peer discovery, UPnP/NAT-PMP, peer exchange; peers and trackers
 * are on 127.0.0.1 only. What each client cannot do is in its module note
 * (Transmission never dials 127.0.0.1 peers; aria2 cannot be given a peer and
 * needs DHT for UDP trackers).
 *
 * @example
 * ```ts ignore
 * await using swarm = new Swarm();
 * const seeder = await swarm.start("libtorrent", { role: "seed", torrentFile, dir: data.root });
 * const leecher = await swarm.start("ours", { role: "leech", torrentFile, dir: out });
 * await swarm.waitComplete([seeder, leecher], 60_000);
 * ```
 *
 * @module
 */

import { startAria2 } from "./_clients_aria2.ts";
import { startLibtorrent } from "./_clients_libtorrent.ts";
import { startOurs } from "./_clients_ours.ts";
import type { PeerKind, PeerOptions, SwarmPeer } from "./_clients_peer.ts";
import { startTransmission } from "./_clients_transmission.ts";
import { PYTHON, requireTool } from "./_tools.ts";

export { LOOPBACK } from "./_clients_peer.ts";
export type { PeerKind, PeerOptions, PeerStatus, Role, SwarmPeer } from "./_clients_peer.ts";
export {
  type Dataset,
  dataset,
  type Scratch,
  verifyDownload,
  withAnnounce,
  withScratch,
} from "./_clients_data.ts";
export { scrape, type SwarmCounts, waitForTracker } from "./_clients_tracker.ts";

/** What each kind needs: aria2 and Transmission run under `_libtorrent.py guard` (plain python). */
const TOOLS: Record<PeerKind, string[]> = {
  ours: [],
  libtorrent: ["libtorrent"],
  transmission: ["transmission-daemon", PYTHON],
  aria2: ["aria2c", PYTHON],
};

/**
 * Tells whether every client of `kinds` can run, the way `requireTool` does:
 * outside CI a missing one prints a skip reason and gives false; with
 * `CI=true` it throws.
 */
export async function haveClients(kinds: Iterable<PeerKind>): Promise<boolean> {
  let ok = true;
  for (const tool of new Set([...kinds].flatMap((kind) => TOOLS[kind]))) {
    if (!(await requireTool(tool))) ok = false;
  }
  return ok;
}

/**
 * Starts one client.
 *
 * @param kind Which client.
 * @param options Role, torrent, folder, port and peers to dial.
 * @returns The running client.
 */
export function startPeer(kind: PeerKind, options: PeerOptions): Promise<SwarmPeer> {
  switch (kind) {
    case "ours":
      return startOurs(options);
    case "libtorrent":
      return Promise.resolve(startLibtorrent(options));
    case "transmission":
      return startTransmission(options);
    case "aria2":
      return startAria2(options);
  }
}

/**
 * The clients of one test: started through it, they are all stopped by
 * `stop()` or when an `await using` scope ends, failed test or not.
 */
export class Swarm {
  #peers: SwarmPeer[] = [];

  /** The clients started so far. */
  get peers(): readonly SwarmPeer[] {
    return this.#peers;
  }

  /** Starts a client and keeps it for {@link Swarm.stop}. */
  async start(kind: PeerKind, options: PeerOptions): Promise<SwarmPeer> {
    const peer = await startPeer(kind, options);
    this.#peers.push(peer);
    return peer;
  }

  /**
   * Waits until each of `peers` holds the whole torrent.
   *
   * @param peers The clients to wait for.
   * @param timeoutMs The longest wait.
   * @param stallMs How long one of them may go without receiving a byte
   * before the wait fails early (it has lost its peers, or they it).
   * @throws {Error} After `timeoutMs`, after a stall, or as soon as one fails
   * or exits, with every client's progress in the message.
   */
  async waitComplete(
    peers: readonly SwarmPeer[],
    timeoutMs: number,
    stallMs = 30_000,
  ): Promise<void> {
    const started = performance.now();
    const seen = new Map(peers.map((p) => [p, { mark: marker(p), at: started }]));
    let timer: ReturnType<typeof setInterval> | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        const now = performance.now();
        const late = peers.filter((p) => p.completedAt === null);
        if (now - started > timeoutMs) {
          const names = late.map((p) => p.name).join(", ");
          return reject(new Error(`${names} did not complete within ${timeoutMs / 1000} s`));
        }
        for (const peer of late) {
          const last = seen.get(peer)!;
          const mark = marker(peer);
          if (mark !== last.mark) seen.set(peer, { mark, at: now });
          else if (now - last.at > stallMs) {
            return reject(new Error(`${peer.name} made no progress for ${stallMs / 1000} s`));
          }
        }
      }, 500);
    });
    try {
      await Promise.race([Promise.all(peers.map((p) => p.complete)), watchdog]);
    } catch (error) {
      const report = this.#peers.map((p) => `\n  ${p.describe()}`).join("");
      throw new Error(`${(error as Error).message}; the swarm:${report}`, { cause: error });
    } finally {
      clearInterval(timer);
    }
  }

  /** Stops every client, the last started first; safe to call twice. */
  async stop(): Promise<void> {
    const peers = [...this.#peers].reverse();
    const results = await Promise.allSettled(peers.map((p) => p.stop()));
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /** {@link Swarm.stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/** What changes while a client makes progress. */
function marker(peer: SwarmPeer): string {
  return `${peer.status.progress} ${peer.status.downloaded} ${peer.status.state}`;
}

/**
 * Prints how fast a leecher got the torrent, counted from its start (so the
 * handshake and the tracker round trip are included): informational only.
 *
 * @param peer A completed leecher.
 * @param bytes The torrent's size.
 * @param label What the transfer was.
 */
export function reportRate(peer: SwarmPeer, bytes: number, label: string): void {
  if (peer.completedAt === null) return;
  const seconds = (peer.completedAt - peer.startedAt) / 1000;
  console.log(
    `  ${label}: ${peer.name} got ${(bytes / 1048576).toFixed(0)} MiB in ` +
      `${seconds.toFixed(2)} s, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s`,
  );
}
