/**
 * One signal for "the caller gave up, or our time ran out", and a way to tell
 * the two apart afterwards.
 *
 * @module
 */

/** A signal with a time limit, from {@link deadline}. */
export interface Deadline {
  /** Aborts when the parent signal does, or when the time is up. */
  readonly signal: AbortSignal;
  /** True when the time ran out (rather than the parent aborting). */
  timedOut(): boolean;
  /** Stops the timer; call when the work is done. */
  clear(): void;
}

/**
 * Starts a deadline of `ms` milliseconds (real time), linked to `parent`.
 *
 * @param ms Time allowed.
 * @param parent The caller's signal, if any.
 */
export function deadline(ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onAbort = () => controller.abort(parent?.reason);
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`No answer within ${ms} ms`, "TimeoutError"));
  }, ms);
  if (parent?.aborted) onAbort();
  else parent?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired,
    clear() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onAbort);
    },
  };
}
