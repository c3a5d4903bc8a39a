/**
 * Creates `.torrent` files (v1, v2 and hybrid) from any source of file
 * streams: the filesystem (see `sourcesFromPath`), `File`/`Blob` objects in
 * browsers (see `sourcesFromBlobs`), or your own.
 *
 * Hashing streams the data: memory holds a few pieces at a time, whatever
 * the size of the files.
 *
 * @module
 */

import { compareBytes, concatBytes, toHex, utf8 } from "../bytes.ts";
import { encodeBencode } from "./bencode.ts";
import { encodeTorrentFile } from "./encode_torrent.ts";
import { sha1, sha256 } from "./hash.ts";
import {
  BLOCK_SIZE,
  isPowerOfTwo,
  merkleRoot,
  nextPowerOfTwo,
  rootFromPieceLayer,
} from "./merkle.ts";
import { choosePieceLength } from "./piece_length.ts";
import type { TorrentVersion } from "./types.ts";

/**
 * One file to put in a torrent.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { createTorrent, type SourceFile } from "./create_torrent.ts";
 * import { parseTorrent } from "./parse_torrent.ts";
 *
 * const data = new TextEncoder().encode("hello");
 * const file: SourceFile = { path: ["docs", "hello.txt"], length: data.length, stream: () => new Blob([data]).stream() };
 * const meta = await parseTorrent(await createTorrent([file], { name: "demo" }));
 * deepStrictEqual(meta.files.map((f) => f.path), [["demo", "docs", "hello.txt"]]);
 * ```
 */
export interface SourceFile {
  /** Path inside the torrent's folder (for a single-file torrent, just its name). */
  path: string[];
  /** Size in bytes; the stream must deliver exactly this many. */
  length: number;
  /** Opens the file's contents. */
  stream(): ReadableStream<Uint8Array>;
}

/**
 * Options for {@link createTorrent}.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { createTorrent, type CreateTorrentOptions } from "./create_torrent.ts";
 * import { parseTorrent } from "./parse_torrent.ts";
 *
 * const file = { path: ["hello.txt"], length: 5, stream: () => new Blob(["hello"]).stream() };
 * const options: CreateTorrentOptions = { version: 2, private: true, creationDate: null, comment: "demo" };
 * const meta = await parseTorrent(await createTorrent([file], options));
 * deepStrictEqual([meta.version, meta.private, meta.creationDate, meta.comment], [2, true, null, "demo"]);
 * ```
 */
export interface CreateTorrentOptions {
  /** Torrent name; defaults to the file's name for a single file. */
  name?: string;
  /** 1 (default), 2 or `"hybrid"`. */
  version?: TorrentVersion;
  /** Bytes per piece, a power of two of 16 KiB or more; chosen from the size when left out. */
  pieceLength?: number;
  /** Trackers: a flat list (one tier each) or tiers (BEP 12). */
  announce?: readonly string[] | readonly (readonly string[])[];
  /** Web seed URLs (BEP 19). */
  urlList?: readonly string[];
  /** Sets the BEP 27 private flag. */
  private?: boolean;
  /** Free text. */
  comment?: string;
  /** Creator; defaults to this library's name. */
  createdBy?: string;
  /** Creation time, `null` to leave it out; defaults to now. */
  creationDate?: Date | null;
  /** Store a single file under a folder (`name/file`) rather than as `name`. */
  folder?: boolean;
  /** Called as bytes are hashed, with the bytes done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Stops hashing. */
  signal?: AbortSignal;
}

/** Name written to `created by` when none is given. */
export const CREATED_BY = "seed/0.1.0";

/**
 * Creates a `.torrent` file.
 *
 * @example
 * ```ts
 * import { createTorrent } from "./create_torrent.ts";
 * const data = new TextEncoder().encode("hello world");
 * const files = [{ path: ["a.txt"], length: data.length, stream: () => new Blob([data]).stream() }];
 * const torrent = await createTorrent(files, { name: "demo", folder: true, version: "hybrid" });
 * console.assert(torrent[0] === 0x64); // "d"
 * ```
 *
 * @param files The files, in the order they will appear.
 * @param options Name, version, piece length, trackers and the rest.
 * @returns The `.torrent` file's bytes.
 * @throws {TypeError} For an empty file list, a bad piece length, or a
 * stream that delivers a different number of bytes than announced.
 */
