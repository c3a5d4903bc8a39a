/**
 * The filesystem operations the library needs, implemented once for Deno and
 * once for Node.
 *
 * Errors are the runtime's own; both runtimes give a missing path the code
 * `ENOENT` (see `isNotFound`).
 *
 * @module
 */

/** What `stat` tells about a path (links followed). */
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

/** One directory entry. */
export interface DirEntry {
  /** The entry's name. */
  name: string;
  /** A symbolic link (not followed). */
  isSymlink: boolean;
}

/** How to open a file; with no options, for reading only. */
export interface OpenOptions {
  /** Open for writing as well as reading. */
  write?: boolean;
  /** Create the file when it does not exist (needs `write`). */
  create?: boolean;
  /** Cut the file to zero bytes on opening (needs `write`). */
  truncate?: boolean;
}

/**
 * An open file with positional reads and writes: each call names its
 * position, so calls never disturb one another.
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

/** Filesystem access for one runtime. */
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
