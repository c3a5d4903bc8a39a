/**
 * {@link FileSystem} over Node's `node:fs`.
 *
 * @module
 */

import { createReadStream } from "node:fs";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { Readable } from "node:stream";
import type { FileSystem } from "./types.ts";

/** Node's filesystem. */
export const nodeFileSystem: FileSystem = {
  async stat(path) {
    const info = await stat(path);
    return { isFile: info.isFile(), isDirectory: info.isDirectory(), size: info.size };
  },
  async readDir(path) {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, isSymlink: e.isSymbolicLink() }));
  },
  readStream(path) {
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    return Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>;
  },
  async readFile(path) {
    const data = await readFile(path);
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  },
  writeFile: (path, data) => writeFile(path, data),
};
