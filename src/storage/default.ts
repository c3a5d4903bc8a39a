/**
 * The storage a torrent gets when the caller names none.
 *
 * @module
 */

import { runtime } from "../runtime.ts";
import { fsStorage } from "./fs.ts";
import { idbStorage } from "./idb.ts";
import { memoryStorage } from "./memory.ts";
import type { StorageFactory } from "./types.ts";

/**
 * The storage for this runtime: IndexedDB in browsers; files under `dir` in
 * Deno and Node when a folder is given, pieces in memory otherwise.
 *
 * @example
 * ```ts
 * import { defaultStorage } from "./default.ts";
 * const inMemory = defaultStorage();
 * const onDisk = defaultStorage("./downloads");
 * console.assert(typeof inMemory === "function" && typeof onDisk === "function");
 * ```
 *
 * @param dir The download folder.
 * @returns A storage factory.
 */
export function defaultStorage(dir?: string): StorageFactory {
  if (runtime === "browser") return idbStorage();
  if (dir !== undefined) return fsStorage(dir);
  return memoryStorage();
}
