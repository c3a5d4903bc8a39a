/**
 * The error every tracker client throws when a tracker cannot be used.
 *
 * @module
 */

/**
 * Why a tracker could not be used: it refused (`failure reason`, a UDP error
 * action, an HTTP error status), answered with something unusable, could not
 * be reached, or did not answer in time.
 */
export type TrackerErrorKind = "failure" | "malformed" | "network" | "timeout";

/** A tracker that refused, misbehaved, was unreachable or too slow. */
export class TrackerError extends Error {
  /** The tracker URL, as given. */
  readonly tracker: string;
  /** What went wrong. */
  readonly kind: TrackerErrorKind;

  /**
   * Makes the error.
   *
   * @param tracker The tracker URL; messages show it without its query, which may hold a passkey.
   * @param kind What went wrong.
   * @param message Details.
   * @param options The underlying error, if any.
   */
  constructor(tracker: string, kind: TrackerErrorKind, message: string, options?: ErrorOptions) {
    super(`Tracker ${redact(tracker)}: ${message}`, options);
    this.name = "TrackerError";
    this.tracker = tracker;
    this.kind = kind;
  }
}

function redact(url: string): string {
  const query = url.search(/[?#]/);
  return query === -1 ? url : url.slice(0, query);
}
