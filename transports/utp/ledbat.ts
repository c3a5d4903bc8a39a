/**
 * LEDBAT congestion control as uTP uses it (BEP 29, RFC 6817): the send
 * window grows while the one-way queuing delay of our packets stays under a
 * target (100 ms) and shrinks when it rises above, in proportion; loss
 * halves it, a timeout drops it to one packet. The queuing delay is a delay
 * sample (the peer's `timestamp_difference`) less the base delay, the lowest
 * sample of the last two minutes. A slow start doubles the window each round
 * trip until the delay reaches half the target or a packet is lost (after a
 * timeout: until half the window it had). Pure: the
 * caller passes the clock.
 *
 * @example
 * ```ts
 * import { Ledbat } from "./ledbat.ts";
 * const cc = new Ledbat({ packetSize: 1400 });
 * const before = cc.window;
 * cc.onAck(1400, 5_000, 0, true);
 * console.assert(cc.window > before);
 * ```
 *
 * @module
 */

/** Options for {@link Ledbat}. */
export interface LedbatOptions {
  /** Payload bytes of a full packet: the smallest window and the unit of timeouts. */
  packetSize: number;
  /** Queuing delay to aim for, in microseconds; default 100,000 (100 ms). */
  targetUs?: number;
  /** Most bytes the window grows by per round trip outside slow start; default 3,000. */
  gainBytes?: number;
  /** Largest window in bytes; default 16 MiB. */
  maxWindow?: number;
}

/** How long one bucket of the base-delay history covers. */
const BUCKET_MS = 60_000;
/** Buckets kept besides the current one: the base delay is the least of the last two minutes. */
const HISTORY = 2;

/** The congestion window of one connection. */
export class Ledbat {
  /** Bytes we may have in flight. */
  window: number;
  /** True until the first loss, until the delay nears the target, or until {@link ssthresh}. */
  slowStart = true;
  /** Where a slow start after a timeout ends: half the window before the loss. */
  ssthresh = Infinity;
  #packetSize: number;
  #target: number;
  #gain: number;
  #max: number;
  #history: number[] = [];
  #bucketMin: number | null = null;
  #bucketStart = -Infinity;

  constructor(options: LedbatOptions) {
    this.#packetSize = options.packetSize;
    this.#target = options.targetUs ?? 100_000;
    this.#gain = options.gainBytes ?? 3_000;
    this.#max = options.maxWindow ?? 16 * 1024 * 1024;
    this.window = 2 * options.packetSize;
  }

  /** The lowest delay sample of the last two minutes, or null before any sample. */
  get baseDelay(): number | null {
    let base = this.#bucketMin;
    for (const min of this.#history) if (base === null || before(min, base)) base = min;
    return base;
  }

  /**
   * Records a delay sample and returns the queuing delay it shows.
   *
   * @param sample The peer's `timestamp_difference`: its clock at arrival less
   *   ours at sending, in microseconds modulo 2^32 (the clocks are unrelated,
   *   so only differences between samples mean anything).
   * @param nowMs Our clock in milliseconds.
   * @returns Microseconds above the base delay.
   */
  queuingDelay(sample: number, nowMs: number): number {
    if (nowMs - this.#bucketStart >= BUCKET_MS) {
      if (this.#bucketMin !== null) this.#history.push(this.#bucketMin);
      if (this.#history.length > HISTORY) this.#history.shift();
      this.#bucketMin = null;
      this.#bucketStart = nowMs;
    }
    if (this.#bucketMin === null || before(sample, this.#bucketMin)) this.#bucketMin = sample;
    return (sample - this.baseDelay!) >>> 0;
  }

  /**
   * Adjusts the window for newly acknowledged bytes.
   *
   * @param acked Payload bytes the ack covered.
   * @param delaySample The ack's `timestamp_difference` (see {@link queuingDelay}).
   * @param nowMs Our clock in milliseconds.
   * @param limited Whether the window limited sending (an idle sender does not grow it).
   */
  onAck(acked: number, delaySample: number, nowMs: number, limited: boolean): void {
    const queuing = this.queuingDelay(delaySample, nowMs);
    if (this.slowStart && (queuing >= this.#target / 2 || this.window >= this.ssthresh)) {
      this.slowStart = false;
    }
    let change: number;
    if (this.slowStart) {
      change = acked;
    } else {
      const offTarget = (this.#target - Math.min(queuing, 10 * this.#target)) / this.#target;
      const windowFactor = Math.min(acked, this.window) / Math.max(acked, this.window);
      change = this.#gain * offTarget * windowFactor;
    }
    if (change > 0 && !limited) return;
    this.#set(this.window + change);
  }

  /** A packet was lost (fast retransmit): halve the window, end slow start. */
  onLoss(): void {
    this.slowStart = false;
    this.#set(this.window / 2);
    this.ssthresh = this.window;
  }

  /** A retransmission timeout: one packet, then slow start up to half the window before. */
  onTimeout(): void {
    this.ssthresh = Math.max(2 * this.#packetSize, this.window / 2);
    this.slowStart = true;
    this.#set(this.#packetSize);
  }

  #set(window: number): void {
    this.window = Math.max(this.#packetSize, Math.min(this.#max, Math.floor(window)));
  }
}

/** Whether delay sample `a` is below `b`, modulo 2^32. */
function before(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
