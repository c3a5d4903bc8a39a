/**
 * The receiving side of message stream encryption (see `initiator.ts` for
 * the steps): answer Ya with Yb, find HASH('req1', S) behind PadA, learn
 * which torrent is asked for by matching HASH('req2', SKEY) against ours,
 * read the initiator's offer and initial payload (IA), answer with our
 * crypto_select.
 *
 * @module
 */

import type { Conn } from "../../../transports/mod.ts";
import { bytesEqual, concatBytes, toHex } from "../../bytes.ts";
import { WireError } from "../wire_error.ts";
import type { ByteReader } from "./_reader.ts";
import {
  checkPad,
  cryptoBlock,
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

/** Options for {@link mseRespond}. */
export interface MseRespondOptions extends MseOptions {
  /** The info hashes we serve (SKEY candidates). */
  infoHashes: () => Iterable<Uint8Array>;
  /**
   * Picks crypto_select from the peer's crypto_provide: `CRYPTO_PLAINTEXT`,
   * `CRYPTO_RC4`, or 0 when nothing offered is acceptable.
   */
  select: (provide: number) => number;
}

/** What {@link mseRespond} gives. */
export interface MseAccepted {
  /** The connection to run the BitTorrent handshake over (IA first). */
  conn: MseConn;
  /** The info hash the peer asked for (SKEY). */
  infoHash: Uint8Array;
}

/**
 * Runs the receiver's side of the MSE handshake; the caller bounds it in
 * time (`guarded`).
 *
 * @param conn The connection.
 * @param input Its reader, with whatever was read to tell MSE from plaintext still buffered.
 * @param options Our torrents, how to choose the method.
 * @returns The connection and the info hash asked for.
 * @throws {WireError} `unknown-info-hash`, `encryption-mismatch` (no
 *   acceptable method offered), `bad-encryption-handshake`, `connection-closed` ...
 */
export async function mseRespond(
  conn: Conn,
  input: ByteReader,
  options: MseRespondOptions,
): Promise<MseAccepted> {
  const writer = conn.writable.getWriter();
  const theirs = await input.take(DH_BYTES, "Ya");
  const keys = dhKeys();
  const secret = dhSecret(keys, theirs);
  if (!secret) throw new WireError("bad-encryption-handshake", "a degenerate Ya");
  await writer.write(concatBytes([keys.publicKey, padding(options)]));
  const [req1, req3] = await Promise.all([labelled("req1", secret), labelled("req3", secret)]);
  await input.skipPast(req1, MAX_PAD, "HASH('req1', S)");
  const req2 = xor20(await input.take(20, "the obfuscated info hash"), req3);
  const infoHash = await findSkey(req2, options.infoHashes());
  if (!infoHash) {
    throw new WireError("unknown-info-hash", `no torrent whose req2 hash is ${toHex(req2)}`);
  }
  const ciphers = await ciphersFor(secret, infoHash, false);
  const head = ciphers.decrypt.apply(await input.take(VC_BYTES + 6, "VC and crypto_provide"));
  if (head.subarray(0, VC_BYTES).some((b) => b !== 0)) {
    throw new WireError("bad-encryption-handshake", "wrong VC");
  }
  const provide = view(head).getUint32(VC_BYTES);
  const padC = view(head).getUint16(VC_BYTES + 4);
  checkPad(padC, "PadC");
  ciphers.decrypt.apply(await input.take(padC, "PadC"));
  const iaLength = view(ciphers.decrypt.apply(await input.take(2, "len(IA)"))).getUint16(0);
  // IA is always RC4-encrypted, whatever is selected for the rest.
  const ia = ciphers.decrypt.apply(await input.take(iaLength, "IA"));
  const select = options.select(provide);
  if (!select) {
    throw new WireError("encryption-mismatch", `no acceptable method in crypto_provide ${provide}`);
  }
  await writer.write(ciphers.encrypt.apply(cryptoBlock(select, padding(options))));
  const mse = settle(conn, { input, writer, ciphers, first: ia }, select);
  return { conn: mse, infoHash };
}

/** HASH('req2', info hash) of each info hash seen, kept while the info hash lives. */
const req2Hashes = new WeakMap<Uint8Array, Promise<Uint8Array>>();

async function findSkey(
  req2: Uint8Array,
  candidates: Iterable<Uint8Array>,
): Promise<Uint8Array | null> {
  for (const infoHash of candidates) {
    let hash = req2Hashes.get(infoHash);
    if (!hash) req2Hashes.set(infoHash, hash = labelled("req2", infoHash));
    if (bytesEqual(await hash, req2)) return infoHash;
  }
  return null;
}
