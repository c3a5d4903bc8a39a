/**
 * When to use message stream encryption (MSE/PE), in the terms users of
 * other clients know, and what each policy offers and accepts.
 *
 * @module
 */

import { CRYPTO_PLAINTEXT, CRYPTO_RC4 } from "./_steps.ts";

/**
 * Message stream encryption (MSE/PE, "protocol encryption") for TCP and uTP peers:
 *
 * - `"prefer"` (the default): dial with an MSE handshake offering RC4 and
 *   plaintext, and redial with a plain handshake when the peer does not
 *   answer it; accept both. As the receiver we choose plaintext when the
 *   dialler offers it, so only the handshake is obfuscated and data costs
 *   no CPU (libtorrent's and qBittorrent's default, Transmission's "prefer
 *   encryption").
 * - `"require"`: MSE with RC4 only, both ways; plain handshakes are refused
 *   (Transmission's "require encryption", libtorrent's `pe_forced` with RC4).
 * - `"allow"`: dial plain; accept MSE and plain (Transmission's "allow
 *   encryption").
 * - `"off"`: plain only; MSE handshakes fail as bad handshakes.
 *
 * WebRTC connections never use MSE.
 *
 * @example
 * ```ts
 * import { Client, type EncryptionPolicy } from "../../../mod.ts";
 *
 * const encryption: EncryptionPolicy = "require";
 * const client = await Client.create({ host: "127.0.0.1", port: 0, encryption });
 * await client.close();
 * ```
 */
export type EncryptionPolicy = "prefer" | "require" | "allow" | "off";

/** Every policy, for argument parsing. */
export const ENCRYPTION_POLICIES: readonly EncryptionPolicy[] = [
  "prefer",
  "require",
  "allow",
  "off",
];

/**
 * What we offer as crypto_provide when dialling.
 *
 * @returns The bits, or 0 to dial with a plain handshake.
 */
export function provideFor(policy: EncryptionPolicy): number {
  if (policy === "require") return CRYPTO_RC4;
  return policy === "prefer" ? CRYPTO_PLAINTEXT | CRYPTO_RC4 : 0;
}

/**
 * What we select as the receiver from a dialler's crypto_provide: RC4 only
 * under `require`, otherwise plaintext when offered, else RC4.
 *
 * @returns `CRYPTO_PLAINTEXT`, `CRYPTO_RC4`, or 0 when nothing offered is acceptable.
 */
export function selectFor(policy: EncryptionPolicy, provide: number): number {
  if (policy !== "require" && provide & CRYPTO_PLAINTEXT) return CRYPTO_PLAINTEXT;
  return provide & CRYPTO_RC4;
}