export async function createTorrent(
  sources: readonly SourceFile[],
  options: CreateTorrentOptions = {},
): Promise<Uint8Array> {
  const version = options.version ?? 1;
  // A v2 file tree has one order, its keys' byte order; a hybrid's v1 list follows it.
  const files = version === 1 ? sources : [...sources].sort(comparePaths);
  const first = files[0];
  if (!first) throw new TypeError("Cannot create a torrent without files");
  const single = files.length === 1 && first.path.length === 1 && !options.folder;
  const name = options.name ?? (single ? first.path[0]! : undefined);
  if (!name) throw new TypeError("Cannot create a torrent: a name is needed for several files");
  const total = files.reduce((sum, f) => sum + f.length, 0);
  if (total === 0) throw new TypeError("Cannot create a torrent of empty files only");
  const pieceLength = options.pieceLength ?? choosePieceLength(total);
  checkPieceLength(pieceLength, version);

  const hasher = new Hasher(version, pieceLength, total, options);
  const v1Files: Record<string, unknown>[] = [];
  const tree: Record<string, unknown> = {};
  for (const file of files) {
    const roots = await hasher.addFile(file);
    v1Files.push({ length: file.length, path: file.path });
    putInTree(tree, single ? [name] : file.path, file.length, roots.root);
    // Like libtorrent, a multi-file hybrid pads every file to a piece boundary, the last one too.
    const pad = version === "hybrid" && !single
      ? (pieceLength - (file.length % pieceLength)) % pieceLength
      : 0;
    if (pad > 0) {
      await hasher.addPadding(pad);
      v1Files.push({ attr: "p", length: pad, path: [".pad", String(pad)] });
    }
  }
  const pieces = await hasher.finish();

  const info: Record<string, unknown> = { name, "piece length": pieceLength };
  if (version !== 2) {
    info.pieces = pieces;
    if (single) info.length = first.length;
    else info.files = v1Files;
  }
  if (version !== 1) {
    info["file tree"] = tree;
    info["meta version"] = 2;
  }
  if (options.private) info.private = 1;
  const date = options.creationDate === undefined ? new Date() : options.creationDate;
  return encodeTorrentFile(encodeBencode(info), {
    announce: (options.announce ?? []).map((tier) => typeof tier === "string" ? [tier] : [...tier]),
    urlList: [...(options.urlList ?? [])],
    comment: options.comment ?? null,
    createdBy: options.createdBy ?? CREATED_BY,
    creationDate: date,
    pieceLayers: hasher.layers,
  });
}

function checkPieceLength(pieceLength: number, version: TorrentVersion): void {
  if (!isPowerOfTwo(pieceLength) || pieceLength < BLOCK_SIZE) {
    throw new TypeError(
      `Cannot create a torrent: piece length ${pieceLength} is not a power of two of at least ${BLOCK_SIZE}`,
    );
  }
  if (version !== 1 && pieceLength > 2 ** 30) {
    throw new TypeError(`Cannot create a torrent: piece length ${pieceLength} is too large`);
  }
}

/** Orders paths as a depth-first walk of a file tree with byte-ordered keys. */
function comparePaths(a: SourceFile, b: SourceFile): number {
  const n = Math.min(a.path.length, b.path.length);
  for (let i = 0; i < n; i++) {
    const order = compareBytes(utf8(a.path[i]!), utf8(b.path[i]!));
    if (order !== 0) return order;
  }
  return a.path.length - b.path.length;
}

/** Adds a file leaf to a BEP 52 file tree. */
function putInTree(
  tree: Record<string, unknown>,
  path: readonly string[],
  length: number,
  root: Uint8Array | null,
): void {
  let node = tree;
  for (const part of path) node = (node[part] ??= {}) as Record<string, unknown>;
  node[""] = root ? { length, "pieces root": root } : { length };
}

/**
 * Streams file data through the v1 piece hasher (pieces span files) and the
 * v2 per-file merkle trees.
 */
class Hasher {
  /** v2 piece layers by hex pieces root, for files longer than a piece. */
  readonly layers = new Map<string, Uint8Array>();
  #v1: boolean;
  #v2: boolean;
  #pieceLength: number;
  #total: number;
  #options: CreateTorrentOptions;
  #piece: Uint8Array;
  #filled = 0;
  #pieces: Promise<Uint8Array>[] = [];
  #pieceWindow = new Window(4);
  #blockWindow = new Window(64);
  #done = 0;

  constructor(
    version: TorrentVersion,
    pieceLength: number,
    total: number,
    options: CreateTorrentOptions,
  ) {
    this.#v1 = version !== 2;
    this.#v2 = version !== 1;
    this.#pieceLength = pieceLength;
    this.#total = total;
    this.#options = options;
    this.#piece = new Uint8Array(this.#v1 ? pieceLength : 0);
  }

