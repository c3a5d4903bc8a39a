/**
 * Collects one info dictionary from `ut_metadata` pieces sent by several
 * peers, and checks the whole against the info hash. When a mixed assembly
 * fails, the peers that sent it cannot be told apart, so from then on the
 * pieces come from one peer at a time: a failure then names its sender.
 *
 * @module
 */

import { bytesEqual, concatBytes } from "../bytes.ts";
import { sha1, sha256 } from "../metainfo/hash.ts";
import { metadataPieceCount, metadataPieceLength } from "../wire/extensions/ut_metadata.ts";

/** The hashes the info dictionary must have: the v1 SHA-1, the v2 SHA-256, or both. */
export interface ExpectedHashes {
  /** 20 bytes, or `null` when the magnet has no v1 hash. */
  v1: Uint8Array | null;
  /** 32 bytes, or `null` when the magnet has no v2 hash. */
  v2: Uint8Array | null;
}

/** What a finished assembly turned out to be. */
export type AssemblyResult<P> =
  | { ok: true; info: Uint8Array }
  | { ok: false; blame: P | null };

/** One info dictionary of one announced size, being collected. */
export class MetadataAssembly<P> {
  /** Bytes in the info dictionary. */
  readonly size: number;
  #pieces: (Uint8Array | null)[];
  #senders: (P | null)[];
  #requested = new Map<number, { peer: P; at: number }>();
  #singleSource = false;
  #owner: P | null = null;

  constructor(size: number) {
    this.size = size;
    this.#pieces = new Array(metadataPieceCount(size)).fill(null);
    this.#senders = new Array(this.#pieces.length).fill(null);
  }

  /** Whether pieces now come from one peer at a time. */
  get singleSource(): boolean {
    return this.#singleSource;
  }

  /**
   * The next piece to ask a peer for, marked as requested, or `null` when
   * none is free (or, one peer at a time, the peer is not the one).
   */
  next(peer: P, now: number): number | null {
    if (this.#singleSource) {
      this.#owner ??= peer;
      if (this.#owner !== peer) return null;
    }
    for (let piece = 0; piece < this.#pieces.length; piece++) {
      if (this.#pieces[piece] || this.#requested.has(piece)) continue;
      this.#requested.set(piece, { peer, at: now });
      return piece;
    }
    return null;
  }

  /** How many pieces a peer has been asked for and not answered. */
  outstanding(peer: P): number {
    let count = 0;
    for (const request of this.#requested.values()) if (request.peer === peer) count++;
    return count;
  }

  /**
   * Takes a piece from a peer.
   *
   * @returns `false` when the peer was not asked for it or its length is wrong.
   */
  put(peer: P, piece: number, data: Uint8Array): boolean {
    if (this.#requested.get(piece)?.peer !== peer) return false;
    if (data.length !== metadataPieceLength(this.size, piece)) return false;
    this.#requested.delete(piece);
    this.#pieces[piece] = data.slice();
    this.#senders[piece] = peer;
    return true;
  }

  /** Whether every piece is here. */
  get complete(): boolean {
    return this.#pieces.every((piece) => piece !== null);
  }

  /** Forgets a peer's open requests (it rejected them, timed out or left). */
  release(peer: P): void {
    for (const [piece, request] of this.#requested) {
      if (request.peer === peer) this.#requested.delete(piece);
    }
    if (this.#singleSource && this.#owner === peer) this.#reset();
  }

  /** Peers with a request older than `before`. */
  late(before: number): P[] {
    return [...this.#requested.values()].filter((r) => r.at < before).map((r) => r.peer);
  }

  /**
   * Checks the complete dictionary. On failure the pieces are dropped, and
   * `blame` names the sender when one peer sent them all.
   */
  async verify(expected: ExpectedHashes): Promise<AssemblyResult<P>> {
    const info = concatBytes(this.#pieces as Uint8Array[]);
    const good = (!expected.v1 || bytesEqual(await sha1(info), expected.v1)) &&
      (!expected.v2 || bytesEqual(await sha256(info), expected.v2));
    if (good) return { ok: true, info };
    const first = this.#senders[0] ?? null;
    const blame = this.#senders.every((sender) => sender === first) ? first : null;
    this.#singleSource = true;
    this.#reset();
    return { ok: false, blame };
  }

  #reset(): void {
    this.#pieces.fill(null);
    this.#senders.fill(null);
    this.#requested.clear();
    this.#owner = null;
  }
}
