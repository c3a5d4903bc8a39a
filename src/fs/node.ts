/**
 * {@link FileSystem} over Node's `node:fs`.
 *
 * @module
 */

import { constants, createReadStream } from "node:fs";
import {
  type FileHandle as NodeHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  stat,
  writeFile,
} from "node:fs/promises";
import process from "node:process";
import { Readable } from "node:stream";
import type { FileHandle, FileSystem } from "./types.ts";

/** Node's filesystem. */
export const nodeFileSystem: FileSystem = {
  async stat(path) {
    const info = await stat(path);
    return {
      isFile: info.isFile(),
      isDirectory: info.isDirectory(),
      size: info.size,
      mtime: Math.floor(info.mtimeMs),
    };
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
  async open(path, options = {}) {
    let flags = constants.O_RDONLY;
    if (options.write) {
      flags = constants.O_RDWR;
      if (options.create) flags |= constants.O_CREAT;
      if (options.truncate) flags |= constants.O_TRUNC;
    }
    return new NodeFileHandle(await open(path, flags));
  },
  async mkdir(path) {
    await mkdir(path, { recursive: true });
  },
  rename: (from, to) => rename(from, to),
  async syncDir(path) {
    if (process.platform === "win32") return;
    const dir = await open(path, constants.O_RDONLY);
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  },
};

/** A Node `FileHandle`, whose reads and writes take a position natively. */
class NodeFileHandle implements FileHandle {
  #handle: NodeHandle;

  constructor(handle: NodeHandle) {
    this.#handle = handle;
  }

  async read(buffer: Uint8Array, position: number): Promise<number> {
    let done = 0;
    while (done < buffer.length) {
      const { bytesRead } = await this.#handle.read(
        buffer,
        done,
        buffer.length - done,
        position + done,
      );
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    for (let done = 0; done < data.length;) {
      const { bytesWritten } = await this.#handle.write(
        data,
        done,
        data.length - done,
        position + done,
      );
      done += bytesWritten;
    }
  }

  sync(): Promise<void> {
    return this.#handle.sync();
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}
