/**
 * How many requests to keep outstanding to one peer, from its measured
 * download rate and latency, and whether it is snubbing us.
 *
 * The depth is libtorrent's `desired_queue_size` with the round trip added:
 * `ceil(rate × (targetSeconds + minRtt) / BLOCK_SIZE)`, the blocks that
 * arrive during one round trip plus a buffer of `targetSeconds` (3 s) of
 * work, clamped to `[min, min(max, peer's reqq)]`. The latency is the
 * smallest request-to-block time seen, so the queueing delay that a deep
 * pipeline itself adds never feeds back into its depth.
 *
 * A new peer starts in slow start: the depth grows by one for every block
 * received (doubling per round trip) until the rate stops growing by 10%
 * a second, a request times out, or the peer snubs us.
 *
 * @module
 */

import { defaultLimits } from "../limits.ts";
import { BLOCK_SIZE } from "./blocks.ts";
import { RateMeter, type RateMeterOptions } from "./rate.ts";

/** Options for a {@link RequestPipeline}. */
export interface PipelineOptions extends RateMeterOptions {
  /** Seconds of transfer to keep queued beyond one round trip. Default 3. */
  targetSeconds?: number;
  /** Fewest requests to keep out. Default 2. */
  min?: number;
  /** Most requests to keep out. Default `limits.maxRequestsPerPeer`. */
  max?: number;
  /** Milliseconds without a block, while requests are out, that mean we are snubbed. Default 60 000. */
  snubMs?: number;
}

/**
 * Per-peer request queue sizing, rate and snub detection.
 *
 * @example
 * ```ts
 * import { RequestPipeline } from "./pipeline.ts";
 * const pipe = new RequestPipeline(0);
 * console.assert(pipe.depth(0) === 2);
 * for (let t = 1; t <= 4000; t++) pipe.blockReceived(16384, t, t - 50); // 16 MB/s, 50 ms
 * console.assert(pipe.depth(4000) > 100);
 * ```
 */
export class RequestPipeline {
  /** Payload bytes per second received from the peer. */
  readonly download: RateMeter;
  #target: number;
  #min: number;
  #max: number;
  #snubMs: number;
  #peerLimit = Infinity;
  #slowStart = true;
  #slowDepth: number;
  #checkedAt: number;
  #checkedRate = 0;
  #minRtt: number | undefined;
  #lastBlockAt: number | undefined;

  /**
   * A pipeline for a newly connected peer, in slow start.
   *
   * @param now The current time in milliseconds (when the peer connected).
   * @param options Tuning; defaults follow libtorrent and `defaultLimits`.
   */
  constructor(now: number, options: PipelineOptions = {}) {
    this.download = new RateMeter(now, options);
    this.#target = options.targetSeconds ?? 3;
    this.#min = options.min ?? 2;
    this.#max = options.max ?? defaultLimits.maxRequestsPerPeer;
    this.#snubMs = options.snubMs ?? 60_000;
    this.#slowDepth = this.#min;
    this.#checkedAt = now;
  }

  /** True while the depth still grows by one per block. */
  get slowStart(): boolean {
    return this.#slowStart;
  }

  /** The smallest request-to-block time seen, in milliseconds, or `undefined` before the first. */
  get latencyMs(): number | undefined {
    return this.#minRtt;
  }

  /**
   * The most requests the peer accepts (`reqq` from its BEP 10 handshake).
   *
   * @param reqq The peer's limit.
   */
  setPeerLimit(reqq: number): void {
    if (Number.isInteger(reqq) && reqq > 0) this.#peerLimit = reqq;
  }

  /**
   * A requested block arrived.
   *
   * @param bytes Payload bytes.
   * @param now The current time in milliseconds.
   * @param requestedAt When it was requested (from the picker), to measure latency.
   */
  blockReceived(bytes: number, now: number, requestedAt?: number): void {
    this.download.add(bytes, now);
    this.#lastBlockAt = now;
    if (requestedAt !== undefined && requestedAt <= now) {
      this.#minRtt = Math.min(this.#minRtt ?? Infinity, now - requestedAt);
    }
    if (this.#slowStart) this.#slowDepth++;
  }

  /** A request to the peer timed out: slow start ends. */
  timedOut(): void {
    this.#slowStart = false;
  }

  /**
   * How many requests to keep outstanding now.
   *
   * @param now The current time in milliseconds.
   * @returns The depth, within `[min, min(max, reqq)]`.
   */
  depth(now: number): number {
    const rate = this.download.rate(now);
    if (this.#slowStart && now - this.#checkedAt >= 1000) {
      if (this.#checkedRate > 0 && rate < this.#checkedRate * 1.1) this.#slowStart = false;
      this.#checkedAt = now;
      this.#checkedRate = rate;
    }
    const rtt = (this.#minRtt ?? 0) / 1000;
    let depth = Math.ceil((rate * (this.#target + rtt)) / BLOCK_SIZE);
    if (this.#slowStart) depth = Math.max(depth, this.#slowDepth);
    const upper = Math.min(this.#max, this.#peerLimit);
    if (this.#slowStart && this.#slowDepth >= upper) this.#slowStart = false;
    return Math.min(upper, Math.max(this.#min, depth));
  }

  /**
   * How many more requests to send now.
   *
   * @param now The current time in milliseconds.
   * @param outstanding Requests already out (`picker.requestCount(peer)`).
   * @returns Free slots, possibly 0.
   */
  slots(now: number, outstanding: number): number {
    return Math.max(0, this.depth(now) - outstanding);
  }

  /**
   * Whether the peer snubs us: requests are out and no block came for
   * `snubMs` since the later of the last block and the oldest request.
   * A snubbed peer also leaves slow start.
   *
   * @param now The current time in milliseconds.
   * @param oldestRequest `picker.oldestRequest(peer)`; `undefined` when nothing is out.
   * @returns True when snubbed.
   */
  isSnubbed(now: number, oldestRequest: number | undefined): boolean {
    if (oldestRequest === undefined) return false;
    const since = Math.max(this.#lastBlockAt ?? -Infinity, oldestRequest);
    const snubbed = now - since >= this.#snubMs;
    if (snubbed) this.#slowStart = false;
    return snubbed;
  }
}
