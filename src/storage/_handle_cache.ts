/**
 * A bounded least-recently-used cache of open file handles, shared by the
 * calls of one filesystem storage.
 *
 * @module
 */

import { isNotFound } from "../fs/not_found.ts";
import type { FileHandle, FileSystem } from "../fs/types.ts";

/** One cached handle. */
interface Entry {
  path: string;
  writable: boolean;
  handle: Promise<FileHandle>;
  /** Calls using the handle now; only an unused handle is closed. */
  users: number;
  /** Written since its last sync. */
  dirty: boolean;
}

/**
 * Keeps at most `capacity` files open. A call waits when every handle is in
 * use; the least recently used idle handle is closed to make room, synced
 * first when it was written, so that closing never loses the durability a
 * later {@link HandleCache.syncDirty} promises.
 */
export class HandleCache {
  #fs: FileSystem;
  #capacity: number;
  /** In least- to most-recently-used order. */
  #entries = new Map<string, Entry>();
  /** Handles open, being opened or being closed. */
  #open = 0;
  #waiting: (() => void)[] = [];
  /** Why a sync failed: after that, what was written may not be on disk, so nothing is ever called durable again. */
  #syncFailure: { error: unknown } | null = null;

  /**
   * Makes an empty cache.
   *
   * @param fs The filesystem.
   * @param capacity Most handles open at once (at least 1).
   */
  constructor(fs: FileSystem, capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`maxOpenFiles must be a positive integer, got ${capacity}`);
    }
    this.#fs = fs;
    this.#capacity = capacity;
  }

  /**
   * Runs `call` with an open handle of `path`. With `write`, the file is
   * opened for writing, created (with its folders) when missing, and
   * counted as dirty once the call ends.
   */
  async use<T>(path: string, write: boolean, call: (handle: FileHandle) => Promise<T>): Promise<T> {
    const entry = await this.#acquire(path, write);
    try {
      return await call(await entry.handle);
    } finally {
      // Set after the write ends, so a sync that began meanwhile is not
      // taken to cover it.
      if (write) entry.dirty = true;
      entry.users--;
      this.#wake();
    }
  }

  /**
   * Syncs every handle written since its last sync (handles closed since
   * were synced as they closed).
   *
   * @throws The error of any sync that ever failed in this cache.
   */
  async syncDirty(): Promise<void> {
    this.#throwIfSyncFailed();
    const syncs: Promise<void>[] = [];
    for (const entry of this.#entries.values()) {
      if (!entry.dirty) continue;
      entry.dirty = false;
      entry.users++;
      syncs.push(
        entry.handle.then((h) => this.#sync(h)).finally(() => {
          entry.users--;
          this.#wake();
        }),
      );
    }
    await Promise.all(syncs);
  }

  /**
   * Syncs one file through a handle opened for reading (or the cached one).
   *
   * @throws {Error} When the file cannot be opened or synced.
   */
  sync(path: string): Promise<void> {
    return this.use(path, false, (handle) => this.#sync(handle));
  }

  /**
   * Syncs and closes every handle; the calls using them must have ended.
   *
   * @throws The first error of a sync or close, once all are done.
   */
  async close(): Promise<void> {
    const results = await Promise.allSettled(
      [...this.#entries.values()].map((entry) => this.#evict(entry)),
    );
    for (const result of results) if (result.status === "rejected") throw result.reason;
    this.#throwIfSyncFailed();
  }

  async #acquire(path: string, write: boolean): Promise<Entry> {
    for (;;) {
      const cached = this.#entries.get(path);
      if (cached && (cached.writable || !write)) {
        this.#entries.delete(path);
        this.#entries.set(path, cached);
        cached.users++;
        return cached;
      }
      if (cached) {
        // Open for reading but needed for writing: reopen once it is idle.
        if (cached.users > 0) await this.#released();
        else await this.#evict(cached);
        continue;
      }
      if (this.#open >= this.#capacity) {
        const idle = [...this.#entries.values()].find((e) => e.users === 0);
        if (idle) await this.#evict(idle);
        else await this.#released();
        continue;
      }
      this.#open++;
      const entry: Entry = {
        path,
        writable: write,
        handle: this.#openFile(path, write).catch((error) => {
          if (this.#entries.get(path) === entry) this.#entries.delete(path);
          this.#open--;
          this.#wake();
          throw error;
        }),
        users: 1,
        dirty: false,
      };
      this.#entries.set(path, entry);
      return entry;
    }
  }

  async #openFile(path: string, write: boolean): Promise<FileHandle> {
    if (!write) return await this.#fs.open(path);
    // Direct: a storage's writes are whole verified pieces, read back seldom.
    const options = { write: true, create: true, direct: true };
    try {
      return await this.#fs.open(path, options);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.#fs.mkdir(path.slice(0, path.lastIndexOf("/")));
      return await this.#fs.open(path, options);
    }
  }

  /** Removes an idle entry and closes its handle, syncing it when written. */
  async #evict(entry: Entry): Promise<void> {
    if (this.#entries.get(entry.path) !== entry) return;
    this.#entries.delete(entry.path);
    let handle: FileHandle;
    try {
      handle = await entry.handle;
    } catch {
      return; // a failed open has already given its place back
    }
    try {
      if (entry.dirty) await this.#sync(handle);
    } finally {
      try {
        await handle.close();
      } finally {
        this.#open--;
        this.#wake();
      }
    }
  }

  /** Syncs a handle, remembering a failure for good. */
  async #sync(handle: FileHandle): Promise<void> {
    try {
      await handle.sync();
    } catch (error) {
      this.#syncFailure ??= { error };
      throw error;
    }
  }

  #throwIfSyncFailed(): void {
    if (this.#syncFailure) throw this.#syncFailure.error;
  }

  /** Resolves the next time a handle is released or closed. */
  #released(): Promise<void> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #wake(): void {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}
