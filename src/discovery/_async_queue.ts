/**
 * A bounded queue read as an async iterable: producers push without waiting;
 * when it is full the oldest item is dropped, so a reader that falls behind
 * gets the freshest items and memory stays bounded.
 *
 * @module
 */

/** A bounded, closable queue with async iteration. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #capacity: number;
  readonly #items: T[] = [];
  readonly #waiting: ((result: IteratorResult<T>) => void)[] = [];
  #closed = false;

  /** @param capacity Most items held; older ones are dropped beyond it. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Adds an item (ignored once closed). */
  push(item: T): void {
    if (this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter) return waiter({ value: item, done: false });
    this.#items.push(item);
    if (this.#items.length > this.#capacity) this.#items.shift();
  }

  /** Ends iteration once the items already queued are read. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter({ value: undefined, done: true });
  }

  /** Reads items as they come, until the queue is closed. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.#items.length > 0) {
          return Promise.resolve({ value: this.#items.shift()!, done: false });
        }
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.#waiting.push(resolve));
      },
      return: () => Promise.resolve({ value: undefined, done: true }),
    };
  }
}
