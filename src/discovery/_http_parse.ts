/**
 * Parses HTTP tracker replies (bencoded dictionaries) into announce and
 * scrape results, refusing anything of the wrong shape.
 *
 * @module
 */

import type { PeerAddress } from "../../transports/mod.ts";
import { toHex } from "../bytes.ts";
import type { Limits } from "../limits.ts";
import { decodeBencode, keyBytes } from "../metainfo/bencode.ts";
import type { BencodeDict, BencodeValue } from "../metainfo/types.ts";
import { parseCompactPeers } from "./_compact.ts";
import { trackerText } from "./_text.ts";
import { TrackerError } from "./tracker_error.ts";
import type { AnnounceResponse, ScrapeResponse, ScrapeStats } from "./types.ts";

const lossyUtf8 = new TextDecoder();

/**
 * Parses an announce reply.
 *
 * @throws {TrackerError} `failure` for a `failure reason`, `malformed` for anything unusable.
 */
export function parseAnnounceReply(
  body: Uint8Array,
  tracker: string,
  limits: Partial<Limits>,
): AnnounceResponse {
  const reply = new Reply(body, tracker, limits);
  const peers = reply.peers();
  const peers6 = reply.bytes("peers6");
  if (peers6 !== null) peers.push(...reply.compact(peers6, 6, "peers6"));
  return {
    interval: reply.required(reply.int("interval"), "interval"),
    minInterval: reply.int("min interval"),
    trackerId: reply.text("tracker id"),
    complete: reply.int("complete"),
    incomplete: reply.int("incomplete"),
    peers,
    warning: reply.text("warning message"),
  };
}

/**
 * Parses a scrape reply: `files` maps raw 20-byte info hashes to counts.
 *
 * @throws {TrackerError} `failure` for a `failure reason`, `malformed` for anything unusable.
 */
export function parseScrapeReply(
  body: Uint8Array,
  tracker: string,
  limits: Partial<Limits>,
): ScrapeResponse {
  const reply = new Reply(body, tracker, limits);
  const files = reply.dict.files ?? {};
  if (!isDict(files)) throw reply.malformed(`"files" is not a dictionary`);
  const result: ScrapeResponse = new Map();
  for (const [key, value] of Object.entries(files)) {
    const hash = keyBytes(key);
    if (hash.length !== 20) throw reply.malformed(`"files" key is ${hash.length} bytes, not 20`);
    if (!isDict(value)) throw reply.malformed(`"files" entry is not a dictionary`);
    const entry = new Reply(value, tracker, limits);
    const stats: ScrapeStats = {
      complete: entry.int("complete") ?? 0,
      incomplete: entry.int("incomplete") ?? 0,
      downloaded: entry.int("downloaded") ?? 0,
    };
    result.set(toHex(hash), stats);
  }
  return result;
}

function isDict(value: BencodeValue | undefined): value is BencodeDict {
  return typeof value === "object" && !(value instanceof Uint8Array) && !Array.isArray(value);
}

/** Typed access to one reply dictionary; every fault is a `TrackerError`. */
class Reply {
  readonly dict: BencodeDict;
  readonly #tracker: string;
  readonly #limits: Partial<Limits>;

  constructor(source: Uint8Array | BencodeDict, tracker: string, limits: Partial<Limits>) {
    this.#tracker = tracker;
    this.#limits = limits;
    if (!(source instanceof Uint8Array)) {
      this.dict = source;
      return;
    }
    let value: BencodeValue;
    try {
      value = decodeBencode(source, limits).value;
    } catch (error) {
      throw new TrackerError(tracker, "malformed", `reply is not valid bencode`, { cause: error });
    }
    if (!isDict(value)) throw this.malformed("reply is not a dictionary");
    this.dict = value;
    const failure = this.text("failure reason");
    if (failure !== null) throw new TrackerError(tracker, "failure", failure);
  }

  malformed(message: string): TrackerError {
    return new TrackerError(this.#tracker, "malformed", message);
  }

  required<T>(value: T | null, key: string): T {
    if (value === null) throw this.malformed(`"${key}" is missing`);
    return value;
  }

  int(key: string): number | null {
    const value = this.dict[key];
    if (value === undefined) return null;
    if (typeof value !== "number" || value < 0) {
      throw this.malformed(`"${key}" is not a non-negative integer`);
    }
    return value;
  }

  bytes(key: string): Uint8Array | null {
    const value = this.dict[key];
    if (value === undefined) return null;
    if (!(value instanceof Uint8Array)) throw this.malformed(`"${key}" is not a string`);
    return value;
  }

  text(key: string): string | null {
    const value = this.bytes(key);
    return value === null ? null : trackerText(value);
  }

  compact(bytes: Uint8Array, family: 4 | 6, key: string): PeerAddress[] {
    const peers = parseCompactPeers(bytes, family);
    if (peers === null) {
      throw this.malformed(
        `"${key}" is ${bytes.length} bytes, not a multiple of ${family === 4 ? 6 : 18}`,
      );
    }
    return peers;
  }

  /** `peers`: compact bytes, or a list of `{ ip, port }` dictionaries. */
  peers(): PeerAddress[] {
    const value = this.dict.peers;
    if (value === undefined) return [];
    if (value instanceof Uint8Array) return this.compact(value, 4, "peers");
    if (!Array.isArray(value)) throw this.malformed(`"peers" is neither a string nor a list`);
    const peers: PeerAddress[] = [];
    for (const item of value) {
      if (!isDict(item)) throw this.malformed(`"peers" entry is not a dictionary`);
      const entry = new Reply(item, this.#tracker, this.#limits);
      const ip = entry.bytes("ip");
      const port = entry.int("port");
      const host = ip === null ? null : hostOf(ip);
      if (host === null || port === null || port > 65535) {
        throw this.malformed(`"peers" entry has no valid "ip" and "port"`);
      }
      if (port !== 0) peers.push({ host, port });
    }
    return peers;
  }
}

/** An `ip` value as a host (an IP literal or a name), or `null` when it cannot be one. */
function hostOf(ip: Uint8Array): string | null {
  if (ip.length === 0 || ip.length > 255) return null;
  const text = lossyUtf8.decode(ip).replace(/^\[(.*)\]$/, "$1");
  return /^[0-9A-Za-z.:%_-]+$/.test(text) ? text : null;
}
