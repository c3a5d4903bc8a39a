/**
 * A storage that keeps a torrent's files in a download folder, the way
 * other clients do, with a resume file so that a restart need not re-hash.
 *
 * @module
 */

import { toHex, utf8 } from "../bytes.ts";
import { isNotFound } from "../fs/not_found.ts";
import type { FileSystem } from "../fs/types.ts";
import { type Limits, resolveLimits } from "../limits.ts";
import { sha256 } from "../metainfo/hash.ts";
import { fileSystem } from "../runtime.ts";
import { HandleCache } from "./_handle_cache.ts";
import { decodeResume, encodeResume, type FileStamp } from "./_resume.ts";
import { MissingDataError } from "./errors.ts";
import { checkRange, fileSpans, layoutKey, pieceSize, piecesOfFile } from "./layout.ts";
import type { Storage, StorageFactory, StorageLayout } from "./types.ts";

/**
 * Options for {@link fsStorage}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { fsStorage, type FsStorageOptions } from "./fs.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const options: FsStorageOptions = { stateDir: `${dir}/state`, limits: { maxOpenFiles: 8 } };
 * const file = { path: ["a"], length: 5, offset: 0, attr: "", padding: false, piecesRoot: null };
 * const layout = { name: "a", pieceLength: 16384, pieceCount: 1, files: [file] };
 * const storage = await fsStorage(`${dir}/data`, options)(layout);
 * await storage.write(0, 0, new Uint8Array(5));
 * await storage.markComplete(0, true);
 * await storage.close();
 * strictEqual((await Deno.stat(`${dir}/state/.a.resume`)).isFile, true); // the resume file
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export interface FsStorageOptions {
  /** Folder for the resume file; defaults to the download folder. */
  stateDir?: string;
  /** Bounds; `maxOpenFiles` (default 64) caps the open file handles per torrent. */
  limits?: Partial<Limits>;
  /** The filesystem to use; defaults to the runtime's (Deno's or Node's). */
  fileSystem?: FileSystem;
}

/** Names longer than this (in UTF-8 bytes) give their resume file a hashed name. */
const MAX_RESUME_NAME_BYTES = 240;

/** Files stat'ed at once when a storage opens. */
const STAT_CONCURRENCY = 32;

/**
 * Makes storages that keep each torrent's files under `dir`: a single-file
 * torrent at `<dir>/<name>`, a multi-file one under `<dir>/<name>/`, as
 * `TorrentFile.path` says (every path is checked again to stay inside
 * `dir`). Reads and writes are positional and go straight to the files
 * (nothing is buffered), a piece that spans files is split among them, and
 * at most `limits.maxOpenFiles` of the torrent's files are open at once
 * (least recently used closed first; the resume file is opened besides,
 * while it is saved). Writes skip the page cache where they can
 * (`OpenOptions.direct`: aligned ranges on Linux, which is what whole
 * pieces of a file usually are), so a file open for writing may take two
 * descriptors. Files are created, with their folders, at their first
 * write and are sparse: nothing is pre-allocated. Empty files are created
 * when the storage opens; pad files are never created, and their ranges read
 * as zeros. Reading bytes that are not on disk (a missing file, or past a
 * file's end) throws {@link MissingDataError}; a file missing when the
 * storage opened and not written since is known to be missing without
 * touching the disk, so checking a new download costs nothing.
 *
 * ## Completion and the resume file
 *
 * Completion lives in `<stateDir>/.<name>.resume` (a SHA-256 of the name
 * for names over 240 bytes), a JSON file holding the complete pieces, a
 * hash of the layout and each file's size and modification time. It is only
 * ever replaced whole: written to `.<name>.resume.tmp`, synced, renamed over
 * the old one, and the folder synced.
 *
 * It never claims a piece whose data is not on disk, even when the process
 * is killed at any instant (SIGKILL) or the machine loses power:
 *
 * 1. A save snapshots the complete pieces first, then syncs every file
 *    written since its last sync (handles closed in between were synced as
 *    they closed) and every file of a newly complete piece not yet synced
 *    since the storage opened (its data may predate the process: a recheck
 *    after a crash), and only then writes the resume file. Each piece in the
 *    snapshot was marked after its data had been written, so that data is on
 *    disk before any resume file lists the piece.
 * 2. The rename is atomic: after a crash the resume file is either the old
 *    one or the new one, never a mix, and each was valid when written.
 * 3. Data of a listed piece is never overwritten while a resume file on disk
 *    lists it: writing to a complete piece first marks it incomplete, and
 *    that waits for a resume file without it to be durable. So the old
 *    resume file that survives a crash still describes the data on disk.
 * 4. `markComplete` resolves only once a resume file with the new state is
 *    durable (calls made together share one save), as the contract asks;
 *    `close` syncs everything and saves a last time.
 * 5. When the storage opens, a resume file written for another layout is
 *    ignored, and a piece is dropped when any of its files now differs in
 *    size or modification time from the resume file: it was changed, or
 *    written after the last save (a crash mid-download), or removed. The
 *    pieces still listed are those whose files are as they were when their
 *    data was on disk.
 * 6. If a sync ever fails, nothing is saved again: the data it covered may
 *    be lost.
 *
 * With no (usable) resume file nothing is complete; run `checkStorage` to
 * find the pieces already on disk.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { fsStorage } from "./fs.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const file = { path: ["a.bin"], length: 5, offset: 0, attr: "", padding: false, piecesRoot: null };
 * const layout = { name: "a.bin", pieceLength: 16384, pieceCount: 1, files: [file] };
 * const storage = await fsStorage(dir)(layout);
 * await storage.write(0, 0, new Uint8Array([1, 2, 3, 4, 5]));
 * await storage.markComplete(0, true);
 * await storage.close();
 * deepStrictEqual(await Deno.readFile(`${dir}/a.bin`), new Uint8Array([1, 2, 3, 4, 5]));
 * const again = await fsStorage(dir)(layout);
 * deepStrictEqual(await again.completed(), new Set([0]));
 * await again.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param dir The download folder.
 * @param options Where the resume file goes, bounds, and the filesystem.
 * @returns A factory of filesystem storages.
 */
