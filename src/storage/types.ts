/**
 * The storage contract: piece-granular reads and writes, with completion as
 * part of the contract so that resume is never an afterthought.
 *
 * @module
 */

import type { TorrentFile } from "../metainfo/types.ts";

/**
 * How a torrent's pieces map onto its files: what a storage needs to know.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { createTorrent } from "../metainfo/create_torrent.ts";
 * import { parseTorrent } from "../metainfo/parse_torrent.ts";
 * import type { StorageLayout } from "./types.ts";
 *
 * const data = new Uint8Array(20000);
 * const file = { path: ["a.bin"], length: data.length, stream: () => new Blob([data]).stream() };
 * const bytes = await createTorrent([file], { pieceLength: 16384 });
 * const layout: StorageLayout = await parseTorrent(bytes); // a parsed torrent is a layout
 * strictEqual(layout.pieceCount, 2);
 * strictEqual(layout.files[0]!.length, 20000);
 * ```
 */
export interface StorageLayout {
  /** The torrent's name (the folder of a multi-file torrent). */
  name: string;
  /** Bytes per piece. */
  pieceLength: number;
  /** Number of pieces. */
  pieceCount: number;
  /** Files in torrent order with their offsets in piece space; pad files are never stored. */
  files: readonly TorrentFile[];
}

/**
 * Where a torrent's data lives. Offsets are within a piece; a read or write
 * may span files. Only verified pieces are ever marked complete.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, rejects } from "node:assert/strict";
 * import { memoryStorage } from "./memory.ts";
 * import type { Storage } from "./types.ts";
 *
 * const file = { path: ["a"], length: 4, offset: 0, attr: "", padding: false, piecesRoot: null };
 * const layout = { name: "a", pieceLength: 16384, pieceCount: 1, files: [file] };
 * const storage: Storage = await memoryStorage()(layout);
 * await storage.write(0, 0, new Uint8Array([1, 2, 3, 4]));
 * deepStrictEqual(await storage.read(0, 1, 2), new Uint8Array([2, 3]));
 * await rejects(storage.read(0, 2, 4), RangeError); // past the end of the piece
 * await storage.markComplete(0, true); // after verifying it
 * deepStrictEqual(await storage.completed(), new Set([0]));
 * await storage.close();
 * ```
 */
export interface Storage {
  /**
   * Reads bytes of a piece.
   *
   * @throws {RangeError} When the range is outside the piece.
   */
  read(piece: number, offset: number, length: number): Promise<Uint8Array>;
  /**
   * Writes bytes of a piece.
   *
   * @throws {RangeError} When the range is outside the piece.
   */
  write(piece: number, offset: number, data: Uint8Array): Promise<void>;
  /** Records that a piece is (or is no longer) complete and verified; durable once it resolves. */
  markComplete(piece: number, complete: boolean): Promise<void>;
  /** The pieces marked complete. */
  completed(): Promise<Set<number>>;
  /** Releases handles; pending writes are flushed first. */
  close(): Promise<void>;
}

/**
 * Makes the storage for one torrent.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { memoryStorage } from "./memory.ts";
 * import type { StorageFactory } from "./types.ts";
 *
 * const opened: string[] = [];
 * const memory = memoryStorage();
 * const logged: StorageFactory = (layout) => {
 *   opened.push(layout.name);
 *   return memory(layout);
 * };
 * const file = { path: ["a"], length: 4, offset: 0, attr: "", padding: false, piecesRoot: null };
 * await (await logged({ name: "a", pieceLength: 16384, pieceCount: 1, files: [file] })).close();
 * deepStrictEqual(opened, ["a"]);
 * ```
 */
export type StorageFactory = (layout: StorageLayout) => Promise<Storage>;
