/**
 * Deterministic test data: the same bytes for the same name on every run.
 *
 * @module
 */

import type { SourceFile } from "../src/metainfo/create_torrent.ts";

/** `length` pseudo-random bytes seeded by `seed`. */
export function pseudoRandomBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A `createTorrent` source over bytes in memory. */
export function memorySource(path: string[], bytes: Uint8Array): SourceFile {
  return {
    path,
    length: bytes.length,
    stream: () => new Blob([bytes as Uint8Array<ArrayBuffer>]).stream(),
  };
}
