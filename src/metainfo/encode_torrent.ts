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
  return encodeTorrentFile(meta.infoBytes, meta);
}

/**
 * The fields of a `.torrent` file outside its info dictionary.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { encodeBencode } from "./bencode.ts";
 * import { encodeTorrentFile, type OuterFields } from "./encode_torrent.ts";
 * import { parseTorrent } from "./parse_torrent.ts";
 *
 * const infoBytes = encodeBencode({ name: "a.txt", "piece length": 16384, length: 5, pieces: new Uint8Array(20) });
 * const outer: OuterFields = {
 *   announce: [["http://127.0.0.1:8000/announce"]],
 *   urlList: [],
 *   comment: "demo",
 *   createdBy: null,
 *   creationDate: null,
 *   pieceLayers: new Map(),
 * };
 * const meta = await parseTorrent(encodeTorrentFile(infoBytes, outer));
 * deepStrictEqual([meta.announce, meta.comment], [outer.announce, "demo"]);
 * ```
 */
export type OuterFields = Pick<
  Metainfo,
  "announce" | "urlList" | "comment" | "createdBy" | "creationDate" | "pieceLayers"
>;

/**
 * Writes a `.torrent` file around an encoded info dictionary.
 *
 * @param infoBytes The encoded info dictionary, written as is.
 * @param outer Trackers, web seeds, comment, creator, date and piece layers.
 * @returns The `.torrent` file's bytes.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { encodeBencode } from "./bencode.ts";
 * import { encodeTorrentFile } from "./encode_torrent.ts";
 * import { parseTorrent } from "./parse_torrent.ts";
 *
 * const infoBytes = encodeBencode({ name: "a.txt", "piece length": 16384, length: 5, pieces: new Uint8Array(20) });
 * const none = { announce: [], urlList: [], comment: null, createdBy: null, creationDate: null };
 * const torrent = encodeTorrentFile(infoBytes, { ...none, pieceLayers: new Map() });
 * strictEqual(torrent.length, "d4:info".length + infoBytes.length + "e".length);
 * deepStrictEqual((await parseTorrent(torrent)).infoBytes, infoBytes);
 * ```
 */
export function encodeTorrentFile(infoBytes: Uint8Array, outer: OuterFields): Uint8Array {
  const entries = new Map<string, Uint8Array>([["info", infoBytes]]);
  const put = (key: string, value: unknown) => entries.set(key, encodeBencode(value));
  const first = outer.announce[0]?.[0];
  if (first !== undefined) put("announce", first);
  if (outer.announce.flat().length > 1) put("announce-list", outer.announce);
  if (outer.urlList.length === 1) put("url-list", outer.urlList[0]);
  if (outer.urlList.length > 1) put("url-list", outer.urlList);
  if (outer.comment !== null) put("comment", outer.comment);
  if (outer.createdBy !== null) put("created by", outer.createdBy);
  if (outer.creationDate !== null) {
    put("creation date", Math.floor(outer.creationDate.getTime() / 1000));
  }
  if (outer.pieceLayers.size > 0) {
    const layers = [...outer.pieceLayers].map(([root, layer]) =>
      [fromHex(root), encodeBencode(layer)] as const
    );
    entries.set("piece layers", encodeDictOfEncoded(layers));
  }
  return encodeDictOfEncoded(entries);
}
