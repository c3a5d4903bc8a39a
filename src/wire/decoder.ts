/**
 * A streaming decoder (framer) for peer wire messages after the handshake.
 *
 * @module
 */

import { defaultLimits, type Limits } from "../limits.ts";
import { bitfieldBytes, checkFrame, parsePayload, read32 } from "./_frame.ts";
import { type Message, MessageId } from "./messages.ts";
import { WireError } from "./wire_error.ts";

/**
 * Options for {@link MessageDecoder}.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { type DecoderOptions, MessageDecoder } from "./decoder.ts";
 * import { encodeMessage } from "./encode.ts";
 *
 * const options: DecoderOptions = { limits: { maxMessageBytes: 64 }, pieceCount: 8 };
 * const decoder = new MessageDecoder(options);
 * const tooLong = encodeMessage({ type: "bitfield", bits: new Uint8Array(2) });
 * throws(() => decoder.push(tooLong), { reason: "bad-bitfield" });
 * ```
 */
export interface DecoderOptions {
  /** Bounds; only `maxMessageBytes` is used here. */
  limits?: Partial<Pick<Limits, "maxMessageBytes">>;
  /** The torrent's piece count, when known; see {@link MessageDecoder.pieceCount}. */
  pieceCount?: number | null;
}

/**
 * Turns chunks split anywhere into messages.
 *
 * Every length prefix is checked before its payload is buffered: over
 * `limits.maxMessageBytes` is `message-too-long` (a bitfield may instead be
 * as long as the piece count needs, when that is known); a length that does
 * not fit the message type is `bad-length`; an id that no extension defines
 * is `unknown-message`. Unknown ids are errors, as in libtorrent, because
 * every message added after BEP 3 is negotiated in the handshake (BEP 6, 10,
 * 52), so a peer sending one has broken the protocol. With the piece count
 * known, a bitfield of the wrong length or with spare bits set is
 * `bad-bitfield`.
 *
 * A message wholly inside one chunk is not copied: its byte fields are
 * views of that chunk, so a caller must not reuse chunks it has pushed. A
 * message split across chunks is assembled into a buffer of its exact size.
 *
 * @example
 * ```ts
 * import { MessageDecoder } from "./decoder.ts";
 * const decoder = new MessageDecoder();
 * console.assert(decoder.push(new Uint8Array([0, 0, 0, 5, 4, 0])).length === 0);
 * const [have] = decoder.push(new Uint8Array([0, 0, 7, 0, 0, 0, 0]));
 * console.assert(have?.type === "have" && have.index === 7);
 * ```
 */
export class MessageDecoder {
  #maxMessageBytes: number;
  #pieceCount: number | null;
  /** Length prefix and id of a message whose header was split. */
  #head = new Uint8Array(5);
  #headFill = 0;
  /** The id and payload being assembled from several chunks. */
  #id = 0;
  #body: Uint8Array | null = null;
  #bodyFill = 0;
  #failure: WireError | null = null;

  /**
   * Makes a decoder at the start of a message stream.
   *
   * @param options Bounds and the piece count.
   */
  constructor(options: DecoderOptions = {}) {
    this.#maxMessageBytes = options.limits?.maxMessageBytes ?? defaultLimits.maxMessageBytes;
    this.#pieceCount = options.pieceCount ?? null;
  }

  /**
   * The piece count bitfields are checked against, or `null` when unknown
   * (before a magnet's metadata arrives); settable at any time.
   */
  get pieceCount(): number | null {
    return this.#pieceCount;
  }

  set pieceCount(count: number | null) {
    this.#pieceCount = count;
  }

  /** Bytes held of a message not yet complete. */
  get bufferedBytes(): number {
    return this.#headFill + this.#bodyFill;
  }

  /**
   * Decodes what a chunk completes.
   *
   * @param chunk The next bytes from the peer, of any length.
   * @returns The messages completed, in order (often none or many).
   * @throws {WireError} At the first fault; the decoder then stays failed and
   * throws the same error on every later call.
   */
  push(chunk: Uint8Array): Message[] {
    if (this.#failure) throw this.#failure;
    try {
      return this.#drain(chunk);
    } catch (error) {
      this.#failure = error as WireError;
      throw error;
    }
  }

  #drain(chunk: Uint8Array): Message[] {
    const out: Message[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#body) {
        const take = Math.min(this.#body.length - this.#bodyFill, chunk.length - pos);
        this.#body.set(chunk.subarray(pos, pos + take), this.#bodyFill);
        this.#bodyFill += take;
        pos += take;
        if (this.#bodyFill === this.#body.length) {
          out.push(parsePayload(this.#id, this.#body, this.#pieceCount));
          this.#body = null;
          this.#bodyFill = 0;
        }
      } else if (this.#headFill === 0 && chunk.length - pos >= 5) {
        const length = this.#checkLength(read32(chunk, pos));
        if (length === 0) {
          out.push({ type: "keepAlive" });
          pos += 4;
          continue;
        }
        pos = this.#startBody(out, chunk[pos + 4]!, length, chunk, pos + 5);
      } else {
        this.#head[this.#headFill++] = chunk[pos++]!;
        if (this.#headFill === 4 && this.#checkLength(read32(this.#head, 0)) === 0) {
          out.push({ type: "keepAlive" });
          this.#headFill = 0;
        } else if (this.#headFill === 5) {
          this.#headFill = 0;
          pos = this.#startBody(out, this.#head[4]!, read32(this.#head, 0), chunk, pos);
        }
      }
    }
    return out;
  }

  /** Parses the payload in place when the chunk holds all of it, else starts a buffer. */
  #startBody(out: Message[], id: number, length: number, chunk: Uint8Array, pos: number): number {
    if (id !== MessageId.bitfield && length > this.#maxMessageBytes) this.#tooLong(length);
    const payload = checkFrame(id, length, this.#pieceCount);
    if (chunk.length - pos >= payload) {
      out.push(parsePayload(id, chunk.subarray(pos, pos + payload), this.#pieceCount));
      return pos + payload;
    }
    this.#id = id;
    this.#body = new Uint8Array(payload);
    return pos;
  }

  #checkLength(length: number): number {
    const bitfield = this.#pieceCount === null ? 0 : 1 + bitfieldBytes(this.#pieceCount);
    if (length > Math.max(this.#maxMessageBytes, bitfield)) this.#tooLong(length);
    return length;
  }

  #tooLong(length: number): never {
    throw new WireError(
      "message-too-long",
      `length ${length} is over the limit of ${this.#maxMessageBytes} bytes`,
    );
  }
}
