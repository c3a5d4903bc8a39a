/**
 * What a file reader needs from a torrent: verified pieces, a way to wait
 * for one, and a way to say which pieces it wants soon. `Torrent` is one.
 *
 * @module
 */

import type { Metainfo } from "../metainfo/types.ts";
import type { PiecePriority } from "../torrent/file_priorities.ts";

/**
 * A torrent as readers see it. Events: `piece` (detail: a verified piece
 * index) and `state` (detail: `"closed"` ends every wait).
 */
export interface PieceSource extends EventTarget {
  /** The torrent. */
  readonly meta: Metainfo;
  /** Whether a piece is verified and stored. */
  hasPiece(piece: number): boolean;
  /** Reads a verified piece. */
  readPiece(piece: number): Promise<Uint8Array>;
  /** Sets pieces' priorities and deadlines. */
  prioritize(changes: readonly PiecePriority[]): void;
  /** `closed` once the torrent is closed. */
  readonly state: string;
}

/**
 * Waits until a piece is verified.
 *
 * @param source The torrent.
 * @param piece The piece index.
 * @param signal Stops the wait.
 * @returns Settles when the piece can be read.
 * @throws {Error} When the torrent closes first, or the signal's reason when aborted.
 */
export function waitForPiece(
  source: PieceSource,
  piece: number,
  signal?: AbortSignal,
): Promise<void> {
  if (source.hasPiece(piece)) return Promise.resolve();
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const done = (error?: unknown) => {
      source.removeEventListener("piece", onPiece);
      source.removeEventListener("state", onState);
      signal?.removeEventListener("abort", onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onPiece = (event: Event) => {
      if ((event as CustomEvent<number>).detail === piece) done();
    };
    const onState = () => {
      if (source.state === "closed") done(new Error("The torrent was closed"));
    };
    const onAbort = () => done(signal!.reason);
    source.addEventListener("piece", onPiece);
    source.addEventListener("state", onState);
    signal?.addEventListener("abort", onAbort);
  });
}
