/**
 * The v2 (BEP 52) file tree of an info dictionary, and the check of piece
 * layers against each file's pieces root.
 *
 * @module
 */

import { bytesEqual, compareBytes, toHex } from "../bytes.ts";
import { MetainfoError } from "../errors.ts";
import type { Limits } from "../limits.ts";
import { bencodeKey, keyBytes } from "./bencode_keys.ts";
import { bytesField, dictField, intField, isDict, own, textField } from "./_fields.ts";
import { rootFromPieceLayer } from "./merkle.ts";
import { safePathComponent } from "./safe_path.ts";
import type { BencodeDict, TorrentFile } from "./types.ts";

/** The v2 layout of a torrent. */
export interface FilesV2 {
  /** Files in tree order; each starts on a piece boundary. */
  files: TorrentFile[];
  /** Number of pieces: each file's pieces counted separately. */
  pieceCount: number;
  /** True when the tree holds one file at its root. */
  singleFile: boolean;
}

/**
 * Walks a `file tree` in the byte order of its keys.
 *
 * @param info The decoded info dictionary.
 * @param name The torrent's safe name (the folder of a multi-file torrent).
 * @param pieceLength Bytes per piece.
 * @param limits Bounds on file count and path components.
 */
export function filesV2(
  info: BencodeDict,
  name: string,
  pieceLength: number,
  limits: Limits,
): FilesV2 {
  const tree = dictField(info, "file tree", "info.file tree");
  const found: { path: string[]; node: BencodeDict; where: string }[] = [];
  const walk = (dir: BencodeDict, path: string[]): void => {
    for (const key of sortedKeys(dir)) {
      const where = ["file tree", ...path, key].join("/");
      const child = own(dir, key);
      if (!isDict(child)) {
        throw new MetainfoError(`"${where}" is not a dictionary`);
      }
      const leaf = own(child, "");
      if (leaf !== undefined) {
        if (Object.keys(child).length !== 1) {
          throw new MetainfoError(`"${where}" is both a file and a folder`);
        }
        if (!isDict(leaf)) {
          throw new MetainfoError(`"${where}" file entry is not a dictionary`);
        }
        found.push({
          path: [...path, safePathComponent(keyBytes(key), limits)],
          node: leaf,
          where,
        });
        if (found.length > limits.maxTorrentFiles) {
          throw new MetainfoError(`more than ${limits.maxTorrentFiles} files`);
        }
      } else {
        if (key === "") throw new MetainfoError(`"${where}" has an empty name`);
        walk(child, [...path, safePathComponent(keyBytes(key), limits)]);
      }
    }
  };
  walk(tree, []);
  if (found.length === 0) {
    throw new MetainfoError('"info.file tree" holds no files');
  }
  const singleFile = found.length === 1 && found[0]!.path.length === 1;
  const files: TorrentFile[] = [];
  let pieceCount = 0;
  for (const { path, node, where } of found) {
    const length = intField(node, "length", `${where}.length`);
    if (length === undefined) {
      throw new MetainfoError(`"${where}.length" is missing`);
    }
    const root = bytesField(node, "pieces root", `${where}.pieces root`) ??
      null;
    if (length > 0 && root?.length !== 32) {
      throw new MetainfoError(`"${where}.pieces root" is not 32 bytes`);
    }
    files.push({
      path: singleFile ? path : [name, ...path],
      length,
      offset: pieceCount * pieceLength,
      attr: textField(node, "attr") ?? "",
      padding: false,
      piecesRoot: length > 0 ? root : null,
    });
    pieceCount += Math.ceil(length / pieceLength);
    if (!Number.isSafeInteger(pieceCount * pieceLength)) {
      throw new MetainfoError("total length is too large");
    }
  }
  return { files, pieceCount, singleFile };
}

/**
 * Checks the `piece layers` of a torrent file against the pieces roots: every
 * file longer than a piece needs a layer of the right size whose merkle root
 * is the file's pieces root.
 *
 * @returns The layers by hex pieces root.
 */
export async function checkPieceLayers(
  layers: BencodeDict,
  files: readonly TorrentFile[],
  pieceLength: number,
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const file of files) {
    if (file.piecesRoot === null || file.length <= pieceLength) continue;
    const name = file.path.join("/");
    const layer = bytesField(
      layers,
      bencodeKey(file.piecesRoot),
      `piece layers of ${name}`,
    );
    if (layer === undefined) {
      throw new MetainfoError(`piece layer of "${name}" is missing`);
    }
    const count = Math.ceil(file.length / pieceLength);
    if (layer.length !== count * 32) {
      throw new MetainfoError(
        `piece layer of "${name}" has ${layer.length} bytes, expected ${count * 32}`,
      );
    }
    const root = toHex(file.piecesRoot);
    if (out.has(root)) continue; // files with equal contents share a root and a layer
    const hashes = Array.from({ length: count }, (_, i) => layer.subarray(i * 32, i * 32 + 32));
    if (!bytesEqual(await rootFromPieceLayer(hashes, pieceLength), file.piecesRoot)) {
      throw new MetainfoError(`piece layer of "${name}" does not match its pieces root`);
    }
    out.set(root, layer);
  }
  return out;
}

/** Dictionary keys in the byte order of their UTF-8 encoding, as BEP 52 requires. */
function sortedKeys(dict: BencodeDict): string[] {
  const keyed = Object.keys(dict).map((key) => ({ key, bytes: keyBytes(key) }));
  keyed.sort((a, b) => compareBytes(a.bytes, b.bytes));
  return keyed.map((k) => k.key);
}
