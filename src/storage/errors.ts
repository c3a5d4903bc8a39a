/**
 * The error a storage gives for data it does not hold.
 *
 * @module
 */

/**
 * A read asked for bytes the storage does not hold: a file that was never
 * created or ends before the range, or a piece never written. Callers treat
 * the piece as incomplete (`checkStorage` does).
 *
 * @example
 * ```ts
 * import { MissingDataError } from "./errors.ts";
 * const error = new MissingDataError(3, "file \"a.bin\" does not exist");
 * console.assert(error.piece === 3 && error.message.includes("a.bin"));
 * ```
 */
export class MissingDataError extends Error {
  /** The piece that was read. */
  readonly piece: number;

  /**
   * Makes the error for one read.
   *
   * @param piece The piece that was read.
   * @param reason What is missing.
   */
  constructor(piece: number, reason: string) {
    super(`Cannot read piece ${piece}: ${reason}`);
    this.name = "MissingDataError";
    this.piece = piece;
  }
}
