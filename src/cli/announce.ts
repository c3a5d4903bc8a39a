/**
 * `torrent announce` and `torrent scrape`: ask a torrent's trackers for
 * peers, or for swarm counts.
 *
 * @module
 */

import { formatAddress } from "../../transports/mod.ts";
import { toHex } from "../bytes.ts";
import { makePeerId } from "../wire/peer_id.ts";
import { type Command, parse, UsageError } from "./_cli.ts";
import { wireInfoHash } from "./_info_hash.ts";
import { loadTorrentOrMagnet } from "./_load.ts";
import { announceAll, scrapeAll, trackersOf } from "./_trackers.ts";

const trackerOptions = {
  announce: { type: "string", multiple: true },
  json: { type: "boolean" },
} as const;

/** The `announce` subcommand. */
export const announceCommand: Command = {
  summary: "print the peers a torrent's trackers return",
  usage: `Usage: torrent announce <file.torrent|magnet> [--announce URL]... [--port N] [--json]

Announces to each tracker of the torrent (and those given), prints the peers
each returns, then announces "stopped". Exits 1 if no tracker answered.

Options:
  --announce URL   an extra tracker; repeatable
  --port N         the port to announce (default 6881)
  --json           one JSON object per tracker`,
  async run(args, io) {
    const { values, positionals } = parse(args, { ...trackerOptions, port: { type: "string" } });
    if (positionals.length !== 1) {
      throw new UsageError("announce takes one .torrent file or magnet");
    }
    const port = Number(values.port ?? 6881);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new UsageError(`--port takes a number from 1 to 65535, not "${values.port}"`);
    }
    const loaded = await loadTorrentOrMagnet(positionals[0]!);
    const trackers = trackersOf(loaded, values.announce ?? []);
    if (trackers.length === 0) throw new Error("the torrent names no tracker; give --announce URL");
    const left = loaded.kind === "torrent" ? loaded.meta.length : loaded.magnet.length ?? 1;
    const outcomes = await announceAll(trackers, {
      infoHash: wireInfoHash(loaded),
      peerId: makePeerId(),
      port,
      uploaded: 0,
      downloaded: 0,
      left,
    });
    for (const outcome of outcomes) {
      if (values.json) {
        io.out(
          JSON.stringify(
            outcome.ok
              ? {
                tracker: outcome.tracker,
                interval: outcome.value.interval,
                complete: outcome.value.complete,
                incomplete: outcome.value.incomplete,
                peers: outcome.value.peers.map(formatAddress),
                warning: outcome.value.warning,
              }
              : { tracker: outcome.tracker, error: outcome.error },
          ) + "\n",
        );
      } else if (outcome.ok) {
        const { peers, complete, incomplete, interval } = outcome.value;
        io.out(
          `${outcome.tracker}: ${peers.length} peers (seeds ${complete ?? "?"}, ` +
            `leechers ${incomplete ?? "?"}, interval ${interval} s)\n`,
        );
        for (const peer of peers) io.out(`  ${formatAddress(peer)}\n`);
      } else {
        io.out(`${outcome.tracker}: failed: ${outcome.error}\n`);
      }
    }
    if (!outcomes.some((o) => o.ok)) throw new Error("no tracker answered");
  },
};

/** The `scrape` subcommand. */
export const scrapeCommand: Command = {
  summary: "print seeds, leechers and completed downloads from a torrent's trackers",
  usage: `Usage: torrent scrape <file.torrent|magnet> [--announce URL]... [--json]

Scrapes each tracker of the torrent (and those given). Exits 1 if none answered.

Options:
  --announce URL   an extra tracker; repeatable
  --json           one JSON object per tracker`,
  async run(args, io) {
    const { values, positionals } = parse(args, trackerOptions);
    if (positionals.length !== 1) throw new UsageError("scrape takes one .torrent file or magnet");
    const loaded = await loadTorrentOrMagnet(positionals[0]!);
    const trackers = trackersOf(loaded, values.announce ?? []);
    if (trackers.length === 0) throw new Error("the torrent names no tracker; give --announce URL");
    const infoHash = wireInfoHash(loaded);
    const outcomes = await scrapeAll(trackers, infoHash);
    for (const outcome of outcomes) {
      const stats = outcome.ok ? outcome.value.get(toHex(infoHash)) ?? null : null;
      if (values.json) {
        io.out(
          JSON.stringify(
            outcome.ok ? { tracker: outcome.tracker, ...stats } : {
              tracker: outcome.tracker,
              error: outcome.error,
            },
          ) + "\n",
        );
      } else if (!outcome.ok) {
        io.out(`${outcome.tracker}: failed: ${outcome.error}\n`);
      } else {
        io.out(
          stats
            ? `${outcome.tracker}: seeds ${stats.complete}, leechers ${stats.incomplete}, ` +
              `completed ${stats.downloaded}\n`
            : `${outcome.tracker}: the tracker does not know this torrent\n`,
        );
      }
    }
    if (!outcomes.some((o) => o.ok)) throw new Error("no tracker answered");
  },
};
