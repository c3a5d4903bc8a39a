/**
 * The parsed shape of a `.torrent` file, shared by parsing, encoding and
 * creation.
 *
 * @module
 */

/**
 * A decoded bencode value: integers are numbers, strings stay bytes.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeBencode, encodeBencode } from "./bencode.ts";
 * import type { BencodeValue } from "./types.ts";
 *
 * const value: BencodeValue = [42, new TextEncoder().encode("spam"), { n: [] }];
 * deepStrictEqual(decodeBencode(encodeBencode(value)).value, value);
 * ```
 */
export type BencodeValue =
  | number
  | Uint8Array
  | BencodeValue[]
  | BencodeDict;

/**
 * A decoded bencode dictionary.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { encodeBencode } from "./bencode.ts";
 * import type { BencodeDict } from "./types.ts";
 *
 * const dict: BencodeDict = { b: 2, a: new TextEncoder().encode("x") };
 * strictEqual(new TextDecoder().decode(encodeBencode(dict)), "d1:a1:x1:bi2ee"); // keys sorted
 * ```
 */
export interface BencodeDict {
  /** A member, named as `bencodeKey` names its key. */
  [key: string]: BencodeValue;
}

/**
 * Which BitTorrent metadata versions a torrent carries.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { createTorrent } from "./create_torrent.ts";
 * import { parseTorrent } from "./parse_torrent.ts";
 * import type { TorrentVersion } from "./types.ts";
 *
 * const file = { path: ["hello.txt"], length: 5, stream: () => new Blob(["hello"]).stream() };
 * for (const version of [1, 2, "hybrid"] satisfies TorrentVersion[]) {
 *   strictEqual((await parseTorrent(await createTorrent([file], { version }))).version, version);
 * }
 * ```
 */
export type TorrentVersion = 1 | 2 | "hybrid";

/**
 * One file of a torrent, as it will be laid out on disk.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { createTorrent } from "./create_torrent.ts";
 * import { parseTorrent } from "./parse_torrent.ts";
 * import type { TorrentFile } from "./types.ts";
 *
 * const files = ["a.bin", "b.bin"].map((name) => ({ path: [name], length: 5, stream: () => new Blob(["12345"]).stream() }));
 * const meta = await parseTorrent(await createTorrent(files, { name: "demo" }));
 * const second: TorrentFile = meta.files[1]!;
 * deepStrictEqual([second.path, second.length, second.offset, second.padding], [["demo", "b.bin"], 5, 5, false]);
 * ```
 */
export interface TorrentFile {
  /** Path components under the download folder (the torrent's folder first for multi-file torrents), made safe by `safePath`. */
  path: string[];
  /** Size in bytes. */
  length: number;
  /** Offset of the file's first byte in the torrent's piece space. */
  offset: number;
  /** BEP 47 attributes: `p` pad, `x` executable, `h` hidden, `l` symlink. */
  attr: string;
  /** True for BEP 47 pad files, which exist only to align the next file. */
  padding: boolean;
  /** BEP 52 merkle root of the file (v2 and hybrid torrents), or `null`. */
  piecesRoot: Uint8Array | null;
}

/**
 * A parsed `.torrent` file.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { createTorrent } from "./create_torrent.ts";
 * import { parseTorrent } from "./parse_torrent.ts";
 * import type { Metainfo } from "./types.ts";
 *
 * const file = { path: ["hello.txt"], length: 5, stream: () => new Blob(["hello"]).stream() };
 * const meta: Metainfo = await parseTorrent(await createTorrent([file], { version: "hybrid" }));
 * deepStrictEqual([meta.name, meta.length, meta.pieceCount, meta.singleFile], ["hello.txt", 5, 1, true]);
 * deepStrictEqual([meta.infoHash?.length, meta.infoHashV2?.length], [40, 64]);
 * ```
 */
export interface Metainfo {
  /** Display name and the top-level file or folder name, made safe. */
  name: string;
  /** 1, 2 or `"hybrid"` (both). */
  version: TorrentVersion;
  /** v1 info hash (SHA-1 of the info dictionary) as lower-case hex, or `null` for v2-only. */
  infoHash: string | null;
  /** v1 info hash as 20 bytes, or `null`. */
  infoHashBytes: Uint8Array | null;
  /** v2 info hash (SHA-256 of the info dictionary) as lower-case hex, or `null` for v1-only. */
  infoHashV2: string | null;
  /** v2 info hash as 32 bytes, or `null`. */
  infoHashV2Bytes: Uint8Array | null;
  /** Bytes per piece (a power of two of at least 16 KiB for v2). */
  pieceLength: number;
  /** Number of pieces. */
  pieceCount: number;
  /** Sum of the lengths of the real (non-pad) files. */
  length: number;
  /** Every file in torrent order, pad files included (filter on `padding`). */
  files: TorrentFile[];
  /** True when the torrent has one file stored directly under `name`. */
  singleFile: boolean;
  /** v1 piece hashes, 20 bytes each, concatenated (empty for v2-only). */
  pieces: Uint8Array;
  /** BEP 52 piece layers: hex of a file's pieces root to its concatenated piece hashes. */
  pieceLayers: Map<string, Uint8Array>;
  /** Tracker tiers (BEP 12); a torrent with only `announce` has one tier of one. */
  announce: string[][];
  /** Web seed URLs (BEP 19). */
  urlList: string[];
  /** BEP 27 private flag. */
  private: boolean;
  /** `creation date`, or `null`. */
  creationDate: Date | null;
  /** `comment`, or `null`. */
  comment: string | null;
  /** `created by`, or `null`. */
  createdBy: string | null;
  /** The info dictionary exactly as decoded (unknown keys kept). */
  info: BencodeDict;
  /** The original bytes of the info dictionary; the info hashes are taken over these. */
  infoBytes: Uint8Array;
}
