/**
 * Pieces being downloaded, held in memory until every block is in and the
 * piece can be hashed; only verified pieces reach storage.
 *
 * @module
 */

/** Buffers for the pieces in flight. */
export class PieceBuffers {
  #buffers = new Map<number, Uint8Array>();
  #bytes = 0;
  #pieceSize: (piece: number) => number;

  /** @param pieceSize The size of each piece. */
  constructor(pieceSize: (piece: number) => number) {
    this.#pieceSize = pieceSize;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Copies a block into its piece's buffer. */
  put(piece: number, begin: number, block: Uint8Array): void {
    let buffer = this.#buffers.get(piece);
    if (!buffer) {
      buffer = new Uint8Array(this.#pieceSize(piece));
      this.#buffers.set(piece, buffer);
      this.#bytes += buffer.length;
    }
    buffer.set(block, begin);
  }

  /** Removes and returns a piece's buffer (when it is complete, or failed). */
  take(piece: number): Uint8Array | undefined {
    const buffer = this.#buffers.get(piece);
    if (buffer) {
      this.#buffers.delete(piece);
      this.#bytes -= buffer.length;
    }
    return buffer;
  }
}
