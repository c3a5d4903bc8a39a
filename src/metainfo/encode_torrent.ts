/**
 * Encodes a parsed torrent back into a `.torrent` file.
 *
 * @module
 */

import { encodeBencode, encodeDictOfEncoded } from "./bencode.ts";
import { fromHex } from "../bytes.ts";
import type { Metainfo } from "./types.ts";

/**
 * Encodes a torrent. The info dictionary is written as its original bytes,
 * so the info hashes never change; the other fields come from `meta` and may
 * have been edited (trackers, web seeds, comment).
 *
 * @example
 * ```ts
 * import { encodeTorrent } from "./encode_torrent.ts";
 * import { parseTorrent } from "./parse_torrent.ts";
 * import { createTorrent } from "./create_torrent.ts";
 * const data = new Uint8Array(100);
 * const file = { path: ["zeros"], length: 100, stream: () => new Blob([data]).stream() };
 * const meta = await parseTorrent(await createTorrent([file], { name: "zeros" }));
 * meta.announce = [["http://127.0.0.1:8000/announce"]];
 * const again = await parseTorrent(encodeTorrent(meta));
 * console.assert(again.infoHash === meta.infoHash);
 * console.assert(again.announce[0]?.[0] === "http://127.0.0.1:8000/announce");
 * ```
 *
 * @param meta The torrent.
 * @returns The `.torrent` file's bytes.
 */
export function encodeTorrent(meta: Metainfo): Uint8Array {
  const entries = new Map<string, Uint8Array>([["info", meta.infoBytes]]);
  const put = (key: string, value: unknown) => entries.set(key, encodeBencode(value));
  const first = meta.announce[0]?.[0];
  if (first !== undefined) put("announce", first);
  if (meta.announce.flat().length > 1) put("announce-list", meta.announce);
  if (meta.urlList.length === 1) put("url-list", meta.urlList[0]);
  if (meta.urlList.length > 1) put("url-list", meta.urlList);
  if (meta.comment !== null) put("comment", meta.comment);
  if (meta.createdBy !== null) put("created by", meta.createdBy);
  if (meta.creationDate !== null) {
    put("creation date", Math.floor(meta.creationDate.getTime() / 1000));
  }
  if (meta.pieceLayers.size > 0) {
    const layers = [...meta.pieceLayers].map(([root, layer]) =>
      [fromHex(root), encodeBencode(layer)] as const
    );
    entries.set("piece layers", encodeDictOfEncoded(layers));
  }
  return encodeDictOfEncoded(entries);
}
