/**
 * A torrent from a command-line argument: read from a `.torrent` file, or,
 * for a magnet link, fetched from the swarm with `--timeout`.
 *
 * @module
 */

import { parseAddress, type PeerAddress } from "../../transports/mod.ts";
import type { Client } from "../client.ts";
import type { Metainfo } from "../metainfo/types.ts";
import { type Io, UsageError } from "./_cli.ts";
import { loadTorrentOrMagnet } from "./_load.ts";

/** What fetching needs from the command line. */
export interface FetchInputs {
  /** `--peer` addresses. */
  peers: PeerAddress[];
  /** `--announce` URLs. */
  announce: string[];
  /** The parsed options: `timeout` (seconds), `json`, `quiet`. */
  values: { timeout?: string; json?: boolean; quiet?: boolean };
  /** Where the notice goes. */
  io: Io;
}

/**
 * Loads a `.torrent` file or fetches a magnet link's metadata.
 *
 * @param client The client to fetch with.
 * @param input A path or a magnet URI.
 * @param inputs Extra peers and trackers, the timeout, output options.
 * @returns The torrent, the peers to dial (`--peer` and a magnet's `x.pe`),
 *   and the files a magnet's `so` selects (null for all).
 * @throws {UsageError} For a bad `--timeout`.
 * @throws {Error} When the metadata did not arrive in time.
 */
export async function metaOrFetch(
  client: Client,
  input: string,
  inputs: FetchInputs,
): Promise<{ meta: Metainfo; peers: PeerAddress[]; select: number[] | null }> {
  const { values, io } = inputs;
  const seconds = values.timeout === undefined ? null : Number(values.timeout);
  if (seconds !== null && !(seconds > 0)) {
    throw new UsageError(`--timeout takes a number of seconds, not "${values.timeout}"`);
  }
  const loaded = await loadTorrentOrMagnet(input);
  if (loaded.kind === "torrent") return { meta: loaded.meta, peers: inputs.peers, select: null };
  const peers = [...inputs.peers, ...loaded.magnet.peers.flatMap(addressOrNothing)];
  if (!values.json && !values.quiet) io.err("fetching the metadata from peers...\n");
  try {
    const meta = await client.fetchMetadata(input, {
      peers,
      announce: inputs.announce,
      ...(seconds === null ? {} : { signal: AbortSignal.timeout(seconds * 1000) }),
    });
    return { meta, peers, select: loaded.magnet.select };
  } catch (error) {
    if ((error as Error).name !== "TimeoutError") throw error;
    throw new Error(`no peer sent the metadata within ${seconds} s`);
  }
}

function addressOrNothing(text: string): PeerAddress[] {
  try {
    return [parseAddress(text)];
  } catch {
    return [];
  }
}
