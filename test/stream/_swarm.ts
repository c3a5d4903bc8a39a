/**
 * A seeder and a downloader of one big file on loopback, for the stream
 * tests and benchmark: the seeder is our client with an upload limit.
 *
 * @module
 */

import { Client } from "../../src/client.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import type { Metainfo } from "../../src/metainfo/types.ts";
import { pseudoRandomBytes } from "../_data.ts";

/** 5 MB/s, the seeder's upload limit in the acceptance tests. */
export const SEEDER_LIMIT = 5_000_000;

/** A file on disk and its torrent. */
export interface SeedData {
  /** The folder holding the file. */
  dir: string;
  /** The file's bytes. */
  data: Uint8Array;
  /** The `.torrent` file. */
  torrent: Uint8Array;
  /** The parsed torrent. */
  meta: Metainfo;
}

/**
 * Writes `size` pseudo-random bytes as `<dir>/<name>` and makes a torrent of it.
 *
 * @param size Bytes.
 * @param pieceLength Bytes per piece.
 * @param name The file's name.
 */
export async function makeSeedFile(
  size: number,
  pieceLength = 256 * 1024,
  name = "big.bin",
): Promise<SeedData> {
  const dir = await Deno.makeTempDir({ prefix: "stream-seed-" });
  const data = pseudoRandomBytes(size, 7);
  await Deno.writeFile(`${dir}/${name}`, data);
  const torrent = await createTorrent([{
    path: [name],
    length: size,
    stream: () => new Blob([data as Uint8Array<ArrayBuffer>]).stream(),
  }], { name, pieceLength });
  return { dir, data, torrent, meta: await parseTorrent(torrent) };
}

/**
 * Starts our client seeding the data with an upload limit.
 *
 * @param seed The data.
 * @param limitUp Bytes per second; 0 for none.
 * @returns The client (close it).
 */
export async function startSeeder(
  seed: SeedData,
  limitUp: number | undefined = SEEDER_LIMIT,
): Promise<Client> {
  const seeder = await Client.create({
    host: "127.0.0.1",
    port: 0,
    ...(limitUp ? { limitUp } : {}),
  });
  await seeder.add(seed.torrent, { dir: seed.dir });
  return seeder;
}
