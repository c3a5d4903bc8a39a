/**
 * Parses `.torrent` files: v1, v2 (BEP 52) and hybrid.
 *
 * @module
 */

import { toHex } from "../bytes.ts";
import { MetainfoError } from "../errors.ts";
import { type Limits, resolveLimits } from "../limits.ts";
import { decodeBencode } from "./bencode.ts";
import { bytesField, dictField, intField, isDict, own, textField } from "./_fields.ts";
import { filesV1 } from "./_files_v1.ts";
import { checkPieceLayers, filesV2 } from "./_files_v2.ts";
import { sha1, sha256 } from "./hash.ts";
import { BLOCK_SIZE, isPowerOfTwo } from "./merkle.ts";
import { assertDistinctPaths, safePathComponent } from "./safe_path.ts";
import type { BencodeDict, Metainfo, TorrentFile } from "./types.ts";

const MAX_PIECE_LENGTH = 512 * 1024 * 1024;

/**
 * Parses a `.torrent` file and computes its info hashes over the original
 * bytes of its info dictionary.
 *
 * @example
 * ```ts
 * import { parseTorrent } from "./parse_torrent.ts";
 * import { createTorrent } from "./create_torrent.ts";
 * const data = new TextEncoder().encode("hello");
 * const file = { path: ["hello.txt"], length: data.length, stream: () => new Blob([data]).stream() };
 * const meta = await parseTorrent(await createTorrent([file], { name: "hello.txt" }));
 * console.assert(meta.name === "hello.txt" && meta.pieceCount === 1);
 * ```
 *
 * @param bytes The file's contents.
 * @param limits Bounds on size, nesting, file count and path components.
 * @returns The parsed torrent.
 * @throws {BencodeError} When the bytes are not bencode within the limits.
 * @throws {MetainfoError} When the bencode is not a valid torrent.
 */
export async function parseTorrent(
  bytes: Uint8Array,
  limits: Partial<Limits> = {},
): Promise<Metainfo> {
  const bounds = resolveLimits(limits);
  const { value, spans } = decodeBencode(bytes, bounds);
  if (!isDict(value)) throw new MetainfoError("top level is not a dictionary");
  const info = dictField(value, "info", "info");
  const infoBytes = bytes.subarray(
    spans.get("info")!.start,
    spans.get("info")!.end,
  );
  const parsed = await parseInfo(info, infoBytes, bounds);
  let pieceLayers = new Map<string, Uint8Array>();
  if (parsed.infoHashV2 !== null) {
    const layers = own(value, "piece layers") === undefined
      ? {}
      : dictField(value, "piece layers", "piece layers");
    pieceLayers = await checkPieceLayers(
      layers,
      parsed.files,
      parsed.pieceLength,
    );
  }
  const created = intField(
    value,
    "creation date",
    "creation date",
    -Number.MAX_SAFE_INTEGER,
  );
  const date = created === undefined ? null : new Date(created * 1000);
  return {
    ...parsed,
    pieceLayers,
    announce: announceTiers(value),
    urlList: urlList(value),
    creationDate: date && !Number.isNaN(date.getTime()) ? date : null,
    comment: textField(value, "comment.utf-8") ?? textField(value, "comment") ??
      null,
    createdBy: textField(value, "created by") ?? null,
  };
}

/**
 * What the info dictionary alone determines.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { defaultLimits } from "../limits.ts";
 * import { encodeBencode } from "./bencode.ts";
 * import { type ParsedInfo, parseInfo } from "./parse_torrent.ts";
 *
 * const name = new TextEncoder().encode("a.txt");
 * const info = { name, "piece length": 16384, length: 5, pieces: new Uint8Array(20) };
 * const parsed: ParsedInfo = await parseInfo(info, encodeBencode(info), defaultLimits);
 * deepStrictEqual([parsed.version, parsed.pieceCount, parsed.singleFile], [1, 1, true]);
 * deepStrictEqual(parsed.files.map((file) => file.path), [["a.txt"]]);
 * ```
 */
export type ParsedInfo = Omit<
  Metainfo,
  | "pieceLayers"
  | "announce"
  | "urlList"
  | "creationDate"
  | "comment"
  | "createdBy"
>;

/**
 * Parses an info dictionary (from a torrent file or received as metadata)
 * and hashes its original bytes.
 *
 * @param info The decoded info dictionary.
 * @param infoBytes Its original encoded bytes.
 * @param limits Bounds on file count and path components.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { toHex } from "../bytes.ts";
 * import { defaultLimits } from "../limits.ts";
 * import { decodeBencode } from "./bencode.ts";
 * import { parseInfo } from "./parse_torrent.ts";
 *
 * // An info dictionary as received from a peer (BEP 9), bencoded.
 * const infoBytes = new TextEncoder().encode("d6:lengthi5e4:name5:a.txt12:piece lengthi16384e6:pieces20:" + "x".repeat(20) + "e");
 * const { value } = decodeBencode(infoBytes);
 * const parsed = await parseInfo(value as Record<string, never>, infoBytes, defaultLimits);
 * const sha1 = new Uint8Array(await crypto.subtle.digest("SHA-1", infoBytes));
 * strictEqual(parsed.infoHash, toHex(sha1));
 * ```
 */