export function fsStorage(dir: string, options: FsStorageOptions = {}): StorageFactory {
  return async (layout) => {
    const fs = options.fileSystem ?? await fileSystem();
    const root = trimSlashes(dir);
    const stateDir = trimSlashes(options.stateDir ?? dir);
    const storage = new FsStorage(fs, layout, {
      paths: layout.files.map((f) => f.padding ? null : joinInside(root, f.path)),
      stateDir,
      resumePath: joinInside(stateDir, [await resumeName(layout.name)]),
      fingerprint: toHex(await sha256(utf8(layoutKey(layout)))),
      maxOpenFiles: resolveLimits(options.limits).maxOpenFiles,
    });
    try {
      await storage.load();
    } catch (error) {
      await storage.close().catch(() => {});
      throw error;
    }
    return storage;
  };
}

/** Where a storage keeps things. */
interface Places {
  /** Each file's path; `null` for pad files. */
  paths: (string | null)[];
  stateDir: string;
  resumePath: string;
  /** Hex SHA-256 of the layout's key. */
  fingerprint: string;
  maxOpenFiles: number;
}

/** One torrent in a download folder. */
class FsStorage implements Storage {
  #fs: FileSystem;
  #layout: StorageLayout;
  #places: Places;
  #cache: HandleCache;
  #complete = new Set<number>();
  /** Each file's size and mtime as last seen; `null` for pad and missing files. */
  #stamps: (FileStamp | null)[];
  /** Files written since their stamp was taken. */
  #touched = new Set<number>();
  /** Pieces marked complete since the last save. */
  #fresh = new Set<number>();
  /** Files synced since the storage opened: their older data is durable too. */
  #synced = new Set<number>();
  /** Files written to since the storage opened. */
  #written = new Set<number>();
  /** Bumped by every change a resume file should record. */
  #version = 0;
  #savedVersion = 0;
  #saving: Promise<void> | null = null;
  #pending = new Set<Promise<void>>();
  #closing: Promise<void> | null = null;

  constructor(fs: FileSystem, layout: StorageLayout, places: Places) {
    this.#fs = fs;
    this.#layout = layout;
    this.#places = places;
    this.#cache = new HandleCache(fs, places.maxOpenFiles);
    this.#stamps = layout.files.map(() => null);
  }

