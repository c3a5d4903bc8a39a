/**
 * Loads what a command names: a `.torrent` file from disk, or a magnet URI.
 *
 * @module
 */

import { isMagnet, type Magnet, parseMagnet } from "../metainfo/magnet.ts";
import { parseTorrent } from "../metainfo/parse_torrent.ts";
import type { Metainfo } from "../metainfo/types.ts";
import { fileSystem } from "../runtime.ts";

/** A torrent file's contents, or a magnet link. */
export type Loaded = { kind: "torrent"; meta: Metainfo } | { kind: "magnet"; magnet: Magnet };

/**
 * Reads and parses a `.torrent` file.
 *
 * @throws {Error} When the file cannot be read, with the path in the message.
 * @throws {SyntaxError} When it is not a valid torrent.
 */
export async function loadTorrentFile(path: string): Promise<Metainfo> {
  const fs = await fileSystem();
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    throw new Error(`Cannot read "${path}": ${(error as Error).message}`);
  }
  return await parseTorrent(bytes);
}

/** Loads a magnet URI or a `.torrent` file. */
export async function loadTorrentOrMagnet(input: string): Promise<Loaded> {
  if (isMagnet(input)) return { kind: "magnet", magnet: parseMagnet(input) };
  return { kind: "torrent", meta: await loadTorrentFile(input) };
}
