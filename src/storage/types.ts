/**
 * The storage contract: piece-granular reads and writes, with completion as
 * part of the contract so that resume is never an afterthought.
 *
 * @module
 */

import type { TorrentFile } from "../metainfo/types.ts";

/** How a torrent's pieces map onto its files: what a storage needs to know. */
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

/** Makes the storage for one torrent. */
export type StorageFactory = (layout: StorageLayout) => Promise<Storage>;
