/**
 * What MSE derives from the shared secret S and the info hash (SKEY), all
 * SHA-1: the synchronisation hash `HASH('req1', S)`, the obfuscated info
 * hash `HASH('req2', SKEY) xor HASH('req3', S)`, and the RC4 keys
 * `HASH('keyA', S, SKEY)` (the initiator's sending key) and
 * `HASH('keyB', S, SKEY)` (the receiver's).
 *
 * @module
 */

import { concatBytes, utf8 } from "../../bytes.ts";
import { sha1 } from "../../metainfo/hash.ts";
import { Rc4 } from "./rc4.ts";

/** SHA-1 of a label followed by some bytes. */
export function labelled(label: string, ...parts: Uint8Array[]): Promise<Uint8Array> {
  return sha1(concatBytes([utf8(label), ...parts]));
}

/** `a xor b`, for two 20-byte hashes. */
export function xor20(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(20);
  for (let i = 0; i < 20; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** The two RC4 streams of one side. */
export interface Ciphers {
  /** Encrypts what we send. */
  encrypt: Rc4;
  /** Decrypts what we receive. */
  decrypt: Rc4;
}

/**
 * The RC4 streams for one side, keystream already advanced past the
 * discarded 1,024 bytes.
 *
 * @param secret S.
 * @param skey The info hash.
 * @param initiator Whether we dialled (we send with keyA), or accepted (keyB).
 * @returns Our sending and receiving ciphers.
 */
export async function ciphersFor(
  secret: Uint8Array,
  skey: Uint8Array,
  initiator: boolean,
): Promise<Ciphers> {
  const [a, b] = await Promise.all([
    labelled("keyA", secret, skey),
    labelled("keyB", secret, skey),
  ]);
  return initiator
    ? { encrypt: new Rc4(a), decrypt: new Rc4(b) }
    : { encrypt: new Rc4(b), decrypt: new Rc4(a) };
}
