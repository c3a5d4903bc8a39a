/**
 * HTTP(S) tracker client (BEP 3, BEP 23 compact peers, BEP 7 IPv6 peers,
 * BEP 48 scrape) over `fetch`. Every request is bounded in time
 * (`limits.trackerTimeoutMs`) and size (`limits.maxTrackerResponseBytes`,
 * then the bencode limits).
 *
 * @example
 * ```ts
 * import { announceHttp, scrapeUrlOf } from "./http_tracker.ts";
 * console.assert(scrapeUrlOf("http://127.0.0.1:6969/announce?pk=1") === "http://127.0.0.1:6969/scrape?pk=1");
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
 *   new Response("d8:intervali900e5:peers6:\x7f\x00\x00\x01\x1a\x1ae"));
 * const reply = await announceHttp(`http://127.0.0.1:${server.addr.port}/announce`, {
 *   infoHash: new Uint8Array(20), peerId: new Uint8Array(20), port: 6881,
 *   uploaded: 0, downloaded: 0, left: 0, event: "started",
 * });
 * console.assert(reply.interval === 900 && reply.peers[0]?.port === 6682);
 * await server.shutdown();
 * ```
 *
 * @module
 */

import { type Limits, resolveLimits } from "../limits.ts";
import { deadline } from "./_deadline.ts";
import { readBoundedBody } from "./_http_body.ts";
import { parseAnnounceReply, parseScrapeReply } from "./_http_parse.ts";
import { announceQuery, percentEncodeBytes, withQuery } from "./_http_query.ts";
import { checkAnnounceRequest } from "./_request.ts";
import { TrackerError } from "./tracker_error.ts";
import type { AnnounceRequest, AnnounceResponse, ScrapeResponse } from "./types.ts";

/** Options for HTTP tracker requests. */
export interface HttpTrackerOptions {
  /** Abandons the request; it then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Time and size bounds (`trackerTimeoutMs`, `maxTrackerResponseBytes`, bencode limits). */
  limits?: Partial<Limits>;
}

/**
 * Announces to an HTTP or HTTPS tracker.
 *
 * @param tracker The announce URL (may carry its own query, such as a passkey).
 * @param request Who we are and how far along.
 * @param options Abort signal and limits.
 * @returns The tracker's answer, IPv4 and IPv6 peers together.
 * @throws {TrackerError} When the tracker refuses, fails, answers garbage or too much, or too late.
 * @throws {TypeError} When the URL or request is invalid.
 */
export async function announceHttp(
  tracker: string,
  request: AnnounceRequest,
  options: HttpTrackerOptions = {},
): Promise<AnnounceResponse> {
  checkAnnounceRequest(request);
  const limits = resolveLimits(options.limits);
  const body = await get(
    tracker,
    withQuery(tracker, announceQuery(request)),
    limits,
    options.signal,
  );
  return parseAnnounceReply(body, tracker, limits);
}

/**
 * Scrapes an HTTP or HTTPS tracker for the counts of some torrents.
 *
 * @param tracker The announce URL; the scrape URL is derived from it ({@link scrapeUrlOf}).
 * @param infoHashes The 20-byte info hashes to ask about.
 * @param options Abort signal and limits.
 * @returns Counts by lower-case hex info hash, for the torrents the tracker knows.
 * @throws {TrackerError} When the tracker refuses, fails, answers garbage or too much, or too late.
 * @throws {TypeError} When no scrape URL can be derived, or a hash is not 20 bytes.
 */
export async function scrapeHttp(
  tracker: string,
  infoHashes: readonly Uint8Array[],
  options: HttpTrackerOptions = {},
): Promise<ScrapeResponse> {
  for (const hash of infoHashes) {
    if (hash.length !== 20) {
      throw new TypeError(`Cannot scrape: info hash is ${hash.length} bytes, not 20`);
    }
  }
  const limits = resolveLimits(options.limits);
  const query = infoHashes.map((hash) => `info_hash=${percentEncodeBytes(hash)}`).join("&");
  const body = await get(tracker, withQuery(scrapeUrlOf(tracker), query), limits, options.signal);
  return parseScrapeReply(body, tracker, limits);
}

/**
 * Derives a scrape URL by the usual convention: the last path segment must
 * start with `announce`, which becomes `scrape` (`/x/announce.php?k=1` →
 * `/x/scrape.php?k=1`).
 *
 * @param announce An HTTP(S) announce URL.
 * @returns The scrape URL.
 * @throws {TypeError} When the URL is not one, or its last path segment does not start with `announce`.
 */
export function scrapeUrlOf(announce: string): string {
  const url = new URL(announce);
  const slash = url.pathname.lastIndexOf("/");
  const last = url.pathname.slice(slash + 1);
  if (!last.startsWith("announce")) {
    throw new TypeError(
      `Cannot derive a scrape URL from ${url.origin}${url.pathname}: the last path segment does not start with "announce"`,
    );
  }
  url.pathname = `${url.pathname.slice(0, slash + 1)}scrape${last.slice("announce".length)}`;
  return url.href;
}

/** GETs a tracker URL and returns the body of a successful reply. */
async function get(
  tracker: string,
  url: string,
  limits: Limits,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const time = deadline(limits.trackerTimeoutMs, signal);
  try {
    const response = await fetch(url, { signal: time.signal });
    const body = await readBoundedBody(response, limits.maxTrackerResponseBytes);
    if (!response.ok) {
      // A refusing tracker may still explain itself with a `failure reason`.
      throwFailureReason(body, tracker, limits);
      throw new TrackerError(tracker, "failure", `HTTP ${response.status} ${response.statusText}`);
    }
    return body;
  } catch (error) {
    if (error instanceof TrackerError) throw error;
    if (signal?.aborted) throw signal.reason;
    if (time.timedOut()) {
      throw new TrackerError(tracker, "timeout", `no answer within ${limits.trackerTimeoutMs} ms`);
    }
    if (error instanceof RangeError) {
      throw new TrackerError(tracker, "malformed", error.message, { cause: error });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new TrackerError(tracker, "network", `cannot reach the tracker: ${reason}`, {
      cause: error,
    });
  } finally {
    time.clear();
  }
}

/** Throws the `failure reason` of an error reply, if it has one. */
function throwFailureReason(body: Uint8Array, tracker: string, limits: Limits): void {
  try {
    parseAnnounceReply(body, tracker, limits);
  } catch (error) {
    if (error instanceof TrackerError && error.kind === "failure") throw error;
  }
}
