/**
 * A process for the crash tests to kill: it writes pieces to a filesystem
 * storage and says so on stdout, until SIGKILL stops it.
 *
 *     deno run -A _crash_child.ts <mode> <torrent file> <download folder> [<pieces folder>]
 *
 * `download` writes each piece (read from `<pieces folder>/<piece>`) in
 * 4 KiB runs and marks it complete, printing `marked <piece>`. `corrupt` overwrites complete pieces with other bytes,
 * printing `corrupted <piece>`, through a filesystem that reports no
 * modification times (so only the storage's own ordering keeps the resume
 * file honest).
 *
 * @module
 */

import { denoFileSystem } from "../../src/fs/deno.ts";
import type { FileSystem } from "../../src/fs/types.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { fsStorage } from "../../src/storage/fs.ts";
import { pieceSize } from "../../src/storage/layout.ts";
import { pseudoRandomBytes } from "../_data.ts";

/** Deno's filesystem with modification times hidden. */
export const noMtimeFileSystem: FileSystem = {
  ...denoFileSystem,
  stat: async (path) => ({ ...await denoFileSystem.stat(path), mtime: null }),
};

if (import.meta.main) {
  const [mode, torrentPath, dir, piecesDir] = Deno.args;
  const meta = await parseTorrent(await Deno.readFile(torrentPath!));
  const fileSystem = mode === "corrupt" ? noMtimeFileSystem : denoFileSystem;
  const storage = await fsStorage(dir!, { fileSystem })(meta);
  const out = (line: string) => Deno.stdout.write(new TextEncoder().encode(`${line}\n`));
  for (let piece = 0; piece < meta.pieceCount; piece++) {
    const size = pieceSize(meta, piece);
    const bytes = mode === "corrupt"
      ? pseudoRandomBytes(size, 1000 + piece)
      : await Deno.readFile(`${piecesDir}/${piece}`);
    for (let at = 0; at < size; at += 4096) {
      await storage.write(piece, at, bytes.subarray(at, at + 4096));
    }
    if (mode === "corrupt") await out(`corrupted ${piece}`);
    else {
      await storage.markComplete(piece, true);
      await out(`marked ${piece}`);
    }
  }
  await storage.close();
  await out("done");
}
