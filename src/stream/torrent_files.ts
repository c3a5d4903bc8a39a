/**
 * `torrent.files`: each file of a torrent with its progress, its priority
 * (selection) and seekable streams of its bytes.
 *
 * @module
 */

import type { TorrentFile } from "../metainfo/types.ts";
import { piecesOfFile } from "../storage/layout.ts";
import { DEFAULT_PRIORITY } from "../swarm/picker.ts";
import { FilePriorities } from "../torrent/file_priorities.ts";
import type { PieceSource } from "./piece_source.ts";
import { rangeStream } from "./range_stream.ts";

/**
 * Options for {@link TorrentFileHandle.stream}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { FileStreamOptions } from "./torrent_files.ts";
 *
 * // Bytes 1,000 to 1,999, given up after a minute.
 * const range: FileStreamOptions = { start: 1000, end: 2000, signal: AbortSignal.timeout(60_000) };
 * strictEqual(range.end! - range.start!, 1000);
 * ```
 */
export interface FileStreamOptions {
  /** First byte, from 0. Default 0. */
  start?: number;
  /** One past the last byte (like `Blob.slice`). Default the file's length. */
  end?: number;
  /** Stops the stream and frees its priorities. */
  signal?: AbortSignal;
}

/**
 * One file of a torrent (pad files are not listed): `torrent.files`.
 * Reading a range raises the priority of the pieces under it, with a
 * readahead that follows the reader, and only verified bytes come out.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { Client } from "../client.ts";
 * import { createTorrent } from "../metainfo/create_torrent.ts";
 * import { memoryStorage } from "../storage/memory.ts";
 *
 * const data = new TextEncoder().encode("hello, streams");
 * const source = { path: ["a.txt"], length: data.length, stream: () => new Blob([data]).stream() };
 * const torrent = await createTorrent([source], { name: "a.txt" });
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/a.txt`, data);
 * const seeder = await Client.create({ host: "127.0.0.1", port: 0, transports: ["tcp"] });
 * const leecher = await Client.create({ host: "127.0.0.1", port: 0, transports: ["tcp"] });
 * await seeder.add(torrent, { dir });
 * const peers = [{ host: "127.0.0.1", port: seeder.port }];
 * const file = (await leecher.add(torrent, { storage: memoryStorage(), peers })).files[0]!;
 * strictEqual(await new Response(file.stream({ start: 7 })).text(), "streams");
 * await leecher.close();
 * await seeder.close();
 * ```
 */
export class TorrentFileHandle {
  /** Position among the torrent's files, pad files not counted (as `torrent info` lists them). */
  readonly index: number;
  /** Path under the download folder, `/`-separated (the torrent's folder first for multi-file torrents). */
  readonly path: string;
  /** The last path component. */
  readonly name: string;
  /** Bytes in the file. */
  readonly length: number;
  #file: TorrentFile;
  #source: PieceSource;
  #priorities: FilePriorities;

  /**
   * Made by `torrent.files`, not by hand.
   *
   * @param source The torrent.
   * @param priorities The torrent's file and reader priorities.
   * @param index Position among the files that are not padding.
   */
  constructor(source: PieceSource, priorities: FilePriorities, index: number) {
    const meta = source.meta;
    this.#file = meta.files[priorities.fileIndexes[index]!]!;
    this.#source = source;
    this.#priorities = priorities;
    this.index = index;
    this.path = this.#file.path.join("/");
    this.name = this.#file.path.at(-1) ?? meta.name;
    this.length = this.#file.length;
  }

  /** Share of the file's bytes verified, 0 to 1 (1 for an empty file). */
  get progress(): number {
    if (this.length === 0) return 1;
    const { pieceLength } = this.#source.meta;
    const [first, end] = piecesOfFile(this.#source.meta, this.#file);
    let have = 0;
    for (let piece = first; piece < end; piece++) {
      if (!this.#source.hasPiece(piece)) continue;
      const from = Math.max(piece * pieceLength, this.#file.offset);
      const to = Math.min((piece + 1) * pieceLength, this.#file.offset + this.length);
      have += to - from;
    }
    return have / this.length;
  }

  /** 0 when not selected, up to 7; files start at 4. */
  get priority(): number {
    return this.#priorities.file(this.index);
  }

  set priority(priority: number) {
    this.#source.prioritize(this.#priorities.setFile(this.index, priority));
  }

  /**
   * Downloads this file (the default).
   *
   * @param priority 1 to 7; default 4.
   */
  select(priority: number = DEFAULT_PRIORITY): void {
    this.priority = priority;
  }

  /** Stops downloading this file, except pieces it shares with selected files or readers. */
  deselect(): void {
    this.priority = 0;
  }

  /**
   * The file's bytes as a stream: only verified bytes, fetched in order
   * with priority, reading ahead at the reader's speed. Cancel it (or abort
   * the signal) to free its priorities; many streams may run at once.
   *
   * @param options `start`, `end` (exclusive) and `signal`.
   * @returns The bytes.
   * @throws {RangeError} When the range is outside the file.
   */
  stream(options: FileStreamOptions = {}): ReadableStream<Uint8Array> {
    const start = options.start ?? 0;
    const end = options.end ?? this.length;
    if (
      !Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start ||
      end > this.length
    ) {
      throw new RangeError(`Range ${start}..${end} is outside the file of ${this.length} bytes`);
    }
    const base = this.#file.offset;
    return rangeStream(this.#source, this.#priorities, base + start, base + end, {
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** The whole file, once every byte is verified. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = new Uint8Array(this.length);
    let at = 0;
    for await (const chunk of this.stream()) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return bytes.buffer;
  }

  /** The whole file as UTF-8 text. */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.arrayBuffer());
  }

  /**
   * The whole file as a `Blob`, where the runtime has one.
   *
   * @param type The blob's media type.
   */
  async blob(type = ""): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type });
  }
}

/**
 * The files of a torrent, sharing one set of priorities.
 *
 * @param source The torrent.
 * @returns One handle per file that is not padding, in torrent order.
 */
export function torrentFiles(source: PieceSource): TorrentFileHandle[] {
  const priorities = new FilePriorities(source.meta);
  return priorities.fileIndexes.map((_, index) => new TorrentFileHandle(source, priorities, index));
}
