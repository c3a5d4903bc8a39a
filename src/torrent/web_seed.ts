/**
 * Web seeds (BEP 19, `url-list`): whole pieces over HTTP range requests
 * with `fetch`, in Deno, Node and browsers, alongside peers. A piece is
 * fetched file span by file span (pad files are zeros, never fetched), then
 * handed to the torrent, which verifies it like any other. A server that
 * fails or sends a piece that fails its hash is retried later, then dropped.
 *
 * @module
 */

import type { Metainfo } from "../metainfo/types.ts";
import { fileSpans, pieceSize } from "../storage/layout.ts";

/** What a web seed needs from its torrent. */
export interface WebSeedHost {
  /** The torrent. */
  readonly meta: Metainfo;
  /** A wanted piece that nobody (peer or web seed) is fetching, other than those given; or `null`. */
  nextPiece(busy: ReadonlySet<number>): number | null;
  /** Verifies and stores a whole piece; false when its hash fails. */
  storePiece(piece: number, data: Uint8Array): Promise<boolean>;
  /** Reports a fault. */
  warn(message: string): void;
}

/** Options for {@link runWebSeeds}. */
export interface WebSeedOptions {
  /** Stops fetching. */
  signal: AbortSignal;
  /** Pieces fetched at once from each server. Default 4. */
  concurrency?: number;
  /** Time allowed for one piece. Default 30 s. */
  timeoutMs?: number;
}

/** Faults after which a server is dropped. */
const MAX_FAULTS = 5;

/**
 * Fetches pieces from every web seed of the torrent until none is wanted or
 * the signal aborts.
 *
 * @param host The torrent.
 * @param options Abort signal and pacing.
 */
export async function runWebSeeds(host: WebSeedHost, options: WebSeedOptions): Promise<void> {
  const busy = new Set<number>();
  const urls = host.meta.urlList.filter((url) => /^https?:\/\//i.test(url));
  await Promise.all(urls.map(async (url) => {
    let faults = 0;
    const worker = async () => {
      while (!options.signal.aborted && faults < MAX_FAULTS) {
        const piece = host.nextPiece(busy);
        if (piece === null) return;
        busy.add(piece);
        try {
          const data = await fetchPiece(host.meta, url, piece, options);
          if (!(await host.storePiece(piece, data))) {
            faults++;
            host.warn(`web seed ${url}: piece ${piece} failed its hash check`);
          }
        } catch (error) {
          if (options.signal.aborted) return;
          faults++;
          host.warn(`web seed ${url}: piece ${piece}: ${(error as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, 1000 * faults));
        } finally {
          busy.delete(piece);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  }));
}

/**
 * Fetches one piece from a web seed.
 *
 * @throws {Error} When the server fails, or answers with the wrong length.
 */
export async function fetchPiece(
  meta: Metainfo,
  url: string,
  piece: number,
  options: WebSeedOptions,
): Promise<Uint8Array> {
  const data = new Uint8Array(pieceSize(meta, piece));
  const signal = AbortSignal.any([
    options.signal,
    AbortSignal.timeout(options.timeoutMs ?? 30_000),
  ]);
  for (const span of fileSpans(meta, piece, 0, data.length)) {
    const file = meta.files[span.file]!;
    if (file.padding) continue;
    const response = await fetch(fileUrl(meta, url, file.path), {
      headers: { range: `bytes=${span.position}-${span.position + span.length - 1}` },
      signal,
    });
    if (response.status !== 206 && !(response.status === 200 && span.position === 0)) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} for a range request`);
    }
    const body = new Uint8Array(await response.arrayBuffer());
    if (body.length < span.length || (response.status === 206 && body.length !== span.length)) {
      throw new Error(`got ${body.length} bytes, expected ${span.length}`);
    }
    data.set(body.subarray(0, span.length), span.at);
  }
  return data;
}

/** BEP 19: a URL ending in `/` names a folder holding the torrent's files. */
function fileUrl(meta: Metainfo, url: string, path: readonly string[]): string {
  if (!url.endsWith("/")) return meta.singleFile ? url : `${url}/${encodePath(path)}`;
  return url + encodePath(path);
}

function encodePath(path: readonly string[]): string {
  return path.map(encodeURIComponent).join("/");
}
