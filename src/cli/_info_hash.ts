/**
 * The 20-byte info hash peers and trackers use for a torrent or magnet.
 *
 * @module
 */

import { fromHex } from "../bytes.ts";
import type { Loaded } from "./_load.ts";

/** The v1 info hash, or the v2 hash truncated to 20 bytes (BEP 52). */
export function wireInfoHash(loaded: Loaded): Uint8Array {
  if (loaded.kind === "torrent") {
    return loaded.meta.infoHashBytes ?? loaded.meta.infoHashV2Bytes!.subarray(0, 20);
  }
  return fromHex(loaded.magnet.infoHash ?? loaded.magnet.infoHashV2!.slice(0, 40));
}
