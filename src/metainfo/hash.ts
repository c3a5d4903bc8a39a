/**
 * SHA-1 and SHA-256 through WebCrypto, available in Deno, Node 20 and
 * browsers alike.
 *
 * @module
 */

/**
 * SHA-1 digest (20 bytes) of some bytes.
 *
 * @example
 * ```ts
 * import { sha1 } from "./hash.ts";
 * const digest = await sha1(new Uint8Array());
 * console.assert(digest.length === 20);
 * ```
 */
export async function sha1(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(
    await crypto.subtle.digest("SHA-1", data as Uint8Array<ArrayBuffer>),
  );
}

/** SHA-256 digest (32 bytes) of some bytes. */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(
    await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>),
  );
}