  /** Reads the resume file, keeps what still holds, and creates empty files. */
  async load(): Promise<void> {
    const files = this.#layout.files;
    await forEachLimited(files.length, STAT_CONCURRENCY, async (i) => {
      this.#stamps[i] = await this.#stat(i);
      if (files[i]!.length === 0 && this.#stamps[i] === null) {
        await this.#cache.use(this.#places.paths[i]!, true, () => Promise.resolve());
        this.#stamps[i] = await this.#stat(i);
      }
    });
    const resume = await this.#readResume();
    if (!resume) return;
    this.#complete = resume.complete;
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      if (file.padding || file.length === 0) continue;
      const then = resume.files[i];
      const now = this.#stamps[i];
      if (then && now && then.size === now.size && then.mtime === now.mtime) continue;
      const [first, end] = piecesOfFile(this.#layout, file);
      for (let piece = first; piece < end; piece++) {
        if (this.#complete.delete(piece)) this.#version = 1;
      }
    }
  }

  read(piece: number, offset: number, length: number): Promise<Uint8Array> {
    return this.#track(async () => {
      checkRange(this.#layout, piece, offset, length);
      const spans = fileSpans(this.#layout, piece, offset, length);
      const absent = spans.find((span) => this.#isAbsent(span.file));
      if (absent) {
        const name = this.#layout.files[absent.file]!.path.join("/");
        throw new MissingDataError(piece, `"${name}" does not exist`);
      }
      const out = new Uint8Array(length);
      await Promise.all(
        spans.map(async (span) => {
          const path = this.#places.paths[span.file];
          if (path === null || path === undefined) return; // a pad file: zeros
          const name = this.#layout.files[span.file]!.path.join("/");
          const part = out.subarray(span.at, span.at + span.length);
          let n: number;
          try {
            n = await this.#cache.use(path, false, (h) => h.read(part, span.position));
          } catch (error) {
            if (isNotFound(error)) throw new MissingDataError(piece, `"${name}" does not exist`);
            throw error;
          }
          if (n < span.length) {
            throw new MissingDataError(piece, `"${name}" ends at byte ${span.position + n}`);
          }
        }),
      );
      return out;
    });
  }

  write(piece: number, offset: number, data: Uint8Array): Promise<void> {
    return this.#track(async () => {
      checkRange(this.#layout, piece, offset, data.length);
      if (this.#complete.has(piece)) await this.#setComplete(piece, false);
      await Promise.all(
        fileSpans(this.#layout, piece, offset, data.length).map(async (span) => {
          const path = this.#places.paths[span.file];
          if (path === null || path === undefined) return; // pad files are never written
          try {
            this.#written.add(span.file);
            await this.#cache.use(
              path,
              true,
              (h) => h.write(data.subarray(span.at, span.at + span.length), span.position),
            );
          } finally {
            this.#touched.add(span.file);
          }
        }),
      );
    });
  }

  markComplete(piece: number, complete: boolean): Promise<void> {
    return this.#track(() => this.#setComplete(piece, complete));
  }

