/**
 * The magnet link of a torrent.
 *
 * @module
 */

import type { Magnet } from "./magnet.ts";
import type { Metainfo } from "./types.ts";

/**
 * Builds the magnet link for a parsed torrent: its info hashes (v1, v2 or
 * both for a hybrid), name, exact length, trackers and web seeds.
 *
 * @example
 * ```ts
 * import { createTorrent, formatMagnet, magnetOf, parseTorrent } from "../../mod.ts";
 * const data = new Uint8Array(10);
 * const file = { path: ["ten"], length: 10, stream: () => new Blob([data]).stream() };
 * const meta = await parseTorrent(await createTorrent([file]));
 * console.assert(formatMagnet(magnetOf(meta)).startsWith("magnet:?xt=urn:btih:"));
 * ```
 *
 * @param meta The torrent.
 * @returns The magnet, ready for `formatMagnet`.
 */
export function magnetOf(meta: Metainfo): Magnet {
  return {
    infoHash: meta.infoHash,
    infoHashV2: meta.infoHashV2,
    name: meta.name,
    trackers: meta.announce.flat(),
    webSeeds: [...meta.urlList],
    peers: [],
    select: null,
    length: meta.length,
    extra: [],
  };
}
