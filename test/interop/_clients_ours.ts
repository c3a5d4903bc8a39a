/**
 * Our client as a swarm member, in the test's own process: a `Client` on
 * 127.0.0.1 (TCP for peers, UDP on the same port for UDP trackers) with the
 * filesystem storage. It finds peers through the torrent's tracker and the
 * given addresses; {@link SwarmPeer.dial} adds more.
 *
 * @module
 */

import { Client } from "../../src/client.ts";
import type { PeerEncryption } from "../../src/wire/mse/conn.ts";
import {
  defaultName,
  LOOPBACK,
  type PeerOptions,
  Progress,
  type SwarmPeer,
  swarmPeer,
} from "./_clients_peer.ts";

interface PeerEvent {
  address: string;
  connected: boolean;
  reason?: string;
}

/**
 * Starts our client seeding or leeching `options.torrentFile`.
 *
 * @param options Role, torrent, folder, port and peers to dial.
 * @returns The running peer, once its data is checked.
 */
export async function startOurs(options: PeerOptions): Promise<SwarmPeer> {
  const name = options.name ?? defaultName("ours", options.role);
  const client = await Client.create({
    host: LOOPBACK,
    port: options.port ?? 0,
    ...(options.transports ? { transports: [...options.transports] } : {}),
    ...(options.encryption ? { encryption: options.encryption } : {}),
  });
  const progress = new Progress();
  const startedAt = performance.now();
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    const torrent = await client.add(await Deno.readFile(options.torrentFile), {
      dir: options.dir,
      peers: [...(options.peers ?? [])],
    });
    // The last warnings and disconnect reasons, for failure messages.
    const notes: string[] = [];
    const note = (text: string) => {
      notes.push(text);
      if (notes.length > 6) notes.shift();
    };
    torrent.addEventListener("warning", (event) => note(String((event as CustomEvent).detail)));
    const encryptions: PeerEncryption[] = [];
    torrent.addEventListener("peer", (event) => {
      const { address, connected, reason } = (event as CustomEvent<PeerEvent>).detail;
      if (!connected) note(`${address} disconnected: ${reason ?? "?"}`);
      const peer = torrent.peers.find((p) => p.address === address);
      if (connected && peer) encryptions.push(peer.encryption);
    });
    const update = () =>
      progress.update({
        progress: torrent.progress,
        state: torrent.state,
        peers: torrent.peers.length,
        downloaded: torrent.downloaded,
        uploaded: torrent.uploaded,
      }, torrent.progress === 1 && torrent.state === "seeding");
    timer = setInterval(update, 250);
    update();
    if (options.role === "seed" && torrent.progress < 1) {
      throw new Error(`${name}: the data under ${options.dir} is not complete`);
    }
    torrent.done.then(update);
    let stopping: Promise<void> | null = null;
    return swarmPeer({
      kind: "ours",
      options,
      name,
      port: client.port,
      startedAt,
      progress,
      dial: (address) => torrent.addPeers([address]),
      encryptions: () => encryptions,
      detail: () => `events: ${notes.join(" | ") || "none"}`,
      stop() {
        stopping ??= (async () => {
          clearInterval(timer);
          update();
          progress.fail(new Error(`${name} was stopped`));
          await client.close();
        })();
        return stopping;
      },
    });
  } catch (error) {
    clearInterval(timer);
    await client.close();
    throw error;
  }
}