  completed(): Promise<Set<number>> {
    return this.#track(() => Promise.resolve(new Set(this.#complete)));
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await Promise.all(this.#pending);
    try {
      if (this.#touched.size > 0) this.#version++;
      await this.#persist(this.#version);
    } finally {
      await this.#cache.close();
    }
  }

  /** Whether a file (not a pad file) was missing when last seen and has not been written since. */
  #isAbsent(file: number): boolean {
    return this.#places.paths[file] != null && this.#stamps[file] === null &&
      !this.#written.has(file);
  }

  /** Runs a call unless closing, and lets `close` wait for it. */
  #track<T>(call: () => Promise<T>): Promise<T> {
    if (this.#closing) return Promise.reject(new Error("Cannot use a closed storage"));
    const result = call();
    const settled: Promise<void> = result.then(
      () => {},
      () => {},
    ).finally(() => this.#pending.delete(settled));
    this.#pending.add(settled);
    return result;
  }

  async #setComplete(piece: number, complete: boolean): Promise<void> {
    pieceSize(this.#layout, piece);
    if (complete !== this.#complete.has(piece)) {
      if (complete) {
        this.#complete.add(piece);
        this.#fresh.add(piece);
      } else {
        this.#complete.delete(piece);
        this.#fresh.delete(piece);
      }
      this.#version++;
    }
    await this.#persist(this.#version);
  }

  /** Saves until a resume file of at least `version` is durable; one save at a time. */
  async #persist(version: number): Promise<void> {
    while (this.#savedVersion < version) {
      this.#saving ??= this.#save().finally(() => {
        this.#saving = null;
      });
      await this.#saving;
    }
  }

  /** Writes a resume file of the current state, after syncing the data it relies on. */
  async #save(): Promise<void> {
    const version = this.#version;
    const complete = new Set(this.#complete);
    const touched = [...this.#touched];
    const fresh = [...this.#fresh];
    this.#touched.clear();
    this.#fresh.clear();
    try {
      await this.#cache.syncDirty();
      for (const file of touched) this.#synced.add(file);
      await this.#syncOlderData(fresh);
      await forEachLimited(touched.length, STAT_CONCURRENCY, async (i) => {
        const file = touched[i]!;
        this.#stamps[file] = await this.#stat(file);
      });
    } catch (error) {
      for (const file of touched) this.#touched.add(file);
      for (const piece of fresh) if (this.#complete.has(piece)) this.#fresh.add(piece);
      throw error;
    }
    const bytes = encodeResume(this.#places.fingerprint, this.#layout.pieceCount, {
      files: this.#stamps,
      complete,
    });
    const { resumePath, stateDir } = this.#places;
    const temporary = `${resumePath}.tmp`;
    const options = { write: true, create: true, truncate: true };
    const handle = await this.#fs.open(temporary, options).catch(async (error) => {
      if (!isNotFound(error)) throw error;
      await this.#fs.mkdir(stateDir);
      return this.#fs.open(temporary, options);
    });
    try {
      await handle.write(bytes, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.#fs.rename(temporary, resumePath);
    await this.#fs.syncDir(stateDir);
    this.#savedVersion = Math.max(this.#savedVersion, version);
  }

  /**
   * Syncs the files of newly complete pieces that this storage has not
   * synced: their data may come from before it opened (a recheck after a
   * crash, or files copied in) and sit unwritten in the page cache.
   */
  async #syncOlderData(pieces: readonly number[]): Promise<void> {
    const files = new Set<number>();
    for (const piece of pieces) {
      const size = pieceSize(this.#layout, piece);
      for (const span of fileSpans(this.#layout, piece, 0, size)) {
        if (!this.#synced.has(span.file) && this.#places.paths[span.file]) files.add(span.file);
      }
    }
    await Promise.all([...files].map(async (file) => {
      await this.#cache.sync(this.#places.paths[file]!);
      this.#synced.add(file);
    }));
  }

  async #readResume(): Promise<ReturnType<typeof decodeResume>> {
    let bytes: Uint8Array;
    try {
      bytes = await this.#fs.readFile(this.#places.resumePath);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    const { fingerprint } = this.#places;
    return decodeResume(bytes, fingerprint, this.#layout.pieceCount, this.#layout.files.length);
  }

  /** A file's stamp now; `null` for pad files and files that are not there. */
  async #stat(file: number): Promise<FileStamp | null> {
    const path = this.#places.paths[file];
    if (path === null || path === undefined) return null;
    try {
      const info = await this.#fs.stat(path);
      return info.isFile ? { size: info.size, mtime: info.mtime } : null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }
}

/** Joins path components to a folder, refusing any that could leave it. */
function joinInside(dir: string, components: readonly string[]): string {
  const bad = components.length === 0 ||
    components.some((c) => c === "" || c === "." || c === ".." || /[/\\\0]/.test(c));
  if (bad) {
    throw new TypeError(
      `Cannot store file ${JSON.stringify(components.join("/"))}: its path would leave the folder`,
    );
  }
  return [dir, ...components].join("/");
}

/** A folder's path without trailing separators (the root stays as it is). */
function trimSlashes(path: string): string {
  return path.replace(/[\\/]+$/, "") || path;
}

/** The resume file's name for a torrent name. */
async function resumeName(name: string): Promise<string> {
  if (utf8(name).length <= MAX_RESUME_NAME_BYTES) return `.${name}.resume`;
  return `.${toHex(await sha256(utf8(name)))}.resume`;
}

/** Calls `task(i)` for `i` in `0..count-1`, at most `limit` at a time. */
async function forEachLimited(
  count: number,
  limit: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}
