/**
 * What the MSE initiator and responder share: the crypto bits, the bounds,
 * random padding, and the guard that bounds a handshake in time and turns
 * every failure into a typed `WireError` with the connection closed.
 *
 * @module
 */

import type { Conn } from "../../../transports/mod.ts";
import { WireError } from "../wire_error.ts";
import type { ByteReader } from "./_reader.ts";

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
