/**
 * Announces one torrent to its trackers, following BEP 12: each tier is
 * shuffled once; an announce tries the trackers of the first tier in order,
 * then the next tier, and stops at the first that answers, which moves to the
 * front of its tier. Regular announces follow the tracker's `interval` (never
 * sooner than its `min interval` or our floor); when every tracker fails, the
 * next try backs off exponentially. A tracker that fails, times out or
 * answers garbage becomes a `warning` event, never an exception.
 *
 * Peers come out as an async iterable of {@link PeerCandidate} (the
 * discovery contract: each source is a stream of candidates); progress and
 * faults are events (`announce`, `warning`). Events sent: `started` to each
 * tracker the first time it is reached, `completed` once after
 * {@link Announcer.completed}, `stopped` on {@link Announcer.stop} to each
 * tracker that was reached. Scheduling uses the injected {@link Clock};
 * request time limits are real time.
 *
 * @example
 * ```ts
 * import { Announcer } from "./announcer.ts";
 * const announcer = new Announcer({
 *   infoHash: new Uint8Array(20), peerId: new Uint8Array(20), port: 6881,
 *   trackers: [["http://tracker.invalid/announce"]],
 *   stats: () => ({ uploaded: 0, downloaded: 0, left: 100 }),
 *   announce: () => Promise.resolve({ interval: 1800, minInterval: null, trackerId: null,
 *     complete: 1, incomplete: 0, peers: [{ host: "127.0.0.1", port: 6881 }], warning: null }),
 * });
 * announcer.start();
 * for await (const candidate of announcer) {
 *   console.assert(candidate.address.port === 6881);
 *   break;
 * }
 * await announcer.stop();
 * ```
 *
 * @module
 */

import { type Limits, resolveLimits } from "../limits.ts";
import { AsyncQueue } from "./_async_queue.ts";
import { AnnounceByScheme } from "./_by_scheme.ts";
import { deadline } from "./_deadline.ts";
import { promote, shuffleTiers } from "./_tiers.ts";
import {
  type AnnouncerEventMap,
  TrackerAnnounceEvent,
  TrackerWarningEvent,
} from "./announcer_events.ts";
import { type Clock, systemClock } from "./clock.ts";
import type {
  AnnounceEventName,
  AnnounceRequest,
  AnnounceResponse,
  PeerCandidate,
  TransferStats,
} from "./types.ts";
import type { UdpTrackerClient } from "./udp_tracker.ts";

/** Longest delay a timer can take (larger values fire at once in JavaScript). */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Sends one announce to one tracker; must reject (not hang) once `signal` aborts. */
export type AnnounceFunction = (
  tracker: string,
  request: AnnounceRequest,
  signal: AbortSignal,
) => Promise<AnnounceResponse>;

/** What an {@link Announcer} needs. */
export interface AnnouncerOptions {
  /** The torrent's 20-byte info hash. */
  infoHash: Uint8Array;
  /** Our 20-byte peer id. */
  peerId: Uint8Array;
  /** The port we accept peers on. */
  port: number;
  /** Tracker URLs in tiers (`announce-list`, or `[[announce]]`). */
  trackers: readonly (readonly string[])[];
  /** Current totals, asked before every announce. */
  stats: () => TransferStats;
  /** Peers to ask for per announce; default 50. */
  numWant?: number;
  /** The BEP 7 key; default random. */
  key?: number;
  /** Bounds for HTTP trackers (`trackerTimeoutMs`, response size, bencode). */
  limits?: Partial<Limits>;
  /** Time for scheduling; default the system clock. */
  clock?: Clock;
  /** Uniform numbers in [0, 1) for the tier shuffle; default `Math.random`. */
  random?: () => number;
  /** How to announce to one tracker; default HTTP(S) with `fetch`, UDP with {@link AnnouncerOptions.udpTracker}. */
  announce?: AnnounceFunction;
  /**
   * The UDP tracker client, normally shared by every torrent over the
   * client's one UDP socket. Without one, the announcer binds its own socket
   * on `0.0.0.0` (IPv4 only) at the first UDP tracker and closes it on stop.
   */
  udpTracker?: UdpTrackerClient;
  /** Most time one announce may take, in ms (real time); default 60,000 (HTTP gives up at `limits.trackerTimeoutMs` before that; UDP resends at 15 s and 45 s). */
  attemptTimeoutMs?: number;
  /** Least time between regular announces, whatever the tracker says; default 60,000 ms. */
  minIntervalMs?: number;
  /** Wait after the first round in which every tracker failed; doubled each round after; default 15,000 ms. */
  retryMs?: number;
  /** Longest wait between failed rounds; default 1,800,000 ms (30 minutes). */
  maxRetryMs?: number;
  /** Time allowed for the `stopped` announces on {@link Announcer.stop}; default 5,000 ms. */
  stopTimeoutMs?: number;
  /** Candidates kept for a reader that falls behind (oldest dropped first); default 1,000. */
  maxQueuedPeers?: number;
}

