/**
 * How `download` and `serve` add the torrent they are given, with the
 * options they share beyond the session's: rate limits and file selection.
 *
 * @module
 */

import { type AddOptions, Client, type ClientOptions } from "../client.ts";
import { parseFileList } from "../stream/select_files.ts";
import type { Torrent } from "../torrent.ts";
import { type Io, parseBytes, UsageError } from "./_cli.ts";
import { dhtFromArgs, type DhtValues } from "./_dht.ts";
import { type FetchInputs, metaOrFetch } from "./_fetch.ts";

/** Rate limit, selection and magnet timeout options. */
export const addOptions = {
  timeout: { type: "string" },
  "limit-up": { type: "string" },
  "limit-down": { type: "string" },
  select: { type: "string" },
} as const;

/** Usage lines for {@link addOptions}. */
export const addUsage =
  `  --timeout S              for a magnet: give up fetching the metadata after S seconds
  --limit-up RATE          most bytes per second sent, like 500K or 5M (K = 1024)
  --limit-down RATE        most bytes per second received, like 500K or 5M
  --select LIST            download only these files (0,2,5-7; as "torrent info"
                           lists them)`;

/** The parsed values of {@link addOptions}. */
export interface AddValues {
  timeout?: string;
  "limit-up"?: string;
  "limit-down"?: string;
  select?: string;
}

/** Client-wide limits from the command line. */
export function limitInputs(values: AddValues): { limitUp?: number; limitDown?: number } {
  return {
    ...(values["limit-up"] ? { limitUp: parseBytes(values["limit-up"], "--limit-up") } : {}),
    ...(values["limit-down"]
      ? { limitDown: parseBytes(values["limit-down"], "--limit-down") }
      : {}),
  };
}

/**
 * Starts the client of `download`, `seed` or `serve`: its port,
 * transports and encryption, rate limits and DHT from the command line.
 *
 * @param where The port, transports, encryption and WebRTC settings from `sessionInputs`.
 * @param values The parsed options (limits, DHT).
 * @param io Where the DHT notice goes.
 * @returns The running client.
 */
export function startClient(
  where: Pick<ClientOptions, "port" | "transports" | "encryption" | "webrtc">,
  values: AddValues & DhtValues,
  io: Io,
): Promise<Client> {
  return Client.create({ ...where, ...limitInputs(values), ...dhtFromArgs(values, io) });
}

/** The file selection from the command line, if any. */
export function selectInput(values: AddValues): { select?: number[] } {
  if (values.select === undefined) return {};
  try {
    return { select: parseFileList(values.select) };
  } catch (error) {
    throw new UsageError(`--select: ${(error as Error).message}`);
  }
}

/**
 * Loads a `.torrent` file, or fetches a magnet link's metadata, and adds it.
 *
 * @param client The client.
 * @param input A path or magnet URI.
 * @param inputs `--peer`, `--announce`, `--timeout` and the output options.
 * @param options Where the data goes, selection (else a magnet's `so`), pausing.
 * @returns The torrent, dialling `--peer` and the magnet's `x.pe`.
 * @throws {Error} When the metadata did not arrive in time.
 */
export async function addNamedTorrent(
  client: Client,
  input: string,
  inputs: FetchInputs,
  options: Omit<AddOptions, "peers" | "announce">,
): Promise<Torrent> {
  const { meta, peers, select } = await metaOrFetch(client, input, inputs);
  return await client.add(meta, {
    ...(select ? { select } : {}),
    ...options,
    peers,
    announce: inputs.announce,
  });
}
