/**
 * Helpers for magnet tests: a seeded torrent on disk and loopback clients.
 *
 * @module
 */

import { Client, type ClientOptions } from "../../src/client.ts";
import type { Dht } from "../../src/discovery/dht.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { formatMagnet } from "../../src/metainfo/magnet.ts";
import { magnetOf } from "../../src/metainfo/magnet_of.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import type { Metainfo } from "../../src/metainfo/types.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";

/** The loopback address every test uses. */
export const LOOPBACK = "127.0.0.1";

/** A one-file torrent on disk. */
export interface SeedData {
  /** The folder holding `data.bin`. */
  dir: string;
  /** The file's bytes. */
  data: Uint8Array;
  /** The `.torrent` file. */
  torrent: Uint8Array;
  /** The parsed torrent. */
  meta: Metainfo;
  /** Its magnet link: info hash, name and length, no trackers or peers. */
  magnet: string;
}

/** A one-file torrent in a temporary folder, its parsed form and its magnet link (no trackers). */
export async function seedData(
  length = 700_000,
  seed = 5,
  version: 1 | 2 | "hybrid" = 1,
): Promise<SeedData> {
  const dir = await Deno.makeTempDir({ prefix: "magnet-seed-" });
  const data = pseudoRandomBytes(length, seed);
  await Deno.writeFile(`${dir}/data.bin`, data);
  const torrent = await createTorrent([memorySource(["data.bin"], data)], {
    name: "data.bin",
    pieceLength: 32768,
    version,
  });
  const meta = await parseTorrent(torrent);
  return { dir, data, torrent, meta, magnet: formatMagnet(magnetOf(meta)) };
}

/**
 * A client on loopback with a free port. The scripted metadata peers speak
 * plain handshakes only, so it dials plain (encryption `allow`).
 */
export function loopbackClient(options: ClientOptions = {}): Promise<Client> {
  return Client.create({ host: LOOPBACK, port: 0, encryption: "allow", ...options });
}

/** Resolves on the first `announce` event for `infoHash` (hex). */
export function announced(dht: Dht, infoHash: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (event: Event) => {
      if ((event as CustomEvent<string>).detail !== infoHash) return;
      dht.removeEventListener("announce", listener);
      resolve();
    };
    dht.addEventListener("announce", listener);
  });
}

/** Waits until `client`'s DHT has a node on `port`, or throws after `ms`. */
export async function learnsNode(client: Client, port: number, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!client.dht!.nodes.some((node) => node.port === port)) {
    if (performance.now() > deadline) {
      throw new Error(`no node on port ${port}: ${JSON.stringify(client.dht!.nodes)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
