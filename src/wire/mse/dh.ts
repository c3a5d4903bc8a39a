/**
 * The Diffie-Hellman exchange of message stream encryption: the spec's
 * 768-bit prime, generator 2, 160-bit private keys, public keys and the
 * shared secret as 96 big-endian bytes. BigInt arithmetic, no dependency.
 *
 * @module
 */

import { fromHex, toHex } from "../../bytes.ts";

/** Bytes in a public key and in the shared secret. */
export const DH_BYTES = 96;

/** The prime P of the MSE spec (768 bits). */
const P = BigInt(
  "0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74" +
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437" +
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563",
);
const G = 2n;
/** Private key length: the spec asks for 160 bits. */
const PRIVATE_BYTES = 20;

/** One side's key pair. */
export interface DhKeys {
  /** The private exponent. */
  readonly secret: bigint;
  /** G^secret mod P, 96 bytes big-endian. */
  readonly publicKey: Uint8Array;
}

/**
 * A fresh key pair.
 *
 * @param secret The private exponent; random 160 bits by default (tests pass a fixed one).
 * @returns The private exponent and the public key.
 */
export function dhKeys(secret: bigint = randomSecret()): DhKeys {
  return { secret, publicKey: toBytes(modPow(G, secret, P)) };
}

/**
 * The shared secret S from our keys and the peer's public key.
 *
 * @param keys Our key pair.
 * @param theirs The peer's 96-byte public key.
 * @returns S, 96 bytes big-endian; `null` for a public key outside 2..P-2,
 *   which would make S guessable.
 */
export function dhSecret(keys: DhKeys, theirs: Uint8Array): Uint8Array | null {
  const y = BigInt(`0x${toHex(theirs)}`);
  if (y < 2n || y > P - 2n) return null;
  return toBytes(modPow(y, keys.secret, P));
}

function randomSecret(): bigint {
  return BigInt(`0x${toHex(crypto.getRandomValues(new Uint8Array(PRIVATE_BYTES)))}`);
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

function toBytes(n: bigint): Uint8Array {
  return fromHex(n.toString(16).padStart(DH_BYTES * 2, "0"));
}
