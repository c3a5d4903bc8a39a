/**
 * A byte range of a torrent as a `ReadableStream`: it raises the priority
 * of the pieces under the range in order, reads ahead by a window that
 * follows the reader's speed, and hands out only verified bytes.
 *
 * @module
 */

import { MAX_PRIORITY } from "../swarm/picker.ts";
import { pieceSize } from "../storage/layout.ts";
import type { FilePriorities, ReaderWants } from "../torrent/file_priorities.ts";
import { type PieceSource, waitForPiece } from "./piece_source.ts";

/** Seconds of reading the window holds ahead, at the reader's measured speed. */
const READAHEAD_SECONDS = 5;
/** Fewest pieces in the window (the one being read included). */
const MIN_WINDOW_PIECES = 2;
/** Most bytes in the window. */
const MAX_WINDOW_BYTES = 64 * 1024 * 1024;
/** Deadline of the next piece while the reader's speed is unknown, in ms. */
const FIRST_DEADLINE_MS = 1000;

/** Options for {@link rangeStream}. */
export interface RangeStreamOptions {
  /** Stops the stream (it errors with the signal's reason) and frees its priorities. */
  signal?: AbortSignal;
}

/**
 * Streams bytes `[start, end)` of a torrent's data (offsets over all its
 * files, in piece space).
 *
 * @param source The torrent.
 * @param priorities Where the reader's wants are merged with the others'.
 * @param start First byte.
 * @param end One past the last byte.
 * @param options A signal.
 * @returns The bytes, one chunk per piece (or part of one).
 */
export function rangeStream(
  source: PieceSource,
  priorities: FilePriorities,
  start: number,
  end: number,
  options: RangeStreamOptions = {},
): ReadableStream<Uint8Array> {
  const { meta } = source;
  const reader = {};
  const signal = options.signal;
  let position = start;
  let firstAt: number | undefined;
  let delivered = 0;
  const lastPiece = end > start ? Math.floor((end - 1) / meta.pieceLength) : -1;
  const release = () => {
    source.prioritize(priorities.setReader(reader, new Map()));
    signal?.removeEventListener("abort", onAbort);
  };
  let abortController: ReadableStreamDefaultController<Uint8Array> | undefined;
  const onAbort = () => {
    release();
    abortController?.error(signal!.reason);
  };

  const want = (piece: number) => {
    const now = performance.now();
    const elapsed = firstAt === undefined ? 0 : (now - firstAt) / 1000;
    const speed = elapsed > 0.2 ? delivered / elapsed : 0;
    const windowBytes = Math.min(MAX_WINDOW_BYTES, speed * READAHEAD_SECONDS);
    const count = Math.max(MIN_WINDOW_PIECES, Math.ceil(windowBytes / meta.pieceLength));
    const wants: ReaderWants = new Map();
    for (let at = piece; at <= Math.min(lastPiece, piece + count - 1); at++) {
      if (source.hasPiece(at)) continue;
      const ahead = at - piece;
      if (ahead === 0) wants.set(at, { priority: MAX_PRIORITY, deadline: now });
      else if (ahead === 1) {
        const next = speed > 0 ? (meta.pieceLength / speed) * 1000 : FIRST_DEADLINE_MS;
        wants.set(at, { priority: MAX_PRIORITY, deadline: now + next });
      } else wants.set(at, { priority: MAX_PRIORITY - 1 });
    }
    source.prioritize(priorities.setReader(reader, wants));
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      abortController = controller;
      if (signal?.aborted) {
        controller.error(signal.reason);
        return;
      }
      signal?.addEventListener("abort", onAbort);
    },
    async pull(controller) {
      if (position >= end) {
        release();
        controller.close();
        return;
      }
      const piece = Math.floor(position / meta.pieceLength);
      want(piece);
      try {
        await waitForPiece(source, piece, signal);
        const data = await source.readPiece(piece);
        if (signal?.aborted) return;
        const base = piece * meta.pieceLength;
        const to = Math.min(pieceSize(meta, piece), end - base);
        controller.enqueue(data.subarray(position - base, to));
        firstAt ??= performance.now();
        delivered += to - (position - base);
        position = base + to;
      } catch (error) {
        release();
        if (!signal?.aborted) controller.error(error);
      }
    },
    cancel() {
      release();
    },
  });
}