export async function parseInfo(
  info: BencodeDict,
  infoBytes: Uint8Array,
  limits: Limits,
): Promise<ParsedInfo> {
  const rawName = bytesField(info, "name.utf-8", "info.name.utf-8") ??
    bytesField(info, "name", "info.name");
  if (rawName === undefined) throw new MetainfoError('"info.name" is missing');
  const name = safePathComponent(rawName, limits);
  const pieceLength = intField(
    info,
    "piece length",
    "info.piece length",
    1,
    MAX_PIECE_LENGTH,
  );
  if (pieceLength === undefined) {
    throw new MetainfoError('"info.piece length" is missing');
  }
  const metaVersion = intField(info, "meta version", "info.meta version");
  if (metaVersion !== undefined && metaVersion !== 2) {
    throw new MetainfoError(
      `"info.meta version" ${metaVersion} is not supported`,
    );
  }
  const hasV1 = own(info, "pieces") !== undefined;
  const hasV2 = metaVersion === 2;
  if (!hasV1 && !hasV2) throw new MetainfoError('"info.pieces" is missing');
  if (
    hasV2 && (pieceLength < BLOCK_SIZE || !isPowerOfTwo(pieceLength))
  ) {
    throw new MetainfoError(
      `"info.piece length" ${pieceLength} is not a power of two of at least 16384`,
    );
  }

  const v1 = hasV1 ? filesV1(info, name, limits) : null;
  const v2 = hasV2 ? filesV2(info, name, pieceLength, limits) : null;
  let pieces: Uint8Array = new Uint8Array();
  let pieceCount = 0;
  if (v1) {
    pieces = bytesField(info, "pieces", "info.pieces")!;
    if (pieces.length % 20 !== 0) {
      throw new MetainfoError(
        `"info.pieces" length ${pieces.length} is not a multiple of 20`,
      );
    }
    pieceCount = Math.ceil(v1.span / pieceLength);
    if (pieces.length / 20 !== pieceCount) {
      throw new MetainfoError(
        `"info.pieces" holds ${pieces.length / 20} hashes but ${v1.span} bytes ` +
          `in pieces of ${pieceLength} make ${pieceCount}`,
      );
    }
  }
  if (v1 && v2) {
    checkHybrid(v1.files, v2.files);
    if (pieceCount !== v2.pieceCount) {
      throw new MetainfoError(
        `hybrid torrent has ${pieceCount} v1 pieces but ${v2.pieceCount} v2 pieces`,
      );
    }
  }
  if (v2) pieceCount = v2.pieceCount;
  const files = v1 ? withRoots(v1.files, v2?.files) : v2!.files;
  const real = files.filter((f) => !f.padding);
  assertDistinctPaths(real.map((f) => f.path));
  const length = real.reduce((sum, f) => sum + f.length, 0);
  if (length === 0) {
    throw new MetainfoError("torrent holds no data (total length 0)");
  }

  const v1Hash = v1 ? await sha1(infoBytes) : null;
  const v2Hash = v2 ? await sha256(infoBytes) : null;
  return {
    name,
    version: v1 && v2 ? "hybrid" : v2 ? 2 : 1,
    infoHash: v1Hash && toHex(v1Hash),
    infoHashBytes: v1Hash,
    infoHashV2: v2Hash && toHex(v2Hash),
    infoHashV2Bytes: v2Hash,
    pieceLength,
    pieceCount,
    length,
    files,
    singleFile: (v1 ?? v2)!.singleFile,
    pieces,
    private: intField(info, "private", "info.private", 0, 1) === 1,
    info,
    infoBytes,
  };
}

/** A hybrid's v1 files (pads aside) must be its v2 files, at the same offsets. */
function checkHybrid(
  v1: readonly TorrentFile[],
  v2: readonly TorrentFile[],
): void {
  const real = v1.filter((f) => !f.padding);
  if (real.length !== v2.length) {
    throw new MetainfoError(
      `hybrid torrent lists ${real.length} v1 files but ${v2.length} v2 files`,
    );
  }
  real.forEach((file, i) => {
    const other = v2[i]!;
    const a = file.path.join("/");
    if (a !== other.path.join("/") || file.length !== other.length) {
      throw new MetainfoError(
        `hybrid torrent's v1 file ${i} "${a}" does not match v2 file "${other.path.join("/")}"`,
      );
    }
    if (file.length > 0 && file.offset !== other.offset) {
      throw new MetainfoError(
        `hybrid torrent's file "${a}" is not aligned to a piece`,
      );
    }
  });
}

/** The v1 files with the v2 pieces roots of the matching files attached. */
function withRoots(
  v1: TorrentFile[],
  v2: readonly TorrentFile[] | undefined,
): TorrentFile[] {
  if (!v2) return v1;
  let next = 0;
  return v1.map((file) => file.padding ? file : { ...file, piecesRoot: v2[next++]!.piecesRoot });
}

/** Tracker tiers: `announce-list` (BEP 12) when it has any URL, else `announce`. */
function announceTiers(torrent: BencodeDict): string[][] {
  const tiers: string[][] = [];
  const seen = new Set<string>();
  const list = own(torrent, "announce-list");
  if (Array.isArray(list)) {
    for (const tier of list) {
      if (!Array.isArray(tier)) continue;
      const urls = tier.flatMap((url) => {
        const text = url instanceof Uint8Array ? textOf(url) : null;
        if (!text || seen.has(text)) return [];
        seen.add(text);
        return [text];
      });
      if (urls.length > 0) tiers.push(urls);
    }
  }
  const single = textField(torrent, "announce")?.trim();
  if (tiers.length === 0 && single) tiers.push([single]);
  return tiers;
}

/** Web seeds (BEP 19): `url-list` as one string or a list. */
function urlList(torrent: BencodeDict): string[] {
  const value = own(torrent, "url-list");
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.flatMap((url) => {
    const text = url instanceof Uint8Array ? textOf(url) : null;
    return text ? [text] : [];
  });
}

const utf8Lenient = new TextDecoder();

function textOf(bytes: Uint8Array): string | null {
  return utf8Lenient.decode(bytes).trim() || null;
}
