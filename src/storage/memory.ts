/**
 * A storage that keeps pieces in memory: for tests, and for small torrents
 * where nothing should touch a disk.
 *
 * @module
 */

import { MissingDataError } from "./errors.ts";
import { checkRange, fileSpans, layoutKey, pieceSize } from "./layout.ts";
import type { Storage, StorageFactory, StorageLayout } from "./types.ts";

/** The data and completion of one torrent, kept by its factory. */
interface Held {
  pieces: Map<number, Uint8Array>;
  complete: Set<number>;
}

/**
 * Makes storages that hold pieces in memory. The factory keeps each
 * torrent's pieces and completion for as long as it lives, so a torrent
 * closed and opened again through the same factory finds its data (the
 * memory counterpart of a download folder).
 *
 * Pad-file ranges are never stored: they read as zeros whatever was written.
 * A piece never written reads as a {@link MissingDataError}; the unwritten
 * parts of a piece written in part read as zeros. Writing to a complete
 * piece marks it incomplete.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { memoryStorage } from "./memory.ts";
 *
 * const file = { path: ["a"], length: 5, offset: 0, attr: "", padding: false, piecesRoot: null };
 * const open = memoryStorage();
 * const storage = await open({ name: "a", pieceLength: 16384, pieceCount: 1, files: [file] });
 * await storage.write(0, 0, new Uint8Array([1, 2, 3, 4, 5]));
 * await storage.markComplete(0, true);
 * deepStrictEqual(await storage.read(0, 1, 3), new Uint8Array([2, 3, 4]));
 * deepStrictEqual(await storage.completed(), new Set([0]));
 * await storage.close();
 * ```
 *
 * @returns A factory of in-memory storages.
 */
export function memoryStorage(): StorageFactory {
  const torrents = new Map<string, Held>();
  return (layout) => {
    const key = layoutKey(layout);
    let held = torrents.get(key);
    if (!held) {
      held = { pieces: new Map(), complete: new Set() };
      torrents.set(key, held);
    }
    return Promise.resolve(new MemoryStorage(layout, held));
  };
}

/** One torrent's view of what its factory holds. */
class MemoryStorage implements Storage {
  #layout: StorageLayout;
  #held: Held;
  #closed = false;

  constructor(layout: StorageLayout, held: Held) {
    this.#layout = layout;
    this.#held = held;
  }

  read(piece: number, offset: number, length: number): Promise<Uint8Array> {
    return this.#run(() => {
      checkRange(this.#layout, piece, offset, length);
      const data = this.#held.pieces.get(piece);
      if (!data) throw new MissingDataError(piece, "it was never written");
      return data.slice(offset, offset + length);
    });
  }

  write(piece: number, offset: number, data: Uint8Array): Promise<void> {
    return this.#run(() => {
      const size = checkRange(this.#layout, piece, offset, data.length);
      this.#held.complete.delete(piece);
      let stored = this.#held.pieces.get(piece);
      if (!stored) {
        stored = new Uint8Array(size);
        this.#held.pieces.set(piece, stored);
      }
      for (const span of fileSpans(this.#layout, piece, offset, data.length)) {
        if (this.#layout.files[span.file]!.padding) continue;
        stored.set(data.subarray(span.at, span.at + span.length), offset + span.at);
      }
    });
  }

  markComplete(piece: number, complete: boolean): Promise<void> {
    return this.#run(() => {
      pieceSize(this.#layout, piece);
      if (complete) this.#held.complete.add(piece);
      else this.#held.complete.delete(piece);
    });
  }

  completed(): Promise<Set<number>> {
    return this.#run(() => new Set(this.#held.complete));
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** Runs a call as a promise, refusing it once closed. */
  #run<T>(call: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("Cannot use a closed storage"));
    try {
      return Promise.resolve(call());
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