/** What the announcer knows about one tracker. */
interface TrackerState {
  /** It has answered an announce (so it got `started`, and gets `stopped`). */
  started: boolean;
  /** The `tracker id` it gave, to send back. */
  trackerId: string | null;
}

/** One torrent's trackers: announces on schedule and streams the peers they return. */
export class Announcer extends EventTarget implements AsyncIterable<PeerCandidate> {
  readonly #options: AnnouncerOptions;
  readonly #clock: Clock;
  readonly #key: number;
  readonly #tiers: string[][];
  readonly #trackerStates = new Map<string, TrackerState>();
  readonly #peers: AsyncQueue<PeerCandidate>;
  readonly #shutdown = new AbortController();
  #state: "idle" | "running" | "stopping" | "stopped" = "idle";
  #completedPending = false;
  #inFlight: Promise<void> | null = null;
  #timer: unknown = null;
  /** When the next announce is due (clock time), or `null` when none is scheduled. */
  #nextAt: number | null = null;
  /** The earliest time a peer request may bring the next announce forward to. */
  #earliest = 0;
  #failures = 0;
  readonly #byScheme: AnnounceByScheme;
  #stopped: Promise<void> | null = null;

  /**
   * Prepares the announcer; nothing is sent before {@link Announcer.start}.
   *
   * @param options The torrent, the trackers, the stats source and tunables.
   */
  constructor(options: AnnouncerOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#key = options.key ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
    this.#tiers = shuffleTiers(options.trackers, options.random ?? Math.random);
    this.#peers = new AsyncQueue(options.maxQueuedPeers ?? 1000);
    this.#byScheme = new AnnounceByScheme(resolveLimits(options.limits), options.udpTracker);
  }

  /** The tiers in their current order (shuffled, working trackers promoted). */
  get trackers(): string[][] {
    return this.#tiers.map((tier) => [...tier]);
  }

