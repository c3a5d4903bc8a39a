/**
 * Buffered reads for the MSE handshake: exact lengths, and a bounded scan
 * for a synchronisation pattern behind random padding.
 *
 * @module
 */

import { concatBytes } from "../../bytes.ts";
import { WireError } from "../wire_error.ts";

/** Reads a `Conn`'s stream in the pieces the handshake needs. */
export class ByteReader {
  /** The stream's reader, kept by the connection after the handshake. */
  readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  #buffer: Uint8Array = new Uint8Array(0);

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>) {
    this.reader = reader;
  }

  /**
   * Reads until at least `n` bytes are buffered.
   *
   * @returns The buffered bytes (not consumed), or `null` when the stream ends first.
   */
  async peek(n: number): Promise<Uint8Array | null> {
    while (this.#buffer.length < n) {
      if (!(await this.#more())) return null;
    }
    return this.#buffer;
  }

  /**
   * Consumes exactly `n` bytes (a copy, free to decrypt in place).
   *
   * @throws {WireError} `connection-closed` when the stream ends first.
   */
  async take(n: number, what: string): Promise<Uint8Array> {
    if (!(await this.peek(n))) {
      throw new WireError("connection-closed", `the peer closed before ${what}`);
    }
    const out = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  /**
   * Consumes bytes up to and including `pattern`, which must start within
   * the next `maxSkip` bytes.
   *
   * @throws {WireError} `bad-encryption-handshake` when it does not;
   *   `connection-closed` when the stream ends first.
   */
  async skipPast(pattern: Uint8Array, maxSkip: number, what: string): Promise<void> {
    for (let from = 0;;) {
      const last = Math.min(maxSkip, this.#buffer.length - pattern.length);
      for (let at = from; at <= last; at++) {
        if (startsWith(this.#buffer, pattern, at)) {
          this.#buffer = this.#buffer.subarray(at + pattern.length);
          return;
        }
      }
      if (last >= maxSkip) {
        throw new WireError("bad-encryption-handshake", `${what} not within ${maxSkip} bytes`);
      }
      from = Math.max(0, last + 1);
      if (!(await this.#more())) {
        throw new WireError("connection-closed", `the peer closed before ${what}`);
      }
    }
  }

  /** Takes what is buffered and not consumed. */
  rest(): Uint8Array {
    const rest = this.#buffer;
    this.#buffer = new Uint8Array(0);
    return rest;
  }

  async #more(): Promise<boolean> {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await this.reader.read();
    } catch (error) {
      throw new WireError("connection-error", `${error}`);
    }
    if (next.done) return false;
    this.#buffer = this.#buffer.length === 0 ? next.value : concatBytes([this.#buffer, next.value]);
    return true;
  }
}

function startsWith(bytes: Uint8Array, pattern: Uint8Array, at: number): boolean {
  for (let i = 0; i < pattern.length; i++) if (bytes[at + i] !== pattern[i]) return false;
  return true;
}
