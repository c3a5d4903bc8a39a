/**
 * Peer discovery through trackers: HTTP(S) and UDP tracker clients, and the
 * {@link Announcer} that drives one torrent's trackers per BEP 12 and streams
 * the peers they return; the {@link WebSocketTracker} signals WebRTC peers
 * (`ws:`, `wss:`) and hands over connected ones.
 *
 * @example
 * ```ts
 * import { Announcer, type TrackerWarningEvent } from "./mod.ts";
 * const warnings: string[] = [];
 * const announcer = new Announcer({
 *   infoHash: new Uint8Array(20), peerId: new Uint8Array(20), port: 6881,
 *   trackers: [["wss://tracker.invalid/announce"]], // no client for wss: a warning, not a crash
 *   stats: () => ({ uploaded: 0, downloaded: 0, left: 0 }),
 * });
 * const warned = new Promise((resolve) => announcer.addEventListener("warning", resolve));
 * announcer.start();
 * console.assert(((await warned) as TrackerWarningEvent).message.includes("unsupported scheme"));
 * await announcer.stop();
 * ```
 *
 * @module
 */

export { type AnnounceFunction, Announcer, type AnnouncerOptions } from "./announcer.ts";
export {
  type AnnouncerEventMap,
  TrackerAnnounceEvent,
  TrackerWarningEvent,
} from "./announcer_events.ts";
export { type Clock, systemClock } from "./clock.ts";
export { announceHttp, type HttpTrackerOptions, scrapeHttp, scrapeUrlOf } from "./http_tracker.ts";
export { TrackerError, type TrackerErrorKind } from "./tracker_error.ts";
export type {
  AnnounceEventName,
  AnnounceRequest,
  AnnounceResponse,
  CandidateSource,
  PeerCandidate,
  ScrapeResponse,
  ScrapeStats,
  TransferStats,
} from "./types.ts";
export { type UdpRequestOptions, UdpTrackerClient, type UdpTrackerOptions } from "./udp_tracker.ts";
export { WebSocketTracker, type WebSocketTrackerOptions } from "./ws_tracker.ts";
export type { Limits } from "../limits.ts";
export type { PeerAddress } from "../../transports/mod.ts";
