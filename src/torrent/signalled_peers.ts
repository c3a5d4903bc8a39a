/**
 * A torrent's WebSocket trackers: which of its tracker URLs signal WebRTC
 * peers (`ws:`, `wss:`), and one {@link WebSocketTracker} for each, whose
 * connected peers go to the torrent as ready `Conn`s.
 *
 * @module
 */

import type { Conn } from "../../transports/mod.ts";
import type { RtcConfig } from "../../transports/webrtc.ts";
import type { TransferStats } from "../discovery/types.ts";
import { WebSocketTracker } from "../discovery/ws_tracker.ts";

/** WebRTC settings of a torrent. */
export interface WebRtcSettings {
  /** RTCPeerConnection configuration; tests pass `{ iceServers: [] }`. */
  config?: RtcConfig;
}

/** True for a `ws:` or `wss:` URL. */
export function isWebSocketUrl(url: string): boolean {
  return /^wss?:/i.test(url);
}

/** Options for {@link SignalledPeers}. */
export interface SignalledPeersOptions extends WebRtcSettings {
  /** The WebSocket tracker URLs. */
  urls: readonly string[];
  /** The 20-byte info hash. */
  infoHash: Uint8Array;
  /** Our 20-byte peer id. */
  peerId: Uint8Array;
  /** How far along the torrent is. */
  stats: () => TransferStats;
  /** Takes a connected peer. */
  addConn: (conn: Conn) => void;
  /** Whether another connection is welcome. */
  wantsPeers: () => boolean;
  /** Takes a tracker fault. */
  warn: (message: string) => void;
}

/** Every WebSocket tracker of one torrent. */
export class SignalledPeers {
  readonly #trackers: WebSocketTracker[];

  /** Starts one client per URL. */
  constructor(options: SignalledPeersOptions) {
    this.#trackers = [...new Set(options.urls)].map((url) =>
      new WebSocketTracker({
        url,
        infoHash: options.infoHash,
        peerId: options.peerId,
        stats: options.stats,
        onConn: options.addConn,
        onWarning: (message) => options.warn(`tracker: ${message}`),
        wantsPeers: options.wantsPeers,
        ...(options.config ? { config: options.config } : {}),
      })
    );
    for (const tracker of this.#trackers) tracker.start();
  }

  /** Announces `completed` to each. */
  completed(): void {
    for (const tracker of this.#trackers) tracker.completed();
  }

  /** Announces `stopped` to each and closes them. */
  stop(): void {
    for (const tracker of this.#trackers) tracker.stop();
  }
}
