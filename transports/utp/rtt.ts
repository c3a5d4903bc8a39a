/**
 * The retransmission timeout of one uTP connection, from round-trip samples
 * and their variance as TCP computes it (RFC 6298): `rtt + 4 * rttVar`, at
 * least {@link MIN_TIMEOUT_MS}, doubled on each timeout up to
 * {@link MAX_TIMEOUT_MS}.
 *
 * @example
 * ```ts
 * import { RttEstimator } from "./rtt.ts";
 * const rtt = new RttEstimator();
 * rtt.sample(100);
 * console.assert(rtt.timeoutMs === 300);
 * rtt.backOff();
 * console.assert(rtt.timeoutMs === 600);
 * ```
 *
 * @module
 */

/** Lowest retransmission timeout. */
export const MIN_TIMEOUT_MS = 150;
/** Highest retransmission timeout. */
export const MAX_TIMEOUT_MS = 8_000;
/** The timeout before any sample. */
const INITIAL_TIMEOUT_MS = 1_000;

/** Smoothed round trip, its variance, and the timeout that follows. */
export class RttEstimator {
  /** Smoothed round trip in ms, or null before the first sample. */
  rtt: number | null = null;
  /** Mean deviation of the round trip in ms. */
  rttVar = 0;
  #timeout: number;

  /** @param initialMs The timeout before any sample; default 1,000 ms. */
  constructor(initialMs = INITIAL_TIMEOUT_MS) {
    this.#timeout = initialMs;
  }

  /** The current retransmission timeout in ms. */
  get timeoutMs(): number {
    return this.#timeout;
  }

  /** Takes a round-trip sample (of a packet sent once) in ms. */
  sample(ms: number): void {
    if (this.rtt === null) {
      this.rtt = ms;
      this.rttVar = ms / 2;
    } else {
      this.rttVar += (Math.abs(this.rtt - ms) - this.rttVar) / 4;
      this.rtt += (ms - this.rtt) / 8;
    }
    this.#timeout = clamp(this.rtt + 4 * this.rttVar);
  }

  /** Doubles the timeout after it expired. */
  backOff(): void {
    this.#timeout = clamp(this.#timeout * 2);
  }
}

function clamp(ms: number): number {
  return Math.min(MAX_TIMEOUT_MS, Math.max(MIN_TIMEOUT_MS, Math.round(ms)));
}
