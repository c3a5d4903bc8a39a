/**
 * The filesystem operations the library needs, implemented once for Deno and
 * once for Node.
 *
 * Errors are the runtime's own; both runtimes give a missing path the code
 * `ENOENT` (see `isNotFound`).
 *
 * @module
 */

/**
 * What `stat` tells about a path (links followed).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { fileSystem } from "../runtime.ts";
 * import type { PathInfo } from "./types.ts";
 *
 * const fs = await fileSystem();
 * const dir = await Deno.makeTempDir();
 * await fs.writeFile(`${dir}/a.txt`, new Uint8Array(3));
 * const info: PathInfo = await fs.stat(`${dir}/a.txt`);
 * strictEqual(info.isFile && !info.isDirectory, true);
 * strictEqual(info.size, 3);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export interface PathInfo {
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** Size in bytes. */
  size: number;
  /** Last modification, in whole milliseconds since the epoch, or `null` where the platform has none. */
  mtime: number | null;
}

/**
 * One directory entry.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { fileSystem } from "../runtime.ts";
 * import type { DirEntry } from "./types.ts";
 *
 * const fs = await fileSystem();
 * const dir = await Deno.makeTempDir();
 * await fs.writeFile(`${dir}/a.txt`, new Uint8Array());
 * const entries: DirEntry[] = await fs.readDir(dir);
 * deepStrictEqual(entries, [{ name: "a.txt", isSymlink: false }]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export interface DirEntry {
  /** The entry's name. */
  name: string;
  /** A symbolic link (not followed). */
  isSymlink: boolean;
}

/**
 * How to open a file; with no options, for reading only.
 *
 * @example
 * ```ts
 * import { rejects, strictEqual } from "node:assert/strict";
 * import { fileSystem } from "../runtime.ts";
 * import { isNotFound } from "./not_found.ts";
 * import type { OpenOptions } from "./types.ts";
 *
 * const fs = await fileSystem();
 * const dir = await Deno.makeTempDir();
 * await rejects(fs.open(`${dir}/a.bin`), isNotFound); // reading only: it must exist
 * const options: OpenOptions = { write: true, create: true, truncate: true };
 * await (await fs.open(`${dir}/a.bin`, options)).close();
 * strictEqual((await fs.stat(`${dir}/a.bin`)).size, 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export interface OpenOptions {
  /** Open for writing as well as reading. */
  write?: boolean;
  /** Create the file when it does not exist (needs `write`). */
  create?: boolean;
  /** Cut the file to zero bytes on opening (needs `write`). */
  truncate?: boolean;
  /**
   * Write 4096-byte-aligned ranges past the page cache (`O_DIRECT`) where
   * the platform and filesystem allow it, the rest as usual (needs
   * `write`). For big writes that will not be read back soon: they skip a
   * copy into the page cache. Reads, `sync` and what reads see are as
   * without it. Takes a second file descriptor while open.
   */
  direct?: boolean;
}

/**
 * An open file with positional reads and writes: each call names its
 * position, so calls never disturb one another.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { fileSystem } from "../runtime.ts";
 * import type { FileHandle } from "./types.ts";
 *
 * const fs = await fileSystem();
 * const dir = await Deno.makeTempDir();
 * const file: FileHandle = await fs.open(`${dir}/a.bin`, { write: true, create: true });
 * await file.write(new Uint8Array([1, 2, 3]), 10); // past the end: the gap reads as zeros
 * const buffer = new Uint8Array(16);
 * strictEqual(await file.read(buffer, 8), 5); // up to the end of the file
 * deepStrictEqual(buffer.subarray(0, 5), new Uint8Array([0, 0, 1, 2, 3]));
 * await file.sync();
 * await file.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export interface FileHandle {
  /**
   * Reads from `position` until `buffer` is full or the file ends.
   *
   * @returns The number of bytes read: less than `buffer.length` only at the end of the file.
   */
  read(buffer: Uint8Array, position: number): Promise<number>;
  /** Writes all of `data` at `position`, extending the file (sparsely) when it lies past the end. */
  write(data: Uint8Array, position: number): Promise<void>;
  /** Waits until the file's data has reached the disk (fsync). */
  sync(): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/**
 * Filesystem access for one runtime.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { fileSystem } from "../runtime.ts";
 * import type { FileSystem } from "./types.ts";
 *
 * const fs: FileSystem = await fileSystem(); // Deno's here, Node's under Node
 * const dir = await Deno.makeTempDir();
 * await fs.mkdir(`${dir}/a/b`);
 * await fs.writeFile(`${dir}/a/b/c.tmp`, new TextEncoder().encode("hi"));
 * await fs.rename(`${dir}/a/b/c.tmp`, `${dir}/a/b/c.txt`);
 * await fs.syncDir(`${dir}/a/b`); // the rename is durable
 * strictEqual(new TextDecoder().decode(await fs.readFile(`${dir}/a/b/c.txt`)), "hi");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export interface FileSystem {
  /** Describes a path, following links. */
  stat(path: string): Promise<PathInfo>;
  /** Lists a directory. */
  readDir(path: string): Promise<DirEntry[]>;
  /** Streams a file's contents. */
  readStream(path: string): ReadableStream<Uint8Array>;
  /** Reads a whole (small) file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Writes a whole file, replacing it. */
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /** Opens a file for positional reads (and writes). */
  open(path: string, options?: OpenOptions): Promise<FileHandle>;
  /** Creates a directory and any missing parents; an existing one is fine. */
  mkdir(path: string): Promise<void>;
  /** Renames a file, atomically replacing any file at `to`. */
  rename(from: string, to: string): Promise<void>;
  /**
   * Makes the entries of a directory (files created or renamed in it)
   * durable. Does nothing where the platform cannot sync a directory.
   */
  syncDir(path: string): Promise<void>;
}
