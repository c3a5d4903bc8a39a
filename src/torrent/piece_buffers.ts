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

/** Buffers for the pieces in flight. */
export class PieceBuffers {
  #buffers = new Map<number, BufferedPiece>();
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
      buffered = { data: new Uint8Array(this.#pieceSize(piece)), from: [] };
      this.#buffers.set(piece, buffered);
      this.#bytes += buffered.data.length;
    }
    buffered.data.set(block, begin);
    buffered.from[Math.floor(begin / BLOCK_SIZE)] = sender;
  }

  /** Removes and returns a piece's buffer (when it is complete, or failed). */
  take(piece: number): BufferedPiece | undefined {
    const buffered = this.#buffers.get(piece);
    if (buffered) {
      this.#buffers.delete(piece);
      this.#bytes -= buffered.data.length;
    }
    return buffered;
  }
}
