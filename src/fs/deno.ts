/**
 * {@link FileSystem} over Deno's APIs.
 *
 * @module
 */

import type { FileSystem } from "./types.ts";

/** Deno's filesystem. */
export const denoFileSystem: FileSystem = {
  async stat(path) {
    const info = await Deno.stat(path);
    return { isFile: info.isFile, isDirectory: info.isDirectory, size: info.size };
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
};
