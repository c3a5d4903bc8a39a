/**
 * Writes to a connection in order, joining small messages sent in the same
 * turn of the event loop into one write.
 *
 * @module
 */

import { concatBytes } from "../bytes.ts";
import { type Deferred, deferred } from "../deferred.ts";

/** Messages shorter than this wait for the end of the turn to share a write. */
const SMALL_BYTES = 1024;

/** Ordered, batching writes; every write settles `true` (taken) or `false` (closed or failed). */
export class WriteQueue {
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #onError: (error: unknown) => void;
  #small: Uint8Array[] = [];
  #smallDone: Deferred<boolean> | null = null;
  /** Settles the writes under way, with `false`, if the connection closes first. */
  #inFlight = new Set<(taken: boolean) => void>();
  #isClosed = false;

  /**
   * @param writable Where the bytes go.
   * @param onError Told when a write fails.
   */
  constructor(writable: WritableStream<Uint8Array>, onError: (error: unknown) => void) {
    this.#writer = writable.getWriter();
    this.#onError = onError;
  }

  /**
   * Queues bytes. Small ones wait for the current turn to end, so a burst
   * of `have`s or requests becomes one write; larger ones go at once,
   * after whatever small ones are waiting.
   *
   * @param bytes The bytes, not to be changed until the promise settles.
   * @returns `true` once the connection took them, `false` if it closed or failed first.
   */
  write(bytes: Uint8Array): Promise<boolean> {
    if (this.#isClosed) return Promise.resolve(false);
    if (bytes.length >= SMALL_BYTES) {
      this.#flush();
      return this.#put(bytes);
    }
    this.#small.push(bytes);
    if (!this.#smallDone) {
      this.#smallDone = deferred();
      queueMicrotask(() => this.#flush());
    }
    return this.#smallDone.promise;
  }

  /** Settles every waiting write with `false` and aborts the stream. */
  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#flush();
    for (const settle of this.#inFlight) settle(false);
    this.#inFlight.clear();
    this.#writer.abort().catch(() => {});
  }

  #flush(): void {
    const done = this.#smallDone;
    if (!done) return;
    const parts = this.#small;
    this.#small = [];
    this.#smallDone = null;
    done.resolve(this.#put(parts.length === 1 ? parts[0]! : concatBytes(parts)));
  }

  #put(bytes: Uint8Array): Promise<boolean> {
    if (this.#isClosed) return Promise.resolve(false);
    const { promise, resolve } = deferred<boolean>();
    this.#inFlight.add(resolve);
    const settle = (taken: boolean) => {
      this.#inFlight.delete(resolve);
      resolve(taken);
    };
    this.#writer.write(bytes).then(() => settle(true), (error) => {
      if (!this.#isClosed) this.#onError(error);
      settle(false);
    });
    return promise;
  }
}
