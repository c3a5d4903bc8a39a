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

/**
 * WebRTC settings of a torrent.
 *
 * @example
 * ```ts ignore
 * import { strictEqual } from "node:assert/strict";
 * import { Client } from "../client.ts";
 * import { createTorrent } from "../metainfo/create_torrent.ts";
 * import { parseTorrent } from "../metainfo/parse_torrent.ts";
 * import { memoryStorage } from "../storage/memory.ts";
 * import { startTracker } from "../tracker/server.ts";
 * import type { WebRtcSettings } from "./signalled_peers.ts";
 *
 * const data = new TextEncoder().encode("hello, webrtc");
 * const file = { path: ["a.txt"], length: data.length, stream: () => new Blob([data]).stream() };
 * const meta = await parseTorrent(await createTorrent([file]));
 * const held = memoryStorage();
 * await (await held(meta)).write(0, 0, data); // the seeder's copy
 * const tracker = await startTracker({ host: "127.0.0.1", port: 0 }); // signals over WebSocket
 * const webrtc: WebRtcSettings = { config: { iceServers: [] } };
 * const options = { host: "127.0.0.1", port: 0, listen: false, transports: [], webrtc };
 * const [seeder, leecher] = await Promise.all([Client.create(options), Client.create(options)]);
 * await seeder.add(meta, { storage: held, announce: [tracker.wsUrl] });
 * const torrent = await leecher.add(meta, { storage: memoryStorage(), announce: [tracker.wsUrl] });
 * await torrent.done; // over WebRTC: neither client has TCP or uTP
 * strictEqual(torrent.progress, 1);
 * await leecher.close();
 * await seeder.close();
 * await tracker.close();
 * ```
 */
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
