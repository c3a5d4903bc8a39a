/**
 * One method per peer wire message, over an abstract `send` of a
 * {@link Message}: the sending half of `PeerWire`.
 *
 * @module
 */

import type { BlockMessage, Message } from "./messages.ts";

/**
 * Typed senders for every message. Each resolves `true` once the
 * connection has taken the bytes (await it for backpressure) and `false`
 * when the connection closed first; none rejects.
 *
 * @example
 * ```ts
 * import { MessageSender } from "./message_sender.ts";
 * import type { Message } from "./messages.ts";
 * class Recorder extends MessageSender {
 *   sent: Message[] = [];
 *   send(message: Message): Promise<boolean> {
 *     this.sent.push(message);
 *     return Promise.resolve(true);
 *   }
 * }
 * const recorder = new Recorder();
 * await recorder.have(3);
 * console.assert(recorder.sent[0]?.type === "have");
 * ```
 */
export abstract class MessageSender {
  /**
   * Sends any message.
   *
   * @param message The message.
   * @returns `true` once the connection took the bytes, `false` if it closed first.
   */
  abstract send(message: Message): Promise<boolean>;

  /** Sends a keep-alive. @returns Whether the connection took it. */
  keepAlive(): Promise<boolean> {
    return this.send({ type: "keepAlive" });
  }

  /** Chokes the peer. @returns Whether the connection took it. */
  choke(): Promise<boolean> {
    return this.send({ type: "choke" });
  }

  /** Unchokes the peer. @returns Whether the connection took it. */
  unchoke(): Promise<boolean> {
    return this.send({ type: "unchoke" });
  }

  /** Says we are interested. @returns Whether the connection took it. */
  interested(): Promise<boolean> {
    return this.send({ type: "interested" });
  }

  /** Says we are not interested. @returns Whether the connection took it. */
  notInterested(): Promise<boolean> {
    return this.send({ type: "notInterested" });
  }

  /** Announces a piece. @param index Piece index. @returns Whether the connection took it. */
  have(index: number): Promise<boolean> {
    return this.send({ type: "have", index });
  }

  /** Sends our pieces, high bit of byte 0 first. @param bits The bitfield. @returns Whether the connection took it. */
  bitfield(bits: Uint8Array): Promise<boolean> {
    return this.send({ type: "bitfield", bits });
  }

  /** BEP 6: says we have every piece. @returns Whether the connection took it. */
  haveAll(): Promise<boolean> {
    return this.send({ type: "haveAll" });
  }

  /** BEP 6: says we have no piece. @returns Whether the connection took it. */
  haveNone(): Promise<boolean> {
    return this.send({ type: "haveNone" });
  }

  /**
   * Requests a block.
   *
   * @param index Piece index.
   * @param begin Byte offset in the piece.
   * @param length Block length.
   * @returns Whether the connection took it.
   */
  request(index: number, begin: number, length: number): Promise<boolean> {
    return this.#block("request", index, begin, length);
  }

  /**
   * Cancels a request.
   *
   * @param index Piece index.
   * @param begin Byte offset in the piece.
   * @param length Block length.
   * @returns Whether the connection took it.
   */
  cancel(index: number, begin: number, length: number): Promise<boolean> {
    return this.#block("cancel", index, begin, length);
  }

  /**
   * BEP 6: refuses a request the peer made.
   *
   * @param index Piece index.
   * @param begin Byte offset in the piece.
   * @param length Block length.
   * @returns Whether the connection took it.
   */
  reject(index: number, begin: number, length: number): Promise<boolean> {
    return this.#block("reject", index, begin, length);
  }

  /**
   * Sends a block of data.
   *
   * @param index Piece index.
   * @param begin Byte offset in the piece.
   * @param block The data.
   * @returns Whether the connection took it.
   */
  piece(index: number, begin: number, block: Uint8Array): Promise<boolean> {
    return this.send({ type: "piece", index, begin, block });
  }

  /** BEP 6: suggests a piece. @param index Piece index. @returns Whether the connection took it. */
  suggest(index: number): Promise<boolean> {
    return this.send({ type: "suggest", index });
  }

  /** BEP 6: lets the peer request a piece while choked. @param index Piece index. @returns Whether the connection took it. */
  allowedFast(index: number): Promise<boolean> {
    return this.send({ type: "allowedFast", index });
  }

  /** BEP 5: tells the peer our DHT port. @param port UDP port. @returns Whether the connection took it. */
  port(port: number): Promise<boolean> {
    return this.send({ type: "port", port });
  }

  /**
   * BEP 10: sends an extension message.
   *
   * @param id The id the peer assigned to the extension (0 is the handshake).
   * @param payload The extension's bytes.
   * @returns Whether the connection took it.
   */
  extended(id: number, payload: Uint8Array): Promise<boolean> {
    return this.send({ type: "extended", id, payload });
  }

  #block(type: BlockMessage["type"], index: number, begin: number, length: number) {
    return this.send({ type, index, begin, length });
  }
}
