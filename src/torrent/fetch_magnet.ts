/**
 * Turns a magnet link into a parsed torrent: finds peers through every
 * source the client has (the magnet's `x.pe` peers and trackers, peers
 * given by the caller, the DHT), fetches the info dictionary from them with
 * a {@link MetadataFetch}, and parses it only after it matched the info hash.
 *
 * @module
 */

import { parseAddress, type PeerAddress, type Transport } from "../../transports/mod.ts";
import { fromHex } from "../bytes.ts";
import { Announcer } from "../discovery/announcer.ts";
import type { SwarmLookup } from "../discovery/types.ts";
import type { UdpTrackerClient } from "../discovery/udp_tracker.ts";
import type { Limits } from "../limits.ts";
import { MetainfoError } from "../errors.ts";
import { decodeBencode } from "../metainfo/bencode.ts";
import type { Magnet } from "../metainfo/magnet.ts";
import { parseInfo } from "../metainfo/parse_torrent.ts";
import type { Metainfo } from "../metainfo/types.ts";
import { MetadataFetch } from "./metadata_fetch.ts";
import { fetchPieceLayers } from "./piece_layer_fetch.ts";
import type { EncryptionPolicy } from "../wire/mse/policy.ts";

/** What fetching a magnet's metadata needs from the client. */
export interface FetchMagnetOptions {
  /** Our 20-byte peer id. */
  peerId: Uint8Array;
  /** The port we accept peers on (0 when not listening). */
  port: number;
  /** Transports to dial with. */
  transports: readonly Transport[];
  /** Bounds, `maxMetadataBytes` among them. */
  limits: Limits;
  /** When to use MSE on the connections we dial; default `"prefer"`. */
  encryption?: EncryptionPolicy;
  /** More peers to ask, besides the magnet's `x.pe`. */
  peers?: readonly PeerAddress[];
  /** More tracker URLs, besides the magnet's `tr`. */
  announce?: readonly string[];
  /** The client's UDP tracker client. */
  udpTracker?: UdpTrackerClient;
  /** The DHT, when the client runs one. */
  dht?: SwarmLookup;
  /** Gives up (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** A magnet's torrent, and peers that had its metadata. */
export interface FetchedMagnet {
  /** The parsed torrent; its trackers are the magnet's. */
  meta: Metainfo;
  /** Peers worth dialling for the data: the magnet's, the caller's and those that sent metadata. */
  peers: PeerAddress[];
}

/**
 * Fetches and parses a magnet link's metadata.
 *
 * @param magnet The parsed magnet link.
 * @param options The client's settings and extra peer sources.
 * @returns The torrent and peers to dial.
 * @throws {MetainfoError} When the dictionary matches the hash but is not a valid torrent.
 * @throws {Error} With `signal`'s reason when aborted before the metadata arrived.
 */
export async function fetchMagnet(
  magnet: Magnet,
  options: FetchMagnetOptions,
): Promise<FetchedMagnet> {
  options.signal?.throwIfAborted();
  const hashes = {
    v1: magnet.infoHash ? fromHex(magnet.infoHash) : null,
    v2: magnet.infoHashV2 ? fromHex(magnet.infoHashV2) : null,
  };
  const wireHash = hashes.v1 ?? hashes.v2!.subarray(0, 20);
  const fetch = new MetadataFetch({ hashes, ...options });
  const given = [...magnetPeers(magnet), ...(options.peers ?? [])];
  fetch.addPeers(given);
  const trackers = [...magnet.trackers, ...(options.announce ?? [])];
  const announcer = trackers.length === 0 ? null : new Announcer({
    infoHash: wireHash,
    peerId: options.peerId,
    port: options.port,
    trackers: trackers.map((url) => [url]),
    stats: () => ({ uploaded: 0, downloaded: 0, left: 1 }), // unknown until the metadata arrives
    limits: options.limits,
    ...(options.udpTracker ? { udpTracker: options.udpTracker } : {}),
  });
  announcer?.start();
  (async () => {
    for await (const candidate of announcer ?? []) fetch.addPeers([candidate.address]);
  })();
  const stopDht = options.dht?.track(wireHash, options.port, (peer) => fetch.addPeers([peer]));
  const abort = () => fetch.close(options.signal?.reason);
  options.signal?.addEventListener("abort", abort, { once: true });
  try {
    const { info, peers } = await fetch.result;
    const meta = await metainfoOf(info, magnet, options.limits);
    if (meta.version === 2) meta.pieceLayers = await fetchPieceLayers(meta, peers, options);
    return { meta, peers: [...given, ...peers] };
  } finally {
    options.signal?.removeEventListener("abort", abort);
    stopDht?.();
    await announcer?.stop();
  }
}

/**
 * The torrent of a verified info dictionary. Piece layers (BEP 52) are not
 * part of the info dictionary: a hybrid torrent checks its pieces with its
 * v1 hashes without them; a v2-only one fetches them next.
 */
async function metainfoOf(info: Uint8Array, magnet: Magnet, limits: Limits): Promise<Metainfo> {
  const { value } = decodeBencode(info, limits);
  if (typeof value !== "object" || value instanceof Uint8Array || Array.isArray(value)) {
    throw new MetainfoError("the fetched info dictionary is not a dictionary");
  }
  const parsed = await parseInfo(value, info, limits);
  return {
    ...parsed,
    pieceLayers: new Map(),
    announce: magnet.trackers.map((url) => [url]),
    urlList: magnet.webSeeds,
    creationDate: null,
    comment: null,
    createdBy: null,
  };
}

function magnetPeers(magnet: Magnet): PeerAddress[] {
  const out: PeerAddress[] = [];
  for (const text of magnet.peers) {
    try {
      out.push(parseAddress(text));
    } catch {
      // A malformed x.pe is skipped; the others still help.
    }
  }
  return out;
}
