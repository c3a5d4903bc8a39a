/**
 * Shared test helpers for the wire layer: bytes from spaced hex, a seeded
 * generator, random messages, and a scripted raw peer on a memory `Conn`.
 *
 * @module
 */

import type { Conn } from "../../transports/mod.ts";
import { fromHex } from "../../src/bytes.ts";
import { MessageDecoder } from "../../src/wire/decoder.ts";
import { encodeHandshake, type HandshakeFlags, reservedBytes } from "../../src/wire/handshake.ts";
import type { Message } from "../../src/wire/messages.ts";

/** Bytes from hex with optional spaces: `hex("00 01 ff")`. */
export function hex(text: string): Uint8Array {
  return fromHex(text.replace(/\s+/g, ""));
}

/** A seeded xorshift32 generator. */
export class Rng {
  #x: number;

  /** @param seed Any integer; 0 becomes 1. */
  constructor(seed: number) {
    this.#x = seed >>> 0 || 1;
  }

  /** A random 32-bit unsigned integer. */
  u32(): number {
    this.#x ^= this.#x << 13;
    this.#x ^= this.#x >>> 17;
    this.#x ^= this.#x << 5;
    return this.#x >>> 0;
  }

  /** An integer from 0 to `n - 1`. */
  below(n: number): number {
    return this.u32() % n;
  }

  /** `length` random bytes. */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

/** A random valid message of any type. */
export function randomMessage(rng: Rng): Message {
  const small = () => rng.below(4) === 0 ? rng.u32() : rng.below(1000);
  switch (rng.below(20)) {
    case 0:
      return { type: "keepAlive" };
    case 1:
      return { type: "choke" };
    case 2:
      return { type: "unchoke" };
    case 3:
      return { type: "interested" };
    case 4:
      return { type: "notInterested" };
    case 5:
      return { type: "haveAll" };
    case 6:
      return { type: "haveNone" };
    case 7:
      return { type: "have", index: small() };
    case 8:
      return { type: "suggest", index: small() };
    case 9:
      return { type: "allowedFast", index: small() };
    case 10:
      return { type: "bitfield", bits: rng.bytes(rng.below(40)) };
    case 11:
      return { type: "request", index: small(), begin: small(), length: small() };
    case 12:
      return { type: "cancel", index: small(), begin: small(), length: small() };
    case 13:
      return { type: "reject", index: small(), begin: small(), length: small() };
    case 14:
      return { type: "piece", index: small(), begin: small(), block: rng.bytes(rng.below(3000)) };
    case 15:
      return { type: "port", port: rng.below(65536) };
    case 16:
    case 17: {
      const type = rng.below(2) === 0 ? "hashRequest" : "hashReject";
      return { type, piecesRoot: rng.bytes(32), ...hashRange(small) };
    }
    case 18:
      return {
        type: "hashes",
        piecesRoot: rng.bytes(32),
        ...hashRange(small),
        hashes: rng.bytes(32 * rng.below(20)),
      };
    default:
      return { type: "extended", id: rng.below(256), payload: rng.bytes(rng.below(50)) };
  }
}

function hashRange(small: () => number) {
  return { baseLayer: small(), index: small(), length: small(), proofLayers: small() };
}

/** Splits bytes into chunks at `cuts` random points (empty chunks included). */
export function chop(rng: Rng, bytes: Uint8Array, cuts: number): Uint8Array[] {
  const points = Array.from({ length: cuts }, () => rng.below(bytes.length + 1));
  points.push(0, bytes.length);
  points.sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  for (let i = 1; i < points.length; i++) chunks.push(bytes.slice(points[i - 1], points[i]));
  return chunks;
}

/** How long a raw peer waits for bytes before failing the test. */
const READ_TIMEOUT_MS = 5000;

/** The far end of a memory `Conn`, driven byte by byte by a test. */
export class RawPeer {
  #conn: Conn;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buffer = new Uint8Array(0);
  #decoder = new MessageDecoder();

  /** @param conn The test's end. */
  constructor(conn: Conn) {
    this.#conn = conn;
    this.#writer = conn.writable.getWriter();
    this.#reader = conn.readable.getReader();
  }

  /** Writes bytes. */
  async send(bytes: Uint8Array): Promise<void> {
    await this.#writer.write(bytes);
  }

  /** Writes a handshake with the given extension bits. */
  sendHandshake(
    infoHash: Uint8Array,
    peerId: Uint8Array,
    flags: Partial<HandshakeFlags>,
  ): Promise<void> {
    return this.send(encodeHandshake({ reserved: reservedBytes(flags), infoHash, peerId }));
  }

  /** Reads exactly `length` bytes; throws if the stream ends first. */
  async read(length: number): Promise<Uint8Array> {
    while (this.#buffer.length < length) {
      const { value, done } = await this.#next();
      if (done) throw new Error(`stream ended with ${this.#buffer.length} of ${length} bytes`);
      const joined = new Uint8Array(this.#buffer.length + value.length);
      joined.set(this.#buffer);
      joined.set(value, this.#buffer.length);
      this.#buffer = joined;
    }
    const out = this.#buffer.slice(0, length);
    this.#buffer = this.#buffer.slice(length);
    return out;
  }

  /** The next chunk as written by the other side (or what is left buffered). */
  async nextChunk(): Promise<Uint8Array> {
    if (this.#buffer.length > 0) {
      const out = this.#buffer;
      this.#buffer = new Uint8Array(0);
      return out;
    }
    const { value, done } = await this.#next();
    if (done) throw new Error("stream ended");
    return value;
  }

  /** The next read, failing after {@link READ_TIMEOUT_MS} so a missing message fails the test. */
  async #next(): Promise<ReadableStreamReadResult<Uint8Array>> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("nothing to read")), READ_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.#reader.read(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reads the next whole message (keep-alives included). */
  async readMessage(): Promise<Message> {
    const head = await this.read(4);
    const length = new DataView(head.buffer).getUint32(0);
    const body = await this.read(length);
    const [message] = [...this.#decoder.push(head), ...this.#decoder.push(body)];
    return message!;
  }

  /** Resolves once the other side has closed: reads and drops until the end. */
  async ended(): Promise<void> {
    while (!(await this.#next()).done) { /* drain */ }
  }

  /** Closes this end. */
  close(): void {
    this.#conn.close();
  }
}

/** The info hash the wire tests use. */
export const INFO_HASH: Uint8Array = new Uint8Array(20).map((_, i) => i + 1);
