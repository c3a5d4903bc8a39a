/**
 * The one error the peer wire layer throws, with a reason code a caller can
 * switch on.
 *
 * @module
 */

/**
 * Why a peer connection failed or was closed.
 *
 * Framing and codec faults (thrown by the pure codec):
 * - `message-too-long`: a length prefix over `limits.maxMessageBytes`.
 * - `bad-length`: a message whose length does not fit its type.
 * - `unknown-message`: a message id no negotiated extension defines.
 * - `bad-handshake`: not a BitTorrent handshake.
 * - `bad-bitfield`: a bitfield of the wrong length or with spare bits set.
 * - `bad-extension-handshake`: a BEP 10 handshake that is not a valid dictionary.
 * - `bad-extension-message`: a ut_metadata or ut_pex message that breaks its rules.
 *
 * Protocol faults (found by `PeerState` and `PeerWire`):
 * - `unknown-info-hash`: the receiver's accept callback refused the torrent, or
 *   no torrent of ours matches an MSE handshake's obfuscated info hash.
 * - `info-hash-mismatch`: the peer answered for another torrent.
 * - `not-negotiated`: a BEP 6 or BEP 10 message without that extension agreed.
 * - `duplicate-bitfield`: a second bitfield, have all or have none.
 * - `bad-index`: a piece index at or past the piece count.
 * - `bad-request`: a request, cancel, reject or block outside its piece or empty.
 * - `request-too-large`: a request over `limits.maxRequestBytes`.
 * - `too-many-requests`: more queued requests than `limits.maxPeerRequests`.
 *
 * Message stream encryption (MSE/PE):
 * - `bad-encryption-handshake`: an MSE handshake that breaks the spec
 *   (padding over 512 bytes, no synchronisation hash or VC where it must
 *   be, a wrong VC, a crypto_select we did not offer).
 * - `encryption-mismatch`: the encryption policies do not meet (a plain
 *   handshake when encryption is required, no acceptable crypto method).
 *
 * Liveness:
 * - `handshake-timeout`, `idle-timeout`: too long without the expected bytes.
 * - `connection-closed`: the peer ended the stream.
 * - `connection-error`: the transport failed.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { parseHandshake } from "./handshake.ts";
 * import type { WireErrorReason } from "./wire_error.ts";
 *
 * const reason: WireErrorReason = "bad-handshake";
 * throws(() => parseHandshake(new Uint8Array(68)), { reason });
 * ```
 */
export type WireErrorReason =
  | "message-too-long"
  | "bad-length"
  | "unknown-message"
  | "bad-handshake"
  | "bad-bitfield"
  | "bad-extension-handshake"
  | "bad-extension-message"
  | "unknown-info-hash"
  | "info-hash-mismatch"
  | "not-negotiated"
  | "duplicate-bitfield"
  | "bad-index"
  | "bad-request"
  | "request-too-large"
  | "too-many-requests"
  | "bad-encryption-handshake"
  | "encryption-mismatch"
  | "handshake-timeout"
  | "idle-timeout"
  | "connection-closed"
  | "connection-error";

/**
 * A peer broke the wire protocol, or the connection to it failed.
 *
 * It extends `Error` rather than `SyntaxError` because not every reason is
 * malformed input (timeouts, a refused info hash).
 *
 * @example
 * ```ts
 * import { WireError } from "./wire_error.ts";
 * const error = new WireError("bad-length", "have with length 3");
 * console.assert(error.reason === "bad-length");
 * console.assert(error.message === "Peer wire bad-length: have with length 3");
 * ```
 */
export class WireError extends Error {
  /** The reason code. */
  readonly reason: WireErrorReason;
  /** What exactly was wrong (the message without the reason). */
  readonly detail: string;

  /**
   * Makes an error with its reason code.
   *
   * @param reason The reason code.
   * @param detail What exactly was wrong, for logs.
   */
  constructor(reason: WireErrorReason, detail: string) {
    super(`Peer wire ${reason}: ${detail}`);
    this.name = "WireError";
    this.reason = reason;
    this.detail = detail;
  }
}
