/**
 * Every bound the library enforces, in one place, with documented defaults.
 *
 * Pass a partial object wherever `limits` is accepted; missing fields take
 * the values of {@link defaultLimits}.
 *
 * @module
 */

/** Bounds on what the library accepts from files and the network. */
export interface Limits {
  /** Largest bencoded document (a `.torrent` file, a tracker reply), in bytes. */
  maxBencodeBytes: number;
  /** Deepest nesting of lists and dictionaries in bencode. */
  maxBencodeDepth: number;
  /** Most bencode tokens (integers, strings, lists, dictionaries) in one document. */
  maxBencodeTokens: number;
  /** Longest single bencode byte string, in bytes. */
  maxBencodeStringBytes: number;
  /** Most files one torrent may list (pad files included). */
  maxTorrentFiles: number;
  /** Longest path component kept from a torrent, in UTF-8 bytes; longer ones are shortened. */
  maxPathComponentBytes: number;
}

/**
 * The defaults: generous for real torrents (the largest public ones have a
 * few hundred thousand files and some tens of MiB of metadata), small enough
 * that a hostile file cannot exhaust memory or the stack.
 *
 * @example
 * ```ts
 * import { defaultLimits } from "./limits.ts";
 * console.assert(defaultLimits.maxBencodeDepth === 100);
 * ```
 */
export const defaultLimits: Readonly<Limits> = Object.freeze({
  maxBencodeBytes: 64 * 1024 * 1024,
  maxBencodeDepth: 100,
  maxBencodeTokens: 4_000_000,
  maxBencodeStringBytes: 48 * 1024 * 1024,
  maxTorrentFiles: 1_000_000,
  maxPathComponentBytes: 255,
});

/**
 * Fills in the defaults for a partial set of limits.
 *
 * @param limits Overrides for some bounds.
 * @returns A complete set of limits.
 */
export function resolveLimits(limits: Partial<Limits> = {}): Limits {
  return { ...defaultLimits, ...limits };
}
