/**
 * The v1 file list of an info dictionary: `length` for one file, `files` for
 * several, with BEP 47 pad files.
 *
 * @module
 */

import { MetainfoError } from "../errors.ts";
import type { Limits } from "../limits.ts";
import { intField, isDict, listField, own, textField } from "./_fields.ts";
import { safePath } from "./safe_path.ts";
import type { BencodeDict, TorrentFile } from "./types.ts";

/** The v1 layout of a torrent. */
export interface FilesV1 {
  /** Files in order, pad files included, offsets contiguous. */
  files: TorrentFile[];
  /** Total bytes including pad files. */
  span: number;
  /** True for a single-file torrent (`length` instead of `files`). */
  singleFile: boolean;
}

const LEGACY_PAD = "_____padding_file_";

/**
 * Reads the v1 files of an info dictionary.
 *
 * @param info The decoded info dictionary.
 * @param name The torrent's safe name.
 * @param limits Bounds on file count and path components.
 */
export function filesV1(
  info: BencodeDict,
  name: string,
  limits: Limits,
): FilesV1 {
  const length = intField(info, "length", "info.length");
  const list = listField(info, "files", "info.files");
  if (length !== undefined && list !== undefined) {
    throw new MetainfoError('info has both "length" and "files"');
  }
  if (length !== undefined) {
    const attr = textField(info, "attr") ?? "";
    const file = {
      path: [name],
      length,
      offset: 0,
      attr,
      padding: false,
      piecesRoot: null,
    };
    return { files: [file], span: length, singleFile: true };
  }
  if (list === undefined) {
    throw new MetainfoError('info has neither "length" nor "files"');
  }
  if (list.length === 0) throw new MetainfoError('"info.files" is empty');
  if (list.length > limits.maxTorrentFiles) {
    throw new MetainfoError(
      `${list.length} files exceed the limit of ${limits.maxTorrentFiles}`,
    );
  }
  const files: TorrentFile[] = [];
  let offset = 0;
  for (const [index, entry] of list.entries()) {
    const where = `info.files[${index}]`;
    if (!isDict(entry)) {
      throw new MetainfoError(`"${where}" is not a dictionary`);
    }
    const fileLength = intField(entry, "length", `${where}.length`);
    if (fileLength === undefined) {
      throw new MetainfoError(`"${where}.length" is missing`);
    }
    const components = pathList(entry, where);
    const attr = textField(entry, "attr") ?? "";
    const path = [name, ...safePath(components, limits)];
    const padding = attr.includes("p") ||
      path[path.length - 1]!.startsWith(LEGACY_PAD);
    files.push({
      path,
      length: fileLength,
      offset,
      attr,
      padding,
      piecesRoot: null,
    });
    offset += fileLength;
    if (!Number.isSafeInteger(offset)) {
      throw new MetainfoError("total length is too large");
    }
  }
  return { files, span: offset, singleFile: false };
}

/** The raw components of a file's path, preferring `path.utf-8`. */
function pathList(entry: BencodeDict, where: string): Uint8Array[] {
  const key = own(entry, "path.utf-8") !== undefined ? "path.utf-8" : "path";
  const list = listField(entry, key, `${where}.${key}`);
  if (list === undefined) throw new MetainfoError(`"${where}.path" is missing`);
  return list.map((component, i) => {
    if (component instanceof Uint8Array) return component;
    throw new MetainfoError(`"${where}.${key}[${i}]" is not a byte string`);
  });
}
