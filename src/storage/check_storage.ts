/**
 * Re-hashes what a storage holds, to find the pieces already there (after a
 * crash, a lost resume file, or files copied in by hand).
 *
 * @module
 */

import type { Metainfo } from "../metainfo/types.ts";
import { MissingDataError } from "./errors.ts";
import { pieceSize } from "./layout.ts";
import type { Storage } from "./types.ts";
import { verifyPiece } from "./verify.ts";

/**
 * Options for {@link checkStorage}.
 *
 * @example
 * ```ts
 * import { rejects, strictEqual } from "node:assert/strict";
 * import { createTorrent } from "../metainfo/create_torrent.ts";
 * import { parseTorrent } from "../metainfo/parse_torrent.ts";
 * import { checkStorage, type CheckStorageOptions } from "./check_storage.ts";
 * import { memoryStorage } from "./memory.ts";
 *
 * const data = new Uint8Array(40000);
 * const file = { path: ["a"], length: data.length, stream: () => new Blob([data]).stream() };
 * const meta = await parseTorrent(await createTorrent([file], { pieceLength: 16384 }));
 * const storage = await memoryStorage()(meta);
 * const left: number[] = [];
 * const options: CheckStorageOptions = { onProgress: (done, total) => left.push(total - done) };
 * await checkStorage(meta, storage, options);
 * strictEqual(left.length, 3); // once per piece
 * strictEqual(left.at(-1), 0);
 * const aborted = AbortSignal.abort();
 * await rejects(checkStorage(meta, storage, { signal: aborted }), { name: "AbortError" });
 * ```
 */
export interface CheckStorageOptions {
  /** Called after each piece with the bytes checked so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Stops the check; the pieces marked so far stay marked. */
  signal?: AbortSignal;
}

/** Pieces read and hashed at once: enough to keep the disk and the hash threads busy. */
const IN_FLIGHT = 4;

/**
 * Reads and hashes every piece of a storage, then marks complete exactly
 * the pieces whose data is valid and marks incomplete every other piece
 * that was marked complete. A piece whose data is not there (a missing file,
 * a file too short) is simply incomplete.
 *
 * Pieces are read whole, a few at a time, and hashed through WebCrypto while
 * the next ones are read.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { createTorrent } from "../metainfo/create_torrent.ts";
 * import { parseTorrent } from "../metainfo/parse_torrent.ts";
 * import { checkStorage } from "./check_storage.ts";
 * import { memoryStorage } from "./memory.ts";
 *
 * const data = new Uint8Array(40000).fill(7);
 * const file = { path: ["a.bin"], length: data.length, stream: () => new Blob([data]).stream() };
 * const meta = await parseTorrent(await createTorrent([file], { pieceLength: 16384 }));
 * const storage = await memoryStorage()(meta);
 * await storage.write(1, 0, data.subarray(16384, 32768));
 * deepStrictEqual(await checkStorage(meta, storage), new Set([1]));
 * deepStrictEqual(await storage.completed(), new Set([1]));
 * ```
 *
 * @param meta The torrent.
 * @param storage Its storage.
 * @param options Progress and cancellation.
 * @returns The valid pieces.
 * @throws {Error} What a read throws other than {@link MissingDataError}, and
 * the signal's reason when aborted.
 */
export async function checkStorage(
  meta: Metainfo,
  storage: Storage,
  options: CheckStorageOptions = {},
): Promise<Set<number>> {
  const { onProgress, signal } = options;
  signal?.throwIfAborted();
  const marked = await storage.completed();
  const sizes = Array.from({ length: meta.pieceCount }, (_, piece) => pieceSize(meta, piece));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const valid = new Set<number>();
  const marks: Promise<void>[] = [];
  let failure: { error: unknown } | null = null;
  let next = 0;
  let done = 0;

  const check = async (piece: number): Promise<boolean> => {
    try {
      return await verifyPiece(meta, piece, await storage.read(piece, 0, sizes[piece]!));
    } catch (error) {
      if (error instanceof MissingDataError) return false;
      throw error;
    }
  };
  const worker = async (): Promise<void> => {
    try {
      while (next < meta.pieceCount && !failure) {
        signal?.throwIfAborted();
        const piece = next++;
        const ok = await check(piece);
        if (ok) valid.add(piece);
        // Marks are not awaited one by one, so that they share resume saves.
        if (ok !== marked.has(piece)) {
          marks.push(
            storage.markComplete(piece, ok).catch((error) => {
              failure ??= { error };
            }),
          );
        }
        done += sizes[piece]!;
        onProgress?.(done, total);
      }
    } catch (error) {
      failure ??= { error };
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await Promise.all(marks);
  if (failure) throw (failure as { error: unknown }).error;
  return valid;
}
