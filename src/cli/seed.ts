/**
 * `torrent seed <file.torrent> <dir>`: verifies the data, then seeds it
 * until interrupted.
 *
 * @module
 */

import { type Command, formatSize, parse, UsageError } from "./_cli.ts";
import { loadTorrentFile } from "./_load.ts";
import { startClient } from "./_add.ts";
import { interrupted, peerUsage, sessionInputs, sessionOptions, showProgress } from "./_session.ts";

/** The `seed` subcommand. */
export const seedCommand: Command = {
  summary: "verify a torrent's data and seed it until interrupted",
  usage: `Usage: torrent seed <file.torrent> <dir> [options]

Checks the data under <dir> (laid out as "download -o <dir>" leaves it:
<dir>/<name> for one file, <dir>/<name>/... for several), then seeds the
verified pieces until Ctrl-C.

Options:
  --peer HOST:PORT         a peer to dial (some clients do not dial loopback
                           peers they hear of from a tracker); repeatable
  --announce URL           an extra tracker (http, https, udp, ws, wss); repeatable
  --port N                 port to accept peers on (default 6881, 0 picks one)
${peerUsage}
  --json                   progress as newline-delimited JSON on stdout
  --quiet                  no progress output
  --limit-up RATE          most bytes per second sent, like 500K or 5M (K = 1024)`,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      ...sessionOptions,
      "limit-up": { type: "string" },
    });
    if (positionals.length !== 2) throw new UsageError("seed takes a .torrent file and a folder");
    const { peers, announce, ...where } = sessionInputs(values);
    const meta = await loadTorrentFile(positionals[0]!);
    const client = await startClient(where, values, io);
    const stop = interrupted();
    try {
      const torrent = await client.add(meta, { dir: positionals[1]!, peers, announce });
      if (torrent.verifiedBytes === 0) {
        throw new Error(`no verified data for "${meta.name}" under "${positionals[1]}"`);
      }
      if (!values.quiet && !values.json) {
        io.err(
          `seeding ${meta.name}: ${formatSize(torrent.verifiedBytes)} verified ` +
            `(${(torrent.progress * 100).toFixed(1)}%) on port ${client.port}\n`,
        );
      }
      await showProgress(torrent, io, values, stop.promise);
    } finally {
      stop.dispose();
      await client.close();
    }
  },
};
