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
import { DirectWriter } from "./_direct.ts";
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
    const handle = await open(path, flags);
    const direct = options.write && options.direct ? await DirectWriter.open(path) : null;
    return new NodeFileHandle(handle, direct);
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

/**
 * A Node `FileHandle`, whose reads and writes take a position natively,
 * and optionally a second one for direct writes.
 */
class NodeFileHandle implements FileHandle {
  #handle: NodeHandle;
  #direct: DirectWriter | null;

  constructor(handle: NodeHandle, direct: DirectWriter | null) {
    this.#handle = handle;
    this.#direct = direct;
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

  write(data: Uint8Array, position: number): Promise<void> {
    const buffered = (part: Uint8Array, at: number) => this.#writeBuffered(part, at);
    return this.#direct ? this.#direct.write(data, position, buffered) : buffered(data, position);
  }

  async #writeBuffered(data: Uint8Array, position: number): Promise<void> {
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

  /** Syncs the file: fsync covers the inode, so the direct descriptor's writes too. */
  sync(): Promise<void> {
    return this.#handle.sync();
  }

  async close(): Promise<void> {
    try {
      await this.#direct?.close();
    } finally {
      await this.#handle.close();
    }
  }
}
