/**
 * The events an `Announcer` dispatches.
 *
 * @module
 */

import type { AnnounceEventName, AnnounceResponse } from "./types.ts";

/**
 * `warning`: a tracker failed, timed out or answered garbage (`error` says
 * how), or answered with a `warning message` (`error` is `null`). The
 * announcer carries on; this is for logs and user interfaces.
 */
export class TrackerWarningEvent extends Event {
  /** The tracker URL. */
  readonly tracker: string;
  /** What to show. */
  readonly message: string;
  /** The failure, or `null` for a tracker's own warning message. */
  readonly error: unknown;

  /**
   * Makes a `warning` event.
   *
   * @param tracker The tracker URL.
   * @param message What to show.
   * @param error The failure, or `null`.
   */
  constructor(tracker: string, message: string, error: unknown) {
    super("warning");
    this.tracker = tracker;
    this.message = message;
    this.error = error;
  }
}

/** `announce`: a tracker answered an announce. */
export class TrackerAnnounceEvent extends Event {
  /** The tracker URL. */
  readonly tracker: string;
  /** The event sent, or `null` for a regular announce. */
  readonly event: AnnounceEventName | null;
  /** The answer. */
  readonly response: AnnounceResponse;

  /**
   * Makes an `announce` event.
   *
   * @param tracker The tracker URL.
   * @param event The event sent, or `null`.
   * @param response The answer.
   */
  constructor(tracker: string, event: AnnounceEventName | null, response: AnnounceResponse) {
    super("announce");
    this.tracker = tracker;
    this.event = event;
    this.response = response;
  }
}

/** Event types to event classes, for typed listeners. */
export interface AnnouncerEventMap {
  /** A tracker fault or a tracker's warning message. */
  warning: TrackerWarningEvent;
  /** A tracker answered. */
  announce: TrackerAnnounceEvent;
}