  /** Starts announcing (the first announce goes out at once). Does nothing after the first call. */
  start(): void {
    if (this.#state !== "idle") return;
    this.#state = "running";
    this.#announceNow();
  }

  /**
   * The download finished: sends `completed` at once (an event, so the
   * minimum interval does not hold it back), or with the next announce if
   * one is under way or the trackers are failing. Not for a torrent that was
   * already complete when it started (BEP 3).
   */
  completed(): void {
    this.#completedPending = true;
    if (this.#state === "running" && this.#inFlight === null && this.#failures === 0) {
      this.#announceNow();
    }
  }

  /**
   * More peers are wanted: brings the next announce forward, but no sooner
   * than the tracker's `min interval` (and our floor) after the last one,
   * and not during a failure backoff.
   */
  requestPeers(): void {
    if (this.#state !== "running" || this.#inFlight !== null || this.#nextAt === null) return;
    const at = Math.max(this.#clock.now(), this.#earliest);
    if (at < this.#nextAt) this.#schedule(at - this.#clock.now());
  }

  /**
   * Stops: cancels any announce under way, sends `stopped` to every tracker
   * that was reached (waiting at most `stopTimeoutMs`), and ends the peer
   * iteration. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  /** The peers trackers return, until {@link Announcer.stop}. Meant for one reader. */
  [Symbol.asyncIterator](): AsyncIterator<PeerCandidate> {
    return this.#peers[Symbol.asyncIterator]();
  }

  /** Adds a typed listener for `warning` or `announce`. */
  override addEventListener<K extends keyof AnnouncerEventMap>(
    type: K,
    listener: (event: AnnouncerEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /** Adds a listener for any event type. */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null | ((event: never) => void),
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener as EventListenerOrEventListenerObject | null, options);
  }

  async #stop(): Promise<void> {
    const wasRunning = this.#state === "running";
    this.#state = "stopping";
    this.#cancelTimer();
    this.#shutdown.abort(new DOMException("The announcer is stopping", "AbortError"));
    await this.#inFlight;
    if (wasRunning) {
      const reached = [...this.#trackerStates].filter(([, state]) => state.started);
      const timeoutMs = this.#options.stopTimeoutMs ?? 5_000;
      await Promise.all(
        reached.map(([url]) => this.#attempt(url, "stopped", deadline(timeoutMs), timeoutMs)),
      );
    }
    this.#peers.close();
    await this.#byScheme.close();
    this.#state = "stopped";
  }

  /** Runs an announce round now, then schedules the next. */
  #announceNow(): void {
    this.#cancelTimer();
    this.#inFlight = this.#round().finally(() => {
      this.#inFlight = null;
    });
  }

  /** Announces until one tracker answers (again at once while `completed` is still owed), then schedules. */
  async #round(): Promise<void> {
    let response: AnnounceResponse | null;
    do {
      response = await this.#walkTiers();
    } while (response !== null && this.#completedPending && this.#state === "running");
    if (this.#state !== "running") return;
    const now = this.#clock.now();
    const floor = this.#options.minIntervalMs ?? 60_000;
    if (response === null) {
      this.#failures++;
      const retryMs = this.#options.retryMs ?? 15_000;
      const maxRetryMs = this.#options.maxRetryMs ?? 1_800_000;
      const delay = Math.min(retryMs * 2 ** (this.#failures - 1), maxRetryMs);
      this.#earliest = now + delay;
      this.#schedule(delay);
      return;
    }
    this.#failures = 0;
    const minMs = Math.max((response.minInterval ?? 0) * 1000, floor);
    this.#earliest = now + minMs;
    this.#schedule(Math.max(response.interval * 1000, minMs));
  }

  /** One BEP 12 pass over the tiers; the answer of the first tracker that gives one, or `null`. */
  async #walkTiers(): Promise<AnnounceResponse | null> {
    const timeoutMs = this.#options.attemptTimeoutMs ?? 60_000;
    for (const tier of this.#tiers) {
      for (let i = 0; i < tier.length; i++) {
        if (this.#state !== "running") return null;
        const url = tier[i]!;
        const state = this.#stateOf(url);
        const event = !state.started ? "started" : this.#completedPending ? "completed" : null;
        const time = deadline(timeoutMs, this.#shutdown.signal);
        const response = await this.#attempt(url, event, time, timeoutMs);
        if (response === null) continue;
        if (event === "completed") this.#completedPending = false;
        promote(tier, i);
        for (const address of response.peers) {
          this.#peers.push({ address, source: "tracker", via: url });
        }
        return response;
      }
    }
    return null;
  }

  /** Announces to one tracker; on failure dispatches a warning and returns `null`. */
  async #attempt(
    url: string,
    event: AnnounceEventName | null,
    time: ReturnType<typeof deadline>,
    timeoutMs: number,
  ): Promise<AnnounceResponse | null> {
    const state = this.#stateOf(url);
    try {
      const stats = this.#options.stats();
      const request: AnnounceRequest = {
        infoHash: this.#options.infoHash,
        peerId: this.#options.peerId,
        port: this.#options.port,
        uploaded: stats.uploaded,
        downloaded: stats.downloaded,
        left: stats.left,
        numWant: event === "stopped" ? 0 : this.#options.numWant ?? 50,
        key: this.#key,
        ...(event === null ? {} : { event }),
        ...(state.trackerId === null ? {} : { trackerId: state.trackerId }),
      };
      const announce = this.#options.announce ??
        ((u, r, s) => this.#byScheme.announce(u, r, s));
      const response = await announce(url, request, time.signal);
      state.started = event !== "stopped";
      if (response.trackerId !== null) state.trackerId = response.trackerId;
      if (response.warning !== null) this.#warn(url, response.warning, null);
      this.dispatchEvent(new TrackerAnnounceEvent(url, event, response));
      return response;
    } catch (error) {
      if (this.#shutdown.signal.aborted && event !== "stopped") return null;
      const message = time.timedOut()
        ? `Tracker ${url}: no answer within ${timeoutMs} ms`
        : error instanceof Error
        ? error.message
        : String(error);
      this.#warn(url, message, error);
      return null;
    } finally {
      time.clear();
    }
  }

  #stateOf(url: string): TrackerState {
    let state = this.#trackerStates.get(url);
    if (!state) {
      state = { started: false, trackerId: null };
      this.#trackerStates.set(url, state);
    }
    return state;
  }

  #warn(tracker: string, message: string, error: unknown): void {
    this.dispatchEvent(new TrackerWarningEvent(tracker, message, error));
  }

  #schedule(delayMs: number): void {
    this.#cancelTimer();
    const delay = Math.min(Math.max(0, delayMs), MAX_DELAY_MS);
    this.#nextAt = this.#clock.now() + delay;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      this.#nextAt = null;
      if (this.#state === "running" && this.#inFlight === null) this.#announceNow();
    }, delay);
  }

  #cancelTimer(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#nextAt = null;
  }
}