  /** Hashes one file; returns its v2 pieces root (null when v1-only or empty). */
  async addFile(file: SourceFile): Promise<{ root: Uint8Array | null }> {
    const tree = this.#v2 ? new FileTree(this.#pieceLength) : null;
    let seen = 0;
    const reader = file.stream().getReader();
    try {
      for (;;) {
        this.#options.signal?.throwIfAborted();
        const { value, done } = await reader.read();
        if (done) break;
        seen += value.length;
        if (seen > file.length) break;
        if (this.#v1) await this.#addV1(value);
        if (tree) await tree.add(value, this.#blockWindow);
        this.#done += value.length;
        this.#options.onProgress?.(this.#done, this.#total);
      }
    } finally {
      reader.releaseLock();
    }
    if (seen !== file.length) {
      throw new TypeError(
        `Cannot create a torrent: "${
          file.path.join("/")
        }" gave ${seen} bytes, expected ${file.length}`,
      );
    }
    if (!tree || file.length === 0) return { root: null };
    const { root, layer } = await tree.finish();
    if (layer) this.layers.set(toHex(root), layer);
    return { root };
  }

  /** Adds zero bytes (a hybrid's pad file) to the v1 piece stream. */
  addPadding(length: number): Promise<void> {
    return this.#addV1(new Uint8Array(length));
  }

  /** Waits for the last digests; returns the concatenated v1 piece hashes. */
  async finish(): Promise<Uint8Array> {
    if (this.#v1 && this.#filled > 0) {
      this.#pieces.push(sha1(this.#piece.subarray(0, this.#filled)));
    }
    return concatBytes(await Promise.all(this.#pieces));
  }

  async #addV1(data: Uint8Array): Promise<void> {
    for (let at = 0; at < data.length;) {
      const n = Math.min(this.#pieceLength - this.#filled, data.length - at);
      this.#piece.set(data.subarray(at, at + n), this.#filled);
      this.#filled += n;
      at += n;
      if (this.#filled === this.#pieceLength) {
        const digest = sha1(this.#piece);
        this.#pieces.push(digest);
        this.#piece = new Uint8Array(this.#pieceLength);
        this.#filled = 0;
        await this.#pieceWindow.add(digest);
      }
    }
  }
}

/** One file's BEP 52 merkle tree, built from its data as it streams by. */
class FileTree {
  #pieceLength: number;
  #block = new Uint8Array(BLOCK_SIZE);
  #blockFill = 0;
  #leaves: Promise<Uint8Array>[] = [];
  #pieceRoots: Promise<Uint8Array>[] = [];

  constructor(pieceLength: number) {
    this.#pieceLength = pieceLength;
  }

  /** Feeds file data. */
  async add(data: Uint8Array, window: Window): Promise<void> {
    for (let at = 0; at < data.length;) {
      const n = Math.min(BLOCK_SIZE - this.#blockFill, data.length - at);
      this.#block.set(data.subarray(at, at + n), this.#blockFill);
      this.#blockFill += n;
      at += n;
      if (this.#blockFill === BLOCK_SIZE) {
        const leaf = sha256(this.#block);
        this.#leaves.push(leaf);
        this.#block = new Uint8Array(BLOCK_SIZE);
        this.#blockFill = 0;
        if (this.#leaves.length === this.#pieceLength / BLOCK_SIZE) this.#closePiece();
        await window.add(leaf);
      }
    }
  }

  /** The file's pieces root, and its piece layer when longer than a piece. */
  async finish(): Promise<{ root: Uint8Array; layer: Uint8Array | null }> {
    if (this.#blockFill > 0) this.#leaves.push(sha256(this.#block.subarray(0, this.#blockFill)));
    if (this.#pieceRoots.length === 0) {
      const leaves = await Promise.all(this.#leaves);
      const root = await merkleRoot(leaves, nextPowerOfTwo(leaves.length), new Uint8Array(32));
      return { root, layer: null };
    }
    if (this.#leaves.length > 0) this.#closePiece();
    const layer = await Promise.all(this.#pieceRoots);
    if (layer.length === 1) return { root: layer[0]!, layer: null };
    return { root: await rootFromPieceLayer(layer, this.#pieceLength), layer: concatBytes(layer) };
  }

  /** Turns the leaves of one piece into that piece's subtree root. */
  #closePiece(): void {
    const leaves = this.#leaves.splice(0);
    const width = this.#pieceLength / BLOCK_SIZE;
    this.#pieceRoots.push(
      Promise.all(leaves).then((l) => merkleRoot(l, width, new Uint8Array(32))),
    );
  }
}

/** Bounds how many digests are in flight: `add` waits for the oldest. */
class Window {
  #size: number;
  #queue: Promise<unknown>[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  /** Tracks a digest; waits while too many are pending. */
  async add(pending: Promise<unknown>): Promise<void> {
    this.#queue.push(pending);
    if (this.#queue.length > this.#size) await this.#queue.shift();
  }
}
