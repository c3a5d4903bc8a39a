/**
 * `torrent create <path> -o <out.torrent> ...`: makes a torrent of a file or
 * folder.
 *
 * @module
 */

import { createTorrent } from "../metainfo/create_torrent.ts";
import { parseTorrent } from "../metainfo/parse_torrent.ts";
import { sourcesFromPath } from "../metainfo/sources.ts";
import type { TorrentVersion } from "../metainfo/types.ts";
import { fileSystem } from "../runtime.ts";
import {
  type Command,
  formatSize,
  humanSize,
  type Io,
  parse,
  parseBytes,
  UsageError,
} from "./_cli.ts";

/** The `create` subcommand. */
export const createCommand: Command = {
  summary: "create a .torrent file from a file or folder",
  usage: `Usage: torrent create <path> -o <out.torrent> [options]

Hashes a file or folder and writes a .torrent file (v1 unless told).

Options:
  -o, --output FILE        where to write the .torrent file (required)
  --announce URL           tracker URL; repeat for several (one tier each)
  --webseed URL            web seed URL (BEP 19); repeatable
  --piece-length BYTES     bytes per piece: a power of two of 16K or more,
                           like 262144 or 256K (chosen from the size if absent)
  --private                set the private flag (BEP 27)
  --comment TEXT           free text
  --v2                     a v2-only torrent (BEP 52)
  --hybrid                 a hybrid v1 + v2 torrent`,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      output: { type: "string", short: "o" },
      announce: { type: "string", multiple: true },
      webseed: { type: "string", multiple: true },
      "piece-length": { type: "string" },
      private: { type: "boolean" },
      comment: { type: "string" },
      v2: { type: "boolean" },
      hybrid: { type: "boolean" },
    });
    if (positionals.length !== 1) throw new UsageError("create takes one file or folder");
    if (!values.output) throw new UsageError("create needs -o <out.torrent>");
    if (values.v2 && values.hybrid) throw new UsageError("--v2 and --hybrid exclude each other");
    for (const url of [...(values.announce ?? []), ...(values.webseed ?? [])]) {
      if (!URL.canParse(url)) throw new UsageError(`"${url}" is not a URL`);
    }
    const version: TorrentVersion = values.v2 ? 2 : values.hybrid ? "hybrid" : 1;
    const pieceLength = values["piece-length"] === undefined
      ? undefined
      : parseBytes(values["piece-length"], "--piece-length");

    const { name, files, folder } = await sourcesFromPath(positionals[0]!);
    const progress = progressLine(io);
    const torrent = await createTorrent(files, {
      name,
      folder,
      version,
      ...(pieceLength === undefined ? {} : { pieceLength }),
      announce: values.announce ?? [],
      urlList: values.webseed ?? [],
      private: values.private ?? false,
      ...(values.comment === undefined ? {} : { comment: values.comment }),
      onProgress: progress.update,
    });
    progress.end();
    const fs = await fileSystem();
    await fs.writeFile(values.output, torrent);
    const meta = await parseTorrent(torrent);
    io.out(
      `created ${values.output}: ${meta.name}, ${formatSize(meta.length)}, ` +
        `${meta.pieceCount} pieces of ${formatSize(meta.pieceLength)}\n`,
    );
    if (meta.infoHash) io.out(`info hash:    ${meta.infoHash}\n`);
    if (meta.infoHashV2) io.out(`info hash v2: ${meta.infoHashV2}\n`);
  },
};

/** A progress line on standard error: redrawn on a terminal, every 10% otherwise. */
function progressLine(io: Io): { update(done: number, total: number): void; end(): void } {
  let shown = -1;
  return {
    update(done, total) {
      const percent = Math.floor((done / total) * 100);
      if (percent === shown || (!io.errIsTerminal && percent % 10 !== 0)) return;
      shown = percent;
      const text = `hashing ${percent}% (${humanSize(done)} of ${humanSize(total)})`;
      io.err(io.errIsTerminal ? `\r${text}\x1b[K` : `${text}\n`);
    },
    end() {
      if (io.errIsTerminal && shown >= 0) io.err("\n");
    },
  };
}
