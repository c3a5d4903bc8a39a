/**
 * The dialling side of message stream encryption (MSE/PE):
 *
 * 1. A→B: Ya, PadA
 * 2. B→A: Yb, PadB
 * 3. A→B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
 *    ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA))
 * 4. B→A: ENCRYPT(VC, crypto_select, len(PadD), PadD)
 *
 * then the BitTorrent handshake, encrypted when B selected RC4. We send no
 * initial payload (IA): our handshake follows step 4, as WebTorrent's and
 * libtorrent's do, so it is encrypted or not as B chose.
 *
 * @module
 */

import type { Conn } from "../../../transports/mod.ts";
import { concatBytes } from "../../bytes.ts";
import { WireError } from "../wire_error.ts";
import { ByteReader } from "./_reader.ts";
import {
  checkPad,
  CRYPTO_PLAINTEXT,
  CRYPTO_RC4,
  cryptoBlock,
  guarded,
  MAX_PAD,
  type MseOptions,
  padding,
  settle,
  VC_BYTES,
  view,
} from "./_steps.ts";
import type { MseConn } from "./conn.ts";
import { DH_BYTES, dhKeys, dhSecret } from "./dh.ts";
import { ciphersFor, labelled, xor20 } from "./keys.ts";

/** Options for {@link mseConnect}. */
export interface MseConnectOptions extends MseOptions {
  /** The torrent's 20-byte info hash: SKEY. */
  infoHash: Uint8Array;
  /** crypto_provide: `CRYPTO_PLAINTEXT`, `CRYPTO_RC4` or both. */
  provide: number;
}

/**
 * Runs the initiator's side of the MSE handshake over a connection we dialled.
 *
 * @param conn A fresh connection (nothing read or written yet).
 * @param options The info hash, the methods we offer, timeout, signal.
 * @returns The connection to run the BitTorrent handshake over.
 * @throws {WireError} Why it failed (`bad-encryption-handshake`,
 *   `connection-closed`, `handshake-timeout` ...),
 *   the connection closed; the signal's reason when aborted.
 */
export function mseConnect(conn: Conn, options: MseConnectOptions): Promise<MseConn> {
  const input = new ByteReader(conn.readable.getReader());
  const writer = conn.writable.getWriter();
  return guarded(conn, input, options, async () => {
    const keys = dhKeys();
    await writer.write(concatBytes([keys.publicKey, padding(options)]));
    const secret = dhSecret(keys, await input.take(DH_BYTES, "Yb"));
    if (!secret) throw new WireError("bad-encryption-handshake", "a degenerate Yb");
    const [req1, req2, req3, ciphers] = await Promise.all([
      labelled("req1", secret),
      labelled("req2", options.infoHash),
      labelled("req3", secret),
      ciphersFor(secret, options.infoHash, true),
    ]);
    const tail = ciphers.encrypt.apply(cryptoBlock(options.provide, padding(options), 2)); // len(IA) = 0
    await writer.write(concatBytes([req1, xor20(req2, req3), tail]));
    // B's step 4 starts with ENCRYPT(VC) somewhere behind PadB.
    const vc = ciphers.decrypt.apply(new Uint8Array(VC_BYTES));
    await input.skipPast(vc, MAX_PAD, "the encrypted VC");
    const head = view(ciphers.decrypt.apply(await input.take(6, "crypto_select")));
    const select = head.getUint32(0);
    if ((select !== CRYPTO_PLAINTEXT && select !== CRYPTO_RC4) || !(select & options.provide)) {
      throw new WireError("bad-encryption-handshake", `crypto_select ${select} was not offered`);
    }
    const padD = head.getUint16(4);
    checkPad(padD, "PadD");
    ciphers.decrypt.apply(await input.take(padD, "PadD"));
    return settle(conn, { input, writer, ciphers }, select);
  });
}
