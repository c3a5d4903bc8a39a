/**
 * {@link FileSystem} over Deno's APIs.
 *
 * @module
 */

import { DirectWriter } from "./_direct.ts";
import type { FileHandle, FileSystem } from "./types.ts";

/** Deno's filesystem. */
export const denoFileSystem: FileSystem = {
  async stat(path) {
    const info = await Deno.stat(path);
    return {
      isFile: info.isFile,
      isDirectory: info.isDirectory,
      size: info.size,
      mtime: info.mtime?.getTime() ?? null,
    };
  },
  async readDir(path) {
    const entries = [];
    for await (const entry of Deno.readDir(path)) {
      entries.push({ name: entry.name, isSymlink: entry.isSymlink });
    }
    return entries;
  },
  readStream(path) {
    let file: Deno.FsFile | undefined;
    return new ReadableStream<Uint8Array>({
      async start() {
        file = await Deno.open(path);
      },
      async pull(controller) {
        const buffer = new Uint8Array(1 << 20);
        const n = await file!.read(buffer);
        if (n === null) {
          file!.close();
          controller.close();
        } else {
          controller.enqueue(buffer.subarray(0, n));
        }
      },
      cancel() {
        file?.close();
      },
    });
  },
  readFile: (path) => Deno.readFile(path),
  writeFile: (path, data) => Deno.writeFile(path, data),
  async open(path, options = {}) {
    const write = options.write ?? false;
    const file = await Deno.open(path, {
      read: true,
      write,
      create: write && (options.create ?? false),
      truncate: write && (options.truncate ?? false),
    });
    let direct = null;
    try {
      if (write && options.direct) direct = await DirectWriter.open(path);
    } catch (error) {
      file.close();
      throw error;
    }
    return new DenoFileHandle(file, direct);
  },
  mkdir: (path) => Deno.mkdir(path, { recursive: true }),
  rename: (from, to) => Deno.rename(from, to),
  async syncDir(path) {
    if (Deno.build.os === "windows") return;
    const dir = await Deno.open(path, { read: true });
    try {
      await dir.sync();
    } finally {
      dir.close();
    }
  },
};

/**
 * A Deno file with positional calls. Deno has no `pread`/`pwrite`, so each
 * call seeks and then reads or writes; calls on one handle run one at a
 * time so that a seek is never separated from its read. Direct writes, when
 * asked for, go through a second descriptor (node:fs, which has `pwrite`),
 * in the same queue.
 */
class DenoFileHandle implements FileHandle {
  #file: Deno.FsFile;
  #direct: DirectWriter | null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(file: Deno.FsFile, direct: DirectWriter | null) {
    this.#file = file;
    this.#direct = direct;
  }

  read(buffer: Uint8Array, position: number): Promise<number> {
    return this.#serial(async () => {
      await this.#file.seek(position, Deno.SeekMode.Start);
      let done = 0;
      while (done < buffer.length) {
        const n = await this.#file.read(buffer.subarray(done));
        if (n === null) break;
        done += n;
      }
      return done;
    });
  }

  write(data: Uint8Array, position: number): Promise<void> {
    const buffered = (part: Uint8Array, at: number) => this.#writeBuffered(part, at);
    return this.#serial(() =>
      this.#direct ? this.#direct.write(data, position, buffered) : buffered(data, position)
    );
  }

  /** Syncs the file: fsync covers the inode, so the direct descriptor's writes too. */
  sync(): Promise<void> {
    return this.#serial(() => this.#file.sync());
  }

  close(): Promise<void> {
    return this.#serial(async () => {
      try {
        await this.#direct?.close();
      } finally {
        this.#file.close();
      }
    });
  }

  async #writeBuffered(data: Uint8Array, position: number): Promise<void> {
    await this.#file.seek(position, Deno.SeekMode.Start);
    for (let done = 0; done < data.length;) {
      done += await this.#file.write(data.subarray(done));
    }
  }

  /** Runs `op` after every call made before it has settled. */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(op);
    this.#queue = result.catch(() => {});
    return result;
  }
}
