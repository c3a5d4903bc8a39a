/**
 * An incoming connection before the BitTorrent handshake: a plain
 * handshake starts with byte 19 and "BitTorrent protocol"; anything else is
 * taken for an MSE handshake. The policy decides which are welcome.
 *
 * @module
 */

import type { Conn } from "../../../transports/mod.ts";
import { startsLikeHandshake } from "../handshake.ts";
import { WireError } from "../wire_error.ts";
import { ByteReader } from "./_reader.ts";
import { guarded, type MseOptions } from "./_steps.ts";
import { MseConn } from "./conn.ts";
import { type EncryptionPolicy, selectFor } from "./policy.ts";
import { mseRespond } from "./responder.ts";

/** Bytes that tell a plain handshake from MSE. */
const SNIFF_BYTES = 20;

/** Options for {@link acceptIncoming}. */
export interface IncomingOptions extends MseOptions {
  /** Which handshakes are welcome, and what to select. */
  policy: EncryptionPolicy;
  /** The info hashes we serve. */
  infoHashes: () => Iterable<Uint8Array>;
}

/** An incoming connection ready for the BitTorrent handshake. */
export interface Incoming {
  /** The connection to run the BitTorrent handshake over. */
  conn: Conn;
  /** The info hash an MSE handshake asked for, or `null` after a plain start. */
  infoHash: Uint8Array | null;
}

/**
 * Tells a plain handshake from MSE and runs the MSE receiver's steps.
 *
 * @param conn A connection that came in, nothing read yet.
 * @param options The policy, our info hashes, timeout and signal.
 * @returns The connection for the BitTorrent handshake; under `"off"` the
 *   connection untouched.
 * @throws {WireError} `encryption-mismatch` (a plain handshake under
 *   `"require"`, no acceptable method), or why MSE failed; the connection closed.
 */
export async function acceptIncoming(conn: Conn, options: IncomingOptions): Promise<Incoming> {
  if (options.policy === "off") return { conn, infoHash: null };
  const input = new ByteReader(conn.readable.getReader());
  return await guarded(conn, input, options, async () => {
    const start = await input.peek(SNIFF_BYTES);
    if (!start) throw new WireError("connection-closed", "the peer closed before a handshake");
    if (!startsLikeHandshake(start)) {
      return await mseRespond(conn, input, {
        ...options,
        select: (provide) => selectFor(options.policy, provide),
      });
    }
    if (options.policy === "require") {
      throw new WireError("encryption-mismatch", "a plain handshake, and encryption is required");
    }
    const plain = new MseConn(conn, {
      reader: input.reader,
      writer: conn.writable.getWriter(),
      head: input.rest(),
      ciphers: null,
    }, "none");
    return { conn: plain, infoHash: null };
  });
}
