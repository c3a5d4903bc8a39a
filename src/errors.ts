/**
 * The domain errors callers catch. Parsers throw these the way `JSON.parse`
 * throws `SyntaxError`: every one of them is a `SyntaxError`, so code that
 * handles bad input generically keeps working.
 *
 * @module
 */

/**
 * Malformed or over-limit bencode; `offset` is the byte where it went wrong.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { BencodeError } from "./errors.ts";
 * import { decodeBencode } from "./metainfo/bencode.ts";
 *
 * const bytes = new TextEncoder().encode("li1ei042ee"); // 042: a leading zero
 * throws(() => decodeBencode(bytes), BencodeError);
 * throws(() => decodeBencode(bytes), SyntaxError); // as from JSON.parse
 * throws(() => decodeBencode(bytes), { offset: 4 }); // where the bad integer starts
 * ```
 */
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

/**
 * A `.torrent` file (or info dictionary) that is well-formed bencode but not a valid torrent.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { MetainfoError } from "./errors.ts";
 * import { encodeBencode } from "./metainfo/bencode.ts";
 * import { parseTorrent } from "./metainfo/parse_torrent.ts";
 *
 * const noInfo = encodeBencode({ announce: "http://127.0.0.1/announce" });
 * await rejects(parseTorrent(noInfo), MetainfoError);
 * await rejects(parseTorrent(noInfo), { name: "MetainfoError", message: /info/ });
 * ```
 */
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

/**
 * A magnet URI that cannot be parsed.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { MagnetError } from "./errors.ts";
 * import { parseMagnet } from "./metainfo/magnet.ts";
 *
 * throws(() => parseMagnet("magnet:?dn=no-hash"), MagnetError);
 * throws(() => parseMagnet("magnet:?xt=urn:btih:abc"), { name: "MagnetError" }); // too short
 * ```
 */
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
