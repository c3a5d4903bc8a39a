/**
 * A BitTorrent library for Deno, Node and browsers.
 *
 * This release covers the formats: bencode with hostile-input bounds,
 * `.torrent` files (v1, v2 and hybrid) to parse, encode and create, magnet
 * links, and safe file paths.
 *
 * @example
 * ```ts
 * import { createTorrent, formatMagnet, magnetOf, parseTorrent } from "./mod.ts";
 *
 * const data = new TextEncoder().encode("hello, swarm");
 * const files = [{ path: ["hello.txt"], length: data.length, stream: () => new Blob([data]).stream() }];
 * const meta = await parseTorrent(await createTorrent(files, { version: "hybrid" }));
 * console.assert(meta.name === "hello.txt");
 * console.assert(formatMagnet(magnetOf(meta)).includes(meta.infoHash!));
 * ```
 *
 * @module
 */

export { BencodeError, MagnetError, MetainfoError } from "./src/errors.ts";
export { defaultLimits, type Limits, resolveLimits } from "./src/limits.ts";
export { runtime, type RuntimeName } from "./src/runtime.ts";
export { decodeBencode, type Decoded, encodeBencode, type Span } from "./src/metainfo/bencode.ts";
export { type ParsedInfo, parseInfo, parseTorrent } from "./src/metainfo/parse_torrent.ts";
export {
  encodeTorrent,
  encodeTorrentFile,
  type OuterFields,
} from "./src/metainfo/encode_torrent.ts";
export {
  createTorrent,
  type CreateTorrentOptions,
  type SourceFile,
} from "./src/metainfo/create_torrent.ts";
export { type Sources, sourcesFromBlobs, sourcesFromPath } from "./src/metainfo/sources.ts";
export { choosePieceLength } from "./src/metainfo/piece_length.ts";
export { formatMagnet, isMagnet, type Magnet, parseMagnet } from "./src/metainfo/magnet.ts";
export { magnetOf } from "./src/metainfo/magnet_of.ts";
export { assertDistinctPaths, safePath, safePathComponent } from "./src/metainfo/safe_path.ts";
export type {
  BencodeDict,
  BencodeValue,
  Metainfo,
  TorrentFile,
  TorrentVersion,
} from "./src/metainfo/types.ts";
