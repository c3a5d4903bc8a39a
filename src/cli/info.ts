/**
 * `torrent info <file.torrent|magnet> [--json]`: what a torrent holds.
 *
 * @module
 */

import type { Magnet } from "../metainfo/magnet.ts";
import type { Metainfo } from "../metainfo/types.ts";
import { type Command, formatSize, parse, UsageError } from "./_cli.ts";
import { Client } from "../client.ts";
import { dhtFromArgs } from "./_dht.ts";
import { metaOrFetch } from "./_fetch.ts";
import { loadTorrentOrMagnet } from "./_load.ts";
import { sessionInputs, sessionOptions } from "./_session.ts";

/** The `--json` shape, one object. */
export interface InfoJson {
  name: string | null;
  infoHash: string | null;
  infoHashV2: string | null;
  pieceLength: number | null;
  pieceCount: number | null;
  length: number | null;
  files: { path: string; length: number }[];
  announce: string[];
  urlList: string[];
  private: boolean;
}

/** The `info` subcommand. */
export const infoCommand: Command = {
  summary: "show a torrent's name, hashes, pieces, files and trackers",
  usage: `Usage: torrent info <file.torrent|magnet> [--json] [--timeout S] [--offline]

Shows the name, info hash v1 and/or v2, piece length and count, total size,
files, trackers, web seeds and the private flag. For a magnet, the metadata
is fetched from the swarm first (the link's trackers and peers, --peer, the
DHT), checked against the info hash, and shown as for a file.

Options:
  --json                print one JSON object: name, infoHash, infoHashV2,
                        pieceLength, pieceCount, length, files [{path,
                        length}], announce, urlList, private
  --timeout S           give up fetching after S seconds (default 60)
  --offline             for a magnet, show only what the link carries
  --peer HOST:PORT      a peer to fetch the metadata from; repeatable
  --no-dht              do not use the DHT (on by default; needs --allow-env)
  --dht-port N          the DHT's own UDP port (default: share the client's)
  --dht-bootstrap LIST  HOST:PORT nodes to join the DHT through; repeatable`,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      json: { type: "boolean" },
      timeout: { type: "string", default: "60" },
      offline: { type: "boolean" },
      peer: sessionOptions.peer,
      "no-dht": sessionOptions["no-dht"],
      "dht-port": sessionOptions["dht-port"],
      "dht-bootstrap": sessionOptions["dht-bootstrap"],
    });
    if (positionals.length !== 1) throw new UsageError("info takes one .torrent file or magnet");
    let loaded = await loadTorrentOrMagnet(positionals[0]!);
    if (loaded.kind === "magnet" && !values.offline) {
      const { peers } = sessionInputs(values);
      const client = await Client.create({ listen: false, ...dhtFromArgs(values, io) });
      try {
        const inputs = { peers, announce: [], values: { ...values, quiet: true }, io };
        loaded = {
          kind: "torrent",
          meta: (await metaOrFetch(client, positionals[0]!, inputs)).meta,
        };
      } finally {
        await client.close();
      }
    }
    const json = loaded.kind === "torrent" ? torrentJson(loaded.meta) : magnetJson(loaded.magnet);
    if (values.json) io.out(JSON.stringify(json) + "\n");
    else io.out(describe(json, loaded.kind === "torrent" ? loaded.meta : null));
  },
};

function torrentJson(meta: Metainfo): InfoJson {
  return {
    name: meta.name,
    infoHash: meta.infoHash,
    infoHashV2: meta.infoHashV2,
    pieceLength: meta.pieceLength,
    pieceCount: meta.pieceCount,
    length: meta.length,
    files: meta.files.filter((f) => !f.padding).map((f) => ({
      path: f.path.join("/"),
      length: f.length,
    })),
    announce: meta.announce.flat(),
    urlList: meta.urlList,
    private: meta.private,
  };
}

function magnetJson(magnet: Magnet): InfoJson {
  return {
    name: magnet.name,
    infoHash: magnet.infoHash,
    infoHashV2: magnet.infoHashV2,
    pieceLength: null,
    pieceCount: null,
    length: magnet.length,
    files: [],
    announce: magnet.trackers,
    urlList: magnet.webSeeds,
    private: false,
  };
}

/** The human-readable report. */
function describe(info: InfoJson, meta: Metainfo | null): string {
  const lines: [string, string][] = [["name", info.name ?? "(unknown)"]];
  if (info.infoHash) lines.push(["info hash", info.infoHash]);
  if (info.infoHashV2) lines.push(["info hash v2", info.infoHashV2]);
  if (meta) {
    lines.push(["version", meta.version === "hybrid" ? "hybrid (v1 + v2)" : `v${meta.version}`]);
    lines.push(["piece length", formatSize(meta.pieceLength)]);
    lines.push(["pieces", String(meta.pieceCount)]);
  }
  if (info.length !== null) lines.push(["total size", formatSize(info.length)]);
  if (meta) lines.push(["private", meta.private ? "yes" : "no"]);
  if (meta?.createdBy) lines.push(["created by", meta.createdBy]);
  if (meta?.creationDate) lines.push(["created on", meta.creationDate.toISOString()]);
  if (meta?.comment) lines.push(["comment", meta.comment]);
  const tiers = meta ? meta.announce : info.announce.map((url) => [url]);
  tiers.forEach((tier, i) => lines.push([`tracker tier ${i + 1}`, tier.join(" ")]));
  for (const url of info.urlList) lines.push(["web seed", url]);
  const width = Math.max(...lines.map(([key]) => key.length)) + 2;
  let text = lines.map(([key, value]) => `${(key + ":").padEnd(width)}${value}\n`).join("");
  if (info.files.length > 0) {
    text += `files (${info.files.length}):\n`;
    const size = Math.max(...info.files.map((f) => String(f.length).length));
    for (const file of info.files) {
      text += `  ${String(file.length).padStart(size)}  ${file.path}\n`;
    }
  }
  return text;
}
