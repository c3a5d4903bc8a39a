/**
 * `torrent magnet <file.torrent>`: prints the torrent's magnet link.
 *
 * @module
 */

import { formatMagnet } from "../metainfo/magnet.ts";
import { magnetOf } from "../metainfo/magnet_of.ts";
import { type Command, parse, UsageError } from "./_cli.ts";
import { loadTorrentFile } from "./_load.ts";

/** The `magnet` subcommand. */
export const magnetCommand: Command = {
  summary: "print the magnet link of a .torrent file",
  usage: `Usage: torrent magnet <file.torrent>

Prints the magnet link: info hash (v1, v2 or both), name, length, trackers
and web seeds.`,
  async run(args, io) {
    const { positionals } = parse(args, {});
    if (positionals.length !== 1) throw new UsageError("magnet takes one .torrent file");
    const meta = await loadTorrentFile(positionals[0]!);
    io.out(formatMagnet(magnetOf(meta)) + "\n");
  },
};
