/**
 * Where the data of a new torrent comes from: the filesystem (Deno, Node) or
 * `File`/`Blob` objects (browsers, and anywhere `Blob` exists).
 *
 * @module
 */

import { fileSystem } from "../runtime.ts";
import type { SourceFile } from "./create_torrent.ts";

/**
 * Files ready for `createTorrent`, with the name and layout they suggest.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { type Sources, sourcesFromPath } from "./sources.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "hello");
 * const sources: Sources = await sourcesFromPath(dir);
 * deepStrictEqual([sources.folder, sources.files.map((file) => [file.path, file.length])], [true, [[["a.txt"], 5]]]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export interface Sources {
  /** The file or folder's name: the torrent's name. */
  name: string;
  /** The files, in byte order of their paths. */
  files: SourceFile[];
  /** True for a folder (a multi-file torrent, even with one file). */
  folder: boolean;
}

/**
 * Reads a file or a folder (recursively; symbolic links to folders are not
 * followed) from the filesystem.
 *
 * @example
 * ```ts ignore
 * import { createTorrent, sourcesFromPath } from "../../mod.ts";
 * const { name, files, folder } = await sourcesFromPath("./my-folder");
 * const torrent = await createTorrent(files, { name, folder });
 * ```
 *
 * @param path A file or folder.
 * @returns The files, each streamed from disk when hashed.
 */
export async function sourcesFromPath(path: string): Promise<Sources> {
  const fs = await fileSystem();
  const root = path.replace(/[\\/]+$/, "") || path;
  const name = root.split(/[\\/]/).pop() || root;
  const info = await fs.stat(root);
  if (info.isFile) {
    return {
      name,
      files: [{ path: [name], length: info.size, stream: () => fs.readStream(root) }],
      folder: false,
    };
  }
  if (!info.isDirectory) throw new TypeError(`Cannot read "${path}": not a file or a folder`);
  const files: SourceFile[] = [];
  const walk = async (dir: string, prefix: string[]): Promise<void> => {
    const entries = await fs.readDir(dir);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = `${dir}/${entry.name}`;
      const stat = await fs.stat(full);
      if (stat.isDirectory && !entry.isSymlink) await walk(full, [...prefix, entry.name]);
      else if (stat.isFile) {
        files.push({
          path: [...prefix, entry.name],
          length: stat.size,
          stream: () => fs.readStream(full),
        });
      }
    }
  };
  await walk(root, []);
  if (files.length === 0) throw new TypeError(`Cannot create a torrent: "${path}" holds no files`);
  return { name, files, folder: true };
}

/**
 * Turns `File` objects (from an `<input type="file" webkitdirectory>` or a
 * drop) into sources; a file's `webkitRelativePath`, when set, gives its
 * place in the folder.
 *
 * @param blobs The files.
 * @returns One source per file.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { createTorrent } from "./create_torrent.ts";
 * import { parseTorrent } from "./parse_torrent.ts";
 * import { sourcesFromBlobs } from "./sources.ts";
 *
 * const files = sourcesFromBlobs([new File(["hello"], "hello.txt")]);
 * deepStrictEqual(files.map((file) => [file.path, file.length]), [[["hello.txt"], 5]]);
 * strictEqual((await parseTorrent(await createTorrent(files))).name, "hello.txt");
 * ```
 */
export function sourcesFromBlobs(blobs: readonly File[]): SourceFile[] {
  return blobs.map((blob) => {
    const relative = (blob as File & { webkitRelativePath?: string }).webkitRelativePath;
    const path = relative ? relative.split("/").slice(1) : [blob.name];
    return { path, length: blob.size, stream: () => blob.stream() };
  });
}
