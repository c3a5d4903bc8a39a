/**
 * The filesystem operations the library needs, implemented once for Deno and
 * once for Node.
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
}

/** One directory entry. */
export interface DirEntry {
  /** The entry's name. */
  name: string;
  /** A symbolic link (not followed). */
  isSymlink: boolean;
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
}
