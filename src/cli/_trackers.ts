/**
 * One-off tracker requests for the diagnostic commands: announce and scrape
 * to each tracker of a torrent or magnet, HTTP(S) or UDP.
 *
 * @module
 */

import { announceHttp, scrapeHttp } from "../discovery/http_tracker.ts";
import type { AnnounceRequest, AnnounceResponse, ScrapeResponse } from "../discovery/types.ts";
import { UdpTrackerClient } from "../discovery/udp_tracker.ts";
import { bindUdp } from "../net/udp.ts";
import type { Loaded } from "./_load.ts";

/** What one tracker answered, or why it did not. */
export type Outcome<T> = { tracker: string; ok: true; value: T } | {
  tracker: string;
  ok: false;
  error: string;
};

/** The trackers of a torrent or magnet plus extra ones, without duplicates. */
export function trackersOf(loaded: Loaded, extra: readonly string[]): string[] {
  const own = loaded.kind === "torrent" ? loaded.meta.announce.flat() : loaded.magnet.trackers;
  return [...new Set([...own, ...extra])];
}

/** Runs one request per tracker, over HTTP or a shared UDP socket. */
export async function eachTracker<T>(
  trackers: readonly string[],
  http: (url: string) => Promise<T>,
  udp: (client: UdpTrackerClient, url: string) => Promise<T>,
): Promise<Outcome<T>[]> {
  const needsUdp = trackers.some((url) => url.startsWith("udp:"));
  const socket = needsUdp ? await bindUdp({ port: 0 }) : null;
  const client = socket ? new UdpTrackerClient(socket, { retryBaseMs: 2000, maxRetries: 2 }) : null;
  try {
    return await Promise.all(trackers.map(async (tracker): Promise<Outcome<T>> => {
      try {
        const value = tracker.startsWith("udp:")
          ? await udp(client!, tracker)
          : await http(tracker);
        return { tracker, ok: true, value };
      } catch (error) {
        return { tracker, ok: false, error: (error as Error).message };
      }
    }));
  } finally {
    client?.close();
    socket?.close();
  }
}

/** Announces to every tracker (`started`, then `stopped` so we leave no trace). */
export function announceAll(
  trackers: readonly string[],
  request: AnnounceRequest,
): Promise<Outcome<AnnounceResponse>[]> {
  const once = async (send: (r: AnnounceRequest) => Promise<AnnounceResponse>) => {
    const response = await send({ ...request, event: "started" });
    await send({ ...request, event: "stopped" }).catch(() => {});
    return response;
  };
  return eachTracker(
    trackers,
    (url) => once((r) => announceHttp(url, r)),
    (client, url) => once((r) => client.announce(url, r)),
  );
}

/** Scrapes every tracker for one info hash. */
export function scrapeAll(
  trackers: readonly string[],
  infoHash: Uint8Array,
): Promise<Outcome<ScrapeResponse>[]> {
  return eachTracker(
    trackers,
    (url) => scrapeHttp(url, [infoHash]),
    (client, url) => client.scrape(url, [infoHash]),
  );
}
