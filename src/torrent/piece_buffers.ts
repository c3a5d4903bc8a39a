/**
 * Pieces being downloaded, held in memory until every block is in and the
 * piece can be hashed; only verified pieces reach storage. Each block's
 * sender is remembered, to find who sent bad data.
 *
 * @module
 */

import { BLOCK_SIZE } from "../swarm/blocks.ts";

/** A piece's bytes and who sent each block. */
export interface BufferedPiece {
  /** The piece's bytes. */
  data: Uint8Array;
  /** The ban key of each block's sender. */
  from: (string | undefined)[];
}

/** Spare buffers kept for reuse, so each piece does not allocate and zero a new one. */
const SPARE_BUFFERS = 8;

/**
 * Buffers for the pieces in flight: from the first block until the piece is
 * written (or failed), so `bytes` bounds everything downloaded but not yet
 * stored.
 */
export class PieceBuffers {
  #buffers = new Map<number, BufferedPiece>();
  #spare: Uint8Array[] = [];
  #bytes = 0;
  #pieceSize: (piece: number) => number;

  /**
   * Makes an empty set of buffers.
   *
   * @param pieceSize The size of each piece.
   */
  constructor(pieceSize: (piece: number) => number) {
    this.#pieceSize = pieceSize;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Copies a block into its piece's buffer and notes its sender. */
  put(piece: number, begin: number, block: Uint8Array, sender: string): void {
    let buffered = this.#buffers.get(piece);
    if (!buffered) {
      buffered = { data: this.#allocate(this.#pieceSize(piece)), from: [] };
      this.#buffers.set(piece, buffered);
      this.#bytes += buffered.data.length;
    }
    buffered.data.set(block, begin);
    buffered.from[Math.floor(begin / BLOCK_SIZE)] = sender;
  }

  /**
   * Removes and returns a complete piece's buffer; it still counts in
   * `bytes` until {@link PieceBuffers.release}.
   */
  take(piece: number): BufferedPiece | undefined {
    const buffered = this.#buffers.get(piece);
    this.#buffers.delete(piece);
    return buffered;
  }

  /** Gives back a taken buffer once its piece is stored or dropped. */
  release(data: Uint8Array): void {
    this.#bytes -= data.length;
    if (this.#spare.length < SPARE_BUFFERS) this.#spare.push(data);
  }

  #allocate(size: number): Uint8Array {
    const at = this.#spare.findIndex((buffer) => buffer.length === size);
    return at < 0 ? new Uint8Array(size) : this.#spare.splice(at, 1)[0]!;
  }
}
