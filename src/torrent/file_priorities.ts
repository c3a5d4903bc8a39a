/**
 * Piece priorities from file priorities and readers: a piece gets the
 * highest priority of the files it holds bytes of (pad files aside) and of
 * the readers that want it. Pieces shared by a selected and an unselected
 * file are downloaded, since the selected file needs them.
 *
 * @module
 */

import type { StorageLayout } from "../storage/types.ts";
import { piecesOfFile } from "../storage/layout.ts";
import { DEFAULT_PRIORITY, MAX_PRIORITY } from "../swarm/picker.ts";

/**
 * One piece's wanted state, for `Torrent.prioritize`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { PiecePriority } from "./file_priorities.ts";
 *
 * // Piece 12 at the top priority, needed within half a second; piece 13 skipped.
 * const changes: PiecePriority[] = [
 *   { piece: 12, priority: 7, deadline: performance.now() + 500 },
 *   { piece: 13, priority: 0 },
 * ];
 * strictEqual(changes.length, 2); // torrent.prioritize(changes)
 * ```
 */
export interface PiecePriority {
  /** The piece index. */
  piece: number;
  /** 0 (skip) to {@link MAX_PRIORITY}. */
  priority: number;
  /** When a reader needs it (ms, `performance.now()` clock), or undefined. */
  deadline?: number;
}

/** What a reader wants: per piece, a priority and maybe a deadline. */
export type ReaderWants = Map<number, { priority: number; deadline?: number }>;

/**
 * File and reader priorities of one torrent, turned into piece priorities.
 *
 * @example
 * ```ts
 * import { FilePriorities } from "./file_priorities.ts";
 * const file = (offset: number, length: number) =>
 *   ({ path: ["f"], length, offset, attr: "", padding: false, piecesRoot: null });
 * const layout = { name: "t", pieceLength: 10, pieceCount: 3, files: [file(0, 15), file(15, 15)] };
 * const priorities = new FilePriorities(layout);
 * const changed = priorities.setFile(1, 0); // piece 1 is shared with file 0: still wanted
 * console.assert(changed.length === 1 && changed[0]!.piece === 2 && changed[0]!.priority === 0);
 * ```
 */
export class FilePriorities {
  #layout: StorageLayout;
  /** Indexes into `layout.files` of the files that are not padding. */
  readonly fileIndexes: readonly number[];
  #files: Uint8Array;
  #readers = new Map<object, ReaderWants>();
  #current: Uint8Array;
  #deadlines = new Map<number, number>();

  /** @param layout The torrent's layout; every file starts at the default priority. */
  constructor(layout: StorageLayout) {
    this.#layout = layout;
    this.fileIndexes = layout.files.flatMap((file, i) => file.padding ? [] : [i]);
    this.#files = new Uint8Array(this.fileIndexes.length).fill(DEFAULT_PRIORITY);
    this.#current = new Uint8Array(layout.pieceCount);
    for (let piece = 0; piece < layout.pieceCount; piece++) {
      this.#current[piece] = this.#computed(piece).priority;
    }
  }

  /**
   * A file's priority.
   *
   * @param file Index among the files that are not padding.
   * @returns 0 (not selected) to {@link MAX_PRIORITY}.
   */
  file(file: number): number {
    return this.#files[this.#checkFile(file)]!;
  }

  /**
   * Sets a file's priority.
   *
   * @param file Index among the files that are not padding.
   * @param priority 0 (skip) to {@link MAX_PRIORITY}.
   * @returns The pieces whose priority changed.
   * @throws {RangeError} For a file or priority out of range.
   */
  setFile(file: number, priority: number): PiecePriority[] {
    this.#checkFile(file);
    if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
      throw new RangeError(`Priority ${priority} is not an integer from 0 to ${MAX_PRIORITY}`);
    }
    this.#files[file] = priority;
    const [first, end] = piecesOfFile(this.#layout, this.#layout.files[this.fileIndexes[file]!]!);
    return this.#update(range(first, end));
  }

  /**
   * Sets what one reader wants, replacing what it wanted before.
   *
   * @param reader The reader (any object, as a key).
   * @param wants Per piece, a priority and maybe a deadline; empty to release.
   * @returns The pieces whose priority or deadline changed.
   */
  setReader(reader: object, wants: ReaderWants): PiecePriority[] {
    const before = this.#readers.get(reader);
    if (wants.size === 0) this.#readers.delete(reader);
    else this.#readers.set(reader, wants);
    return this.#update(new Set([...(before?.keys() ?? []), ...wants.keys()]));
  }

  #update(pieces: Iterable<number>): PiecePriority[] {
    const changed: PiecePriority[] = [];
    for (const piece of pieces) {
      const next = this.#computed(piece);
      if (
        next.priority === this.#current[piece] && next.deadline === this.#deadlines.get(piece)
      ) continue;
      this.#current[piece] = next.priority;
      if (next.deadline === undefined) this.#deadlines.delete(piece);
      else this.#deadlines.set(piece, next.deadline);
      changed.push(next);
    }
    return changed;
  }

  #computed(piece: number): PiecePriority {
    let priority = 0;
    let deadline: number | undefined;
    const start = piece * this.#layout.pieceLength;
    const end = start + this.#layout.pieceLength;
    for (let i = this.#firstEndingAfter(start); i < this.fileIndexes.length; i++) {
      const file = this.#layout.files[this.fileIndexes[i]!]!;
      if (file.offset >= end) break;
      if (file.length > 0 && file.offset + file.length > start) {
        priority = Math.max(priority, this.#files[i]!);
      }
    }
    for (const wants of this.#readers.values()) {
      const want = wants.get(piece);
      if (!want) continue;
      priority = Math.max(priority, want.priority);
      if (want.deadline !== undefined) deadline = Math.min(deadline ?? Infinity, want.deadline);
    }
    return deadline === undefined ? { piece, priority } : { piece, priority, deadline };
  }

  /** Index (among the files that are not padding) of the first file ending after `position`. */
  #firstEndingAfter(position: number): number {
    let low = 0;
    let high = this.fileIndexes.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const file = this.#layout.files[this.fileIndexes[mid]!]!;
      if (file.offset + file.length <= position) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  #checkFile(file: number): number {
    if (!Number.isInteger(file) || file < 0 || file >= this.fileIndexes.length) {
      throw new RangeError(`File ${file} is out of range (${this.fileIndexes.length} files)`);
    }
    return file;
  }
}

function range(first: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - first) }, (_, i) => first + i);
}
