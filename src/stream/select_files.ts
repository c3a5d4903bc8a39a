/**
 * Selective download: keep some files, skip the others (`--select`, and
 * `so=` in magnets, BEP 53).
 *
 * @module
 */

import type { TorrentFileHandle } from "./torrent_files.ts";

/**
 * Selects the listed files and deselects the rest. Pieces a selected file
 * shares with a skipped one are still downloaded.
 *
 * @param files `torrent.files`.
 * @param indexes Indexes into `files`.
 * @throws {RangeError} When an index names no file.
 */
export function selectFiles(files: readonly TorrentFileHandle[], indexes: Iterable<number>): void {
  const keep = new Set(indexes);
  for (const index of keep) {
    if (!Number.isInteger(index) || index < 0 || index >= files.length) {
      throw new RangeError(`File ${index} does not exist: the torrent has ${files.length}`);
    }
  }
  for (const file of files) {
    if (!keep.has(file.index)) file.deselect();
    else if (file.priority === 0) file.select();
  }
}

/**
 * Parses a list of file indexes like `0,2,5-7`.
 *
 * @param text The list.
 * @returns The indexes, sorted and unique.
 * @throws {SyntaxError} When the list is malformed.
 */
export function parseFileList(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    const first = Number(match?.[1]);
    const last = match?.[2] === undefined ? first : Number(match[2]);
    if (!match || last < first || last - first > 1_000_000) {
      throw new SyntaxError(`"${text}" is not a list of file indexes like 0,2,5-7`);
    }
    for (let i = first; i <= last; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}
