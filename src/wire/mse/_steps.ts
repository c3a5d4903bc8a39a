/**
 * What the MSE initiator and responder share: the crypto bits, the bounds,
 * random padding, and the guard that bounds a handshake in time and turns
 * every failure into a typed `WireError` with the connection closed.
 *
 * @module
 */

import type { Conn } from "../../../transports/mod.ts";
import { concatBytes } from "../../bytes.ts";
import { WireError } from "../wire_error.ts";
import type { ByteReader } from "./_reader.ts";
import { MseConn } from "./conn.ts";
import type { Ciphers } from "./keys.ts";

/** crypto_provide / crypto_select bit: plaintext after the handshake. */
export const CRYPTO_PLAINTEXT = 0x01;
/** crypto_provide / crypto_select bit: RC4 after the handshake. */
export const CRYPTO_RC4 = 0x02;
/** Most bytes of PadA, PadB, PadC or PadD. */
export const MAX_PAD = 512;
/** VC, the verification constant: 8 zero bytes (encrypted on the wire). */
export const VC_BYTES = 8;

/** Options both sides of an MSE handshake take. */
export interface MseOptions {
  /** Longest time for the whole exchange, in ms. */
  timeoutMs: number;
  /** Abandons the handshake (it rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Picks each padding length, 0 to 512; random by default (tests fix it). */
  padLength?: () => number;
}

/** Random bytes of a length from `options.padLength`, or random from 0 to 512. */
export function padding(options: MseOptions): Uint8Array {
  const n = options.padLength?.() ?? Math.floor(Math.random() * (MAX_PAD + 1));
  return crypto.getRandomValues(new Uint8Array(Math.max(0, Math.min(MAX_PAD, n))));
}

/** A DataView over some bytes. */
export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * VC, a 4-byte crypto field, len(pad) and the pad, with `trailing` zero
 * bytes after (len(IA) in step 3), not yet encrypted: step 4 whole, and
 * the encrypted start of step 3.
 */
export function cryptoBlock(field: number, pad: Uint8Array, trailing = 0): Uint8Array {
  const block = new Uint8Array(VC_BYTES + 6 + pad.length + trailing);
  view(block).setUint32(VC_BYTES, field);
  view(block).setUint16(VC_BYTES + 4, pad.length);
  block.set(pad, VC_BYTES + 6);
  return block;
}

/**
 * The connection once crypto_select is known: what was read past the
 * handshake comes first, decrypted when RC4 was selected.
 *
 * @param conn The connection.
 * @param io Its reader and writer, the ciphers, and decrypted bytes to put first (IA).
 * @param select crypto_select.
 */
export function settle(
  conn: Conn,
  io: {
    input: ByteReader;
    writer: WritableStreamDefaultWriter<Uint8Array>;
    ciphers: Ciphers;
    first?: Uint8Array;
  },
  select: number,
): MseConn {
  const rc4 = select === CRYPTO_RC4;
  const rest = io.input.rest();
  if (rc4) io.ciphers.decrypt.apply(rest);
  const head = io.first ? concatBytes([io.first, rest]) : rest;
  const ciphers = rc4 ? io.ciphers : null;
  return new MseConn(
    conn,
    { reader: io.input.reader, writer: io.writer, head, ciphers },
    rc4 ? "rc4" : "handshake",
  );
}

/** Checks a padding length read from the peer. */
export function checkPad(length: number, what: string): void {
  if (length > MAX_PAD) {
    throw new WireError("bad-encryption-handshake", `${what} of ${length} bytes, over ${MAX_PAD}`);
  }
}

/**
 * Runs one side's steps within `options.timeoutMs`: on a timeout or an
 * abort the connection is closed (which ends any pending read); on any
 * failure it is closed and the error is a `WireError`.
 *
 * @param conn The connection.
 * @param input Its reader.
 * @param options Timeout and abort signal.
 * @param steps The steps.
 * @returns What the steps return.
 * @throws {WireError} `handshake-timeout`, or why the steps failed; the
 *   signal's reason when aborted.
 */
export async function guarded<T>(
  conn: Conn,
  input: ByteReader,
  options: MseOptions,
  steps: () => Promise<T>,
): Promise<T> {
  const { signal, timeoutMs } = options;
  let timedOut = false;
  const stop = () => {
    conn.close();
    input.reader.cancel().catch(() => {});
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, timeoutMs);
  signal?.addEventListener("abort", stop, { once: true });
  try {
    signal?.throwIfAborted();
    return await steps();
  } catch (error) {
    stop();
    if (signal?.aborted) throw signal.reason;
    if (timedOut) {
      throw new WireError("handshake-timeout", `no encryption handshake within ${timeoutMs} ms`);
    }
    throw error instanceof WireError ? error : new WireError("connection-error", `${error}`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", stop);
  }
}
