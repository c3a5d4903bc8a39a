/**
 * The announcer's default way to reach a tracker: HTTP(S) through `fetch`,
 * UDP through a {@link UdpTrackerClient} (given, or over a socket of its
 * own bound on first use).
 *
 * @module
 */

import type { Limits } from "../limits.ts";
import { bindUdp, type UdpSocket } from "../net/udp.ts";
import { announceHttp } from "./http_tracker.ts";
import { TrackerError } from "./tracker_error.ts";
import type { AnnounceRequest, AnnounceResponse } from "./types.ts";
import { UdpTrackerClient } from "./udp_tracker.ts";

/** Announces to `http:`, `https:` and `udp:` trackers. */
export class AnnounceByScheme {
  readonly #limits: Limits;
  #udp: Promise<UdpTrackerClient> | null;
  #ownSocket: UdpSocket | null = null;

  /**
   * @param limits Bounds for HTTP trackers.
   * @param udpTracker A shared UDP client; without one a socket is bound on `0.0.0.0` when first needed.
   */
  constructor(limits: Limits, udpTracker: UdpTrackerClient | undefined) {
    this.#limits = limits;
    this.#udp = udpTracker ? Promise.resolve(udpTracker) : null;
  }

  /**
   * Announces to one tracker.
   *
   * @throws {TrackerError} As the clients do, and for other schemes.
   */
  async announce(
    url: string,
    request: AnnounceRequest,
    signal: AbortSignal,
  ): Promise<AnnounceResponse> {
    const scheme = url.slice(0, Math.max(0, url.indexOf(":"))).toLowerCase();
    if (scheme === "http" || scheme === "https") {
      return await announceHttp(url, request, { signal, limits: this.#limits });
    }
    if (scheme === "udp") return await (await this.#udpClient()).announce(url, request, { signal });
    throw new TrackerError(url, "failure", `unsupported scheme "${scheme}:"`);
  }

  /** Closes the UDP client and socket if they are our own (a given client stays open). */
  async close(): Promise<void> {
    if (this.#ownSocket === null) return;
    (await this.#udp)?.close();
    this.#ownSocket.close();
  }

  #udpClient(): Promise<UdpTrackerClient> {
    this.#udp ??= bindUdp().then(
      (socket) => {
        this.#ownSocket = socket;
        return new UdpTrackerClient(socket);
      },
      (error) => {
        this.#udp = null; // try binding again next time
        throw error;
      },
    );
    return this.#udp;
  }
}
