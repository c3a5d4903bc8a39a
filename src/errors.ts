/**
 * The domain errors callers catch. Parsers throw these the way `JSON.parse`
 * throws `SyntaxError`: every one of them is a `SyntaxError`, so code that
 * handles bad input generically keeps working.
 *
 * @module
 */

/** Malformed or over-limit bencode; `offset` is the byte where it went wrong. */
export class BencodeError extends SyntaxError {
  /** Byte offset in the input where decoding failed. */
  readonly offset: number;

  /**
   * Makes the error.
   *
   * @param message What is wrong.
   * @param offset Byte offset in the input.
   */
  constructor(message: string, offset: number) {
    super(`Cannot decode bencode at byte ${offset}: ${message}`);
    this.name = "BencodeError";
    this.offset = offset;
  }
}

/** A `.torrent` file (or info dictionary) that is well-formed bencode but not a valid torrent. */
export class MetainfoError extends SyntaxError {
  /**
   * Makes the error.
   *
   * @param message What is wrong, naming the field.
   */
  constructor(message: string) {
    super(`Cannot parse torrent: ${message}`);
    this.name = "MetainfoError";
  }
}

/** A magnet URI that cannot be parsed. */
export class MagnetError extends SyntaxError {
  /**
   * Makes the error.
   *
   * @param message What is wrong, naming the parameter.
   */
  constructor(message: string) {
    super(`Cannot parse magnet URI: ${message}`);
    this.name = "MagnetError";
  }
}
