/**
 * The swarm tests' data: a 64 MiB folder of a few files, one nested two
 * levels deep, made once per test process from fixed seeds (so the same
 * bytes every run), a v1 torrent of it with 512 KiB pieces, and a check that
 * a download holds exactly those bytes.
 *
 * @module
 */

import { toHex } from "../../src/bytes.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { sourcesFromPath } from "../../src/metainfo/sources.ts";
import { pseudoRandomBytes } from "../_data.ts";

/** One file of the data set. */
export interface DataFile {
  /** Path under the torrent's folder, `/`-separated. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** SHA-256 of the contents, hex. */
  sha256: string;
}

/** The data set and its torrent. */
export interface Dataset {
  /** The folder that holds `<name>/...` (what a seeder is pointed at). */
  root: string;
  /** The torrent's name: its top folder. */
  name: string;
  /** The files, with their digests. */
  files: DataFile[];
  /** Total bytes. */
  length: number;
  /** The `.torrent` file, without trackers. */
  torrent: Uint8Array;
  /** The v1 info hash. */
  infoHash: Uint8Array;
}

const NAME = "swarm-data";
const PIECE_LENGTH = 512 * 1024;
/** Sizes that add up to 64 MiB and put file ends inside pieces. */
const FILES: readonly [string, number][] = [
  ["big.bin", 25_000_000],
  ["nested/middle.bin", 20_971_520],
  ["nested/deeper/odd.bin", 21_136_344],
  ["readme.txt", 1_000],
];

let made: Promise<Dataset> | null = null;

/**
 * The data set, made on first use and removed when the process ends.
 *
 * @returns The folder, files, digests and torrent.
 */
export function dataset(): Promise<Dataset> {
  made ??= make();
  return made;
}

async function make(): Promise<Dataset> {
  const root = await Deno.makeTempDir({ prefix: "swarm-data-" });
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(root, { recursive: true });
    } catch {
      // already gone
    }
  });
  const files: DataFile[] = [];
  let seed = 0x5eed;
  for (const [path, size] of FILES) {
    const bytes = pseudoRandomBytes(size, seed++);
    const full = `${root}/${NAME}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeFile(full, bytes);
    files.push({ path, size, sha256: await sha256(bytes) });
  }
  const sources = await sourcesFromPath(`${root}/${NAME}`);
  const torrent = await createTorrent(sources.files, {
    name: NAME,
    folder: true,
    pieceLength: PIECE_LENGTH,
    creationDate: null,
  });
  const meta = await parseTorrent(torrent);
  return {
    root,
    name: NAME,
    files,
    length: files.reduce((sum, f) => sum + f.size, 0),
    torrent,
    infoHash: meta.infoHashBytes!,
  };
}

/**
 * The torrent with `announce` set to `url` (the info dictionary, hence the
 * info hash, is unchanged).
 *
 * @param torrent A `.torrent` file without an `announce` key.
 * @param url The tracker.
 * @returns The new `.torrent` file.
 */
export function withAnnounce(torrent: Uint8Array, url: string): Uint8Array {
  // Keys are sorted and "announce" sorts before "created by" and "info": it goes first.
  const key = new TextEncoder().encode(`8:announce${new TextEncoder().encode(url).length}:${url}`);
  const out = new Uint8Array(torrent.length + key.length);
  out[0] = torrent[0]!;
  out.set(key, 1);
  out.set(torrent.subarray(1), 1 + key.length);
  return out;
}

/**
 * Checks that `dir/<name>/...` holds exactly the data set's files.
 *
 * @param data The data set.
 * @param dir A leecher's folder.
 * @param who The leecher, for the message.
 * @throws {Error} Naming the first file that is missing, of another size or
 * with other bytes.
 */
export async function verifyDownload(data: Dataset, dir: string, who: string): Promise<void> {
  for (const file of data.files) {
    const full = `${dir}/${data.name}/${file.path}`;
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(full);
    } catch (error) {
      throw new Error(`${who}: ${file.path} is missing: ${error}`);
    }
    if (bytes.length !== file.size) {
      throw new Error(`${who}: ${file.path} has ${bytes.length} bytes, not ${file.size}`);
    }
    if (await sha256(bytes) !== file.sha256) {
      throw new Error(`${who}: ${file.path} has the right size but other bytes`);
    }
  }
}

/** What {@link withScratch} gives its body. */
export interface Scratch {
  /** The data set. */
  data: Dataset;
  /** Its `.torrent` file, in the scratch folder. */
  torrentFile: string;
  /** An empty folder for a leecher. */
  out: string;
}

/**
 * Runs `fn` with a scratch folder holding the data set's torrent file and an
 * empty `out` folder, and removes the folder however `fn` ends.
 *
 * @param prefix The scratch folder's name prefix.
 * @param fn The body.
 * @returns What `fn` returns.
 */
export async function withScratch<T>(prefix: string, fn: (s: Scratch) => Promise<T>): Promise<T> {
  const data = await dataset();
  const work = await Deno.makeTempDir({ prefix });
  try {
    const torrentFile = `${work}/data.torrent`;
    await Deno.writeFile(torrentFile, data.torrent);
    const out = `${work}/out`;
    await Deno.mkdir(out);
    return await fn({ data, torrentFile, out });
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

async function sha256(bytes: Uint8Array): Promise<string> {
  return toHex(
    new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)),
  );
}
