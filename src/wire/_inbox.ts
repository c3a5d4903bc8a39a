/**
 * The receiving half of a `PeerWire`: reads chunks when asked, decodes and
 * checks them, and hands out messages one at a time.
 *
 * @module
 */

import { concatBytes } from "../bytes.ts";
import type { Limits } from "../limits.ts";
import { MessageDecoder } from "./decoder.ts";
import { decodeExtensionHandshake, type ExtensionHandshake } from "./extension_handshake.ts";
import type { Message } from "./messages.ts";
import { PeerState, type PeerStateOptions } from "./peer_state.ts";
import type { CloseReason } from "./peer_wire_options.ts";
import { WireError } from "./wire_error.ts";

/** Closes the connection with a reason. */
export type Close = (reason: CloseReason, message: string) => void;

/** Reads, decodes and checks what one peer sends. */
export class Inbox {
  /** The framer. */
  decoder: MessageDecoder = new MessageDecoder();
  /** Protocol state. */
  state: PeerState = new PeerState({ fast: false, extended: false });
  /** The peer's latest BEP 10 handshake. */
  peerExtensions: ExtensionHandshake | null = null;
  /** While true, the first BEP 10 handshake is kept rather than queued. */
  opening = true;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #close: Close;
  #limits: Partial<Limits>;
  #queue: (Message | undefined)[] = [];
  #queueAt = 0;
  #reading = false;
  #lastHeard = performance.now();
  #done = false;

  /**
   * @param readable Bytes from the peer.
   * @param limits Bounds for messages and BEP 10 handshakes.
   * @param close Called when the stream ends or fails.
   */
  constructor(readable: ReadableStream<Uint8Array>, limits: Partial<Limits>, close: Close) {
    this.#reader = readable.getReader();
    this.#limits = limits;
    this.#close = close;
  }

  /** When the current silence began: now while nobody is reading, as the peer is not to blame. */
  idleSince(): number {
    return this.#reading ? this.#lastHeard : performance.now();
  }

  /**
   * Starts checking against what the handshake agreed and the torrent's shape.
   *
   * @param options What was agreed, bounds and the shape.
   */
  agree(options: PeerStateOptions): void {
    this.state = new PeerState(options);
    const pieceCount = options.torrent?.pieceCount ?? null;
    this.decoder = new MessageDecoder({ limits: this.#limits, pieceCount });
  }

  /** True once reading has stopped for good. */
  get done(): boolean {
    return this.#done;
  }

  /** Stops reading for good; a pending read ends. */
  cancel(): void {
    this.#done = true;
    this.#reader.cancel().catch(() => {});
  }

  /**
   * The next message for the owner: from the queue, else read and decoded;
   * a protocol fault closes the connection.
   *
   * @returns The message, or `done` once closed and every queued message is out.
   */
  next(): Promise<IteratorResult<Message, undefined>> {
    const message = this.#take();
    return message ? Promise.resolve({ value: message, done: false }) : this.#fill();
  }

  async #fill(): Promise<IteratorResult<Message, undefined>> {
    while (true) {
      const message = this.#take();
      if (message) return { value: message, done: false };
      const chunk = await this.read();
      if (!chunk) return { value: undefined, done: true };
      try {
        this.ingest(chunk);
      } catch (error) {
        if (!(error instanceof WireError)) throw error;
        this.#close(error.reason, error.detail);
      }
    }
  }

  #take(): Message | undefined {
    const message = this.#queue[this.#queueAt];
    if (message === undefined) return undefined;
    this.#queue[this.#queueAt++] = undefined; // let the block go
    if (this.#queueAt === this.#queue.length) {
      this.#queue = [];
      this.#queueAt = 0;
    }
    return message;
  }

  /**
   * Decodes and checks a chunk, queueing what the owner should see.
   *
   * @param chunk Bytes from the peer.
   * @throws {WireError} When the peer broke the protocol.
   */
  ingest(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    for (const message of this.decoder.push(chunk)) {
      if (!this.state.receive(message)) continue;
      if (message.type === "extended" && message.id === 0) {
        this.peerExtensions = decodeExtensionHandshake(message.payload, this.#limits);
        if (this.opening) continue;
      }
      this.#queue.push(message);
    }
  }

  /**
   * Reads at least `length` bytes.
   *
   * @param length How many bytes are needed.
   * @returns The bytes read (possibly more), or `null` when the connection closed first.
   */
  async readAtLeast(length: number): Promise<Uint8Array | null> {
    let buffered: Uint8Array = new Uint8Array(0);
    while (buffered.length < length) {
      const chunk = await this.read();
      if (!chunk) return null;
      buffered = buffered.length === 0 ? chunk : concatBytes([buffered, chunk]);
    }
    return buffered;
  }

  /**
   * The next chunk from the peer.
   *
   * @returns The chunk, or `null` once closed (closing the wire when the stream ended or failed).
   */
  async read(): Promise<Uint8Array | null> {
    if (this.#done) return null;
    this.#reading = true;
    this.#lastHeard = performance.now();
    try {
      const { value, done } = await this.#reader.read();
      this.#lastHeard = performance.now();
      if (done) this.#close("connection-closed", "the peer closed the connection");
      return this.#done ? null : value!;
    } catch (error) {
      this.#close("connection-error", `${error}`);
      return null;
    } finally {
      this.#reading = false;
    }
  }
}
