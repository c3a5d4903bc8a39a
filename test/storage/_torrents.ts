/**
 * Test torrents for the storage tests: real `.torrent` files made with
 * `createTorrent`, their source files, and each piece's expected bytes
 * worked out independently of the storage code.
 *
 * @module
 */

import { concatBytes } from "../../src/bytes.ts";
import { createTorrent, type CreateTorrentOptions } from "../../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import type { Metainfo } from "../../src/metainfo/types.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";

/** A torrent with its data. */
export interface TestTorrent {
  /** What the test calls it. */
  label: string;
  /** The `.torrent` file. */
  torrent: Uint8Array;
  /** The parsed torrent. */
  meta: Metainfo;
  /** Each real file's bytes, by its path in the torrent (`meta.files[i].path.join("/")`). */
  data: Map<string, Uint8Array>;
  /** Each piece's expected bytes. */
  pieces: Uint8Array[];
}

/**
 * Makes a torrent of files with pseudo-random contents of the given sizes.
 *
 * @param label Name for test titles.
 * @param sizes File paths (inside the torrent's folder) and sizes.
 * @param options `createTorrent` options (version, piece length, name).
 */
export async function makeTorrent(
  label: string,
  sizes: readonly [string, number][],
  options: CreateTorrentOptions,
): Promise<TestTorrent> {
  const contents = sizes.map(([path, size], i) => ({
    path: path.split("/"),
    bytes: pseudoRandomBytes(size, i + 11),
  }));
  const torrent = await createTorrent(
    contents.map((c) => memorySource(c.path, c.bytes)),
    { creationDate: null, ...options },
  );
  const meta = await parseTorrent(torrent);
  const byInnerPath = new Map(contents.map((c) => [c.path.join("/"), c.bytes]));
  const data = new Map<string, Uint8Array>();
  for (const file of meta.files) {
    if (file.padding) continue;
    // A single file takes the torrent's name; files of a folder sit under it.
    const bytes = meta.singleFile
      ? contents[0]!.bytes
      : byInnerPath.get(file.path.slice(1).join("/"));
    data.set(file.path.join("/"), bytes!);
  }
  return { label, torrent, meta, data, pieces: expectedPieces(meta, data) };
}

/**
 * v1 and hybrid: the files (pad files as zeros) laid end to end, cut into
 * pieces. v2: each non-empty file cut into pieces on its own.
 */
function expectedPieces(meta: Metainfo, data: Map<string, Uint8Array>): Uint8Array[] {
  const chunks = (bytes: Uint8Array): Uint8Array[] => {
    const out = [];
    for (let at = 0; at < bytes.length; at += meta.pieceLength) {
      out.push(bytes.subarray(at, at + meta.pieceLength));
    }
    return out;
  };
  const contents = meta.files.map((f) =>
    f.padding ? new Uint8Array(f.length) : data.get(f.path.join("/"))!
  );
  return meta.version === 2 ? contents.flatMap(chunks) : chunks(concatBytes(contents));
}

/** The torrents every storage is tried with. */
export function standardTorrents(): Promise<TestTorrent[]> {
  const kib = 1024;
  return Promise.all([
    makeTorrent("single-file v1", [["movie.bin", 100_000]], { pieceLength: 16 * kib }),
    makeTorrent(
      "multi-file v1 with tiny and empty files",
      [["a.txt", 1], ["empty.txt", 0], ["b/c.txt", 3], ["b/d.bin", 20_000], ["e", 5], [
        "f.bin",
        40_000,
      ]],
      { pieceLength: 16 * kib, name: "tiny" },
    ),
    makeTorrent(
      "hybrid with pad files",
      [["x.bin", 20_000], ["y.txt", 1], ["z/z.bin", 50_000], ["zero", 0]],
      { pieceLength: 16 * kib, name: "hybrid", version: "hybrid" },
    ),
    makeTorrent(
      "v2 multi-file",
      [["p.bin", 32 * kib + 100], ["q.txt", 10], ["r", 0], ["s.bin", 16 * kib], ["t.bin", 40_000]],
      { pieceLength: 16 * kib, name: "v2", version: 2 },
    ),
  ]);
}
