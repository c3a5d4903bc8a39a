/**
 * Finds the peer that sent bad data, without blaming the honest ones that
 * happened to send other blocks of the same piece (libtorrent's "smart
 * ban"): when a piece fails, remember each block and who sent it; when the
 * piece later passes, the senders of the blocks that differ are the liars.
 *
 * @module
 */

/** What was received for a piece that failed its hash check. */
interface Suspect {
  data: Uint8Array;
  from: (string | undefined)[];
}

/** The blocks of failed pieces, kept until the pieces pass. */
export class SmartBan {
  #suspects = new Map<number, Suspect>();
  #blockSize: number;

  /**
   * Makes an empty record.
   *
   * @param blockSize Bytes per block (16 KiB).
   */
  constructor(blockSize: number) {
    this.#blockSize = blockSize;
  }

  /**
   * Records a failed piece.
   *
   * @param piece The piece.
   * @param data What was received.
   * @param from Who sent each block (a ban key per block).
   * @returns Who to ban now: the sender, when one peer sent every block.
   */
  failed(piece: number, data: Uint8Array, from: readonly (string | undefined)[]): string[] {
    const senders = new Set(from.filter((key) => key !== undefined));
    if (senders.size === 1) return [...senders];
    if (!this.#suspects.has(piece)) this.#suspects.set(piece, { data, from: [...from] });
    return [];
  }

  /**
   * Compares a piece that passed with what was received when it failed.
   *
   * @returns Who sent blocks that differ from the good data.
   */
  verified(piece: number, good: Uint8Array): string[] {
    const suspect = this.#suspects.get(piece);
    if (!suspect) return [];
    this.#suspects.delete(piece);
    const liars = new Set<string>();
    suspect.from.forEach((key, block) => {
      if (key === undefined) return;
      const start = block * this.#blockSize;
      const end = Math.min(start + this.#blockSize, good.length);
      for (let i = start; i < end; i++) {
        if (good[i] !== suspect.data[i]) {
          liars.add(key);
          return;
        }
      }
    });
    return [...liars];
  }
}
