/**
 * A `Conn` after message stream encryption (or after telling a plaintext
 * handshake apart): bytes already read come first; with RC4 selected,
 * reads are decrypted and writes encrypted; otherwise writes go straight
 * to the connection underneath.
 *
 * @module
 */

import type { Conn, PeerAddress, TransportName } from "../../../transports/mod.ts";
import type { Ciphers } from "./keys.ts";

/**
 * How a connection was set up: `rc4`, everything encrypted after an MSE
 * handshake; `handshake`, an MSE handshake and then plaintext (the peer
 * chose crypto_select 0x01: the handshake is obfuscated, the data is not);
 * `none`, a plain BitTorrent handshake.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { memoryConnPair } from "../../../transports/memory.ts";
 * import { makePeerId, PeerWire } from "../mod.ts";
 * import type { PeerEncryption } from "./conn.ts";
 *
 * const [a, b] = memoryConnPair();
 * const [ours, theirs] = await Promise.all([
 *   PeerWire.connect(a, { infoHash: new Uint8Array(20), peerId: makePeerId() }),
 *   PeerWire.accept(b, { peerId: makePeerId(), accept: () => true }),
 * ]);
 * const encryption: PeerEncryption = ours.encryption;
 * strictEqual(encryption, "none"); // a plain handshake, straight over the Conn
 * ours.close();
 * await theirs.closed;
 * ```
 */
export type PeerEncryption = "rc4" | "handshake" | "none";

/** A connection whose handshake part is over, as the wire layer should see it. */
export class MseConn implements Conn {
  readonly transport: TransportName;
  readonly remoteAddress: PeerAddress | null;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly closed: Promise<void>;
  /** What protects the stream. */
  readonly encryption: PeerEncryption;
  #inner: Conn;

  /**
   * @param inner The connection.
   * @param io Its locked reader and writer, bytes read past the handshake
   *   (already decrypted), and the ciphers when RC4 was selected.
   * @param encryption What protects the stream.
   */
  constructor(
    inner: Conn,
    io: {
      reader: ReadableStreamDefaultReader<Uint8Array>;
      writer: WritableStreamDefaultWriter<Uint8Array>;
      head: Uint8Array;
      ciphers: Ciphers | null;
    },
    encryption: PeerEncryption,
  ) {
    this.#inner = inner;
    this.transport = inner.transport;
    this.remoteAddress = inner.remoteAddress;
    this.closed = inner.closed;
    this.encryption = encryption;
    const { reader, writer, ciphers } = io;
    if (!ciphers && io.head.length === 0) {
      // Plaintext with nothing read ahead: the transport's own stream, no extra layer per chunk.
      reader.releaseLock();
      this.readable = inner.readable;
    } else {
      this.readable = readThrough(reader, io.head, ciphers, () => this.close());
    }
    if (ciphers) {
      this.writable = new WritableStream<Uint8Array>({
        // The caller may reuse or share its chunk (a block sent to many peers): encrypt a copy.
        write: (chunk) => writer.write(ciphers.encrypt.apply(chunk, new Uint8Array(chunk.length))),
        close: () => this.close(),
        abort: () => this.close(),
      });
    } else {
      writer.releaseLock();
      this.writable = inner.writable;
    }
  }

  close(): void {
    this.#inner.close();
  }
}

/** The decrypted stream of `reader`, after the bytes read ahead during the handshake. */
function readThrough(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: Uint8Array,
  ciphers: Ciphers | null,
  close: () => void,
): ReadableStream<Uint8Array> {
  let head: Uint8Array | null = first.length > 0 ? first : null;
  return new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      if (head) {
        controller.enqueue(head);
        head = null;
        return;
      }
      const { value, done } = await reader.read();
      if (done) return controller.close();
      // Transports hand over chunks they no longer use: decrypt in place.
      controller.enqueue(ciphers ? ciphers.decrypt.apply(value) : value);
    },
    cancel: close,
  }, { highWaterMark: 0 });
}
