/**
 * A compact set of piece indices, stored as on the wire: one bit per piece,
 * the high bit of the first byte for piece 0 (BEP 3 `bitfield`).
 *
 * @module
 */

/**
 * A fixed-size bitfield with a maintained count of set bits.
 *
 * @example
 * ```ts
 * import { Bitfield } from "./bitfield.ts";
 * const bits = new Bitfield(10);
 * bits.set(0);
 * bits.set(9);
 * console.assert(bits.count === 2 && bits.get(9) && !bits.get(1));
 * console.assert(bits.toWire()[0] === 0x80 && bits.toWire()[1] === 0x40);
 * ```
 */
export class Bitfield {
  /** Number of bits (pieces). */
  readonly size: number;
  #bytes: Uint8Array;
  #count = 0;

  /**
   * An all-clear bitfield.
   *
   * @param size Number of bits.
   * @throws {RangeError} When `size` is not a non-negative integer.
   */
  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RangeError(`Cannot make a bitfield of ${size} bits`);
    }
    this.size = size;
    this.#bytes = new Uint8Array(Math.ceil(size / 8));
  }

  /**
   * Reads a bitfield as sent on the wire.
   *
   * @param bytes The message payload.
   * @param size Number of pieces in the torrent.
   * @returns A new bitfield holding a copy of the bits.
   * @throws {RangeError} When the length is not `ceil(size / 8)` bytes or a
   * spare bit after the last piece is set.
   */
  static fromWire(bytes: Uint8Array, size: number): Bitfield {
    const bits = new Bitfield(size);
    if (bytes.length !== bits.#bytes.length) {
      throw new RangeError(
        `Cannot read bitfield: ${bytes.length} bytes for ${size} pieces (expected ${bits.#bytes.length})`,
      );
    }
    const spare = bits.#bytes.length * 8 - size;
    if (spare > 0 && (bytes[bytes.length - 1]! & ((1 << spare) - 1)) !== 0) {
      throw new RangeError("Cannot read bitfield: spare bits after the last piece are set");
    }
    bits.#bytes.set(bytes);
    for (const b of bits.#bytes) bits.#count += popcount(b);
    return bits;
  }

  /**
   * A bitfield with every bit set.
   *
   * @param size Number of bits.
   * @returns A full bitfield.
   */
  static full(size: number): Bitfield {
    const bits = new Bitfield(size);
    bits.#bytes.fill(0xff);
    const spare = bits.#bytes.length * 8 - size;
    if (spare > 0) bits.#bytes[bits.#bytes.length - 1] = (0xff << spare) & 0xff;
    bits.#count = size;
    return bits;
  }

  /** Number of set bits. */
  get count(): number {
    return this.#count;
  }

  /** True when every bit is set (and also for a zero-size bitfield). */
  hasAll(): boolean {
    return this.#count === this.size;
  }

  /** True when no bit is set. */
  hasNone(): boolean {
    return this.#count === 0;
  }

  /**
   * Reads one bit.
   *
   * @param index Bit index; out of range reads as `false`.
   * @returns Whether the bit is set.
   */
  get(index: number): boolean {
    const byte = this.#bytes[index >>> 3];
    return byte !== undefined && index >= 0 && index < this.size &&
      (byte & (0x80 >>> (index & 7))) !== 0;
  }

  /**
   * Sets one bit.
   *
   * @param index Bit index.
   * @returns True when the bit was clear before.
   * @throws {RangeError} When the index is out of range.
   */
  set(index: number): boolean {
    this.#check(index);
    const mask = 0x80 >>> (index & 7);
    const at = index >>> 3;
    const byte = this.#bytes[at]!;
    if (byte & mask) return false;
    this.#bytes[at] = byte | mask;
    this.#count++;
    return true;
  }

  /**
   * Clears one bit.
   *
   * @param index Bit index.
   * @returns True when the bit was set before.
   * @throws {RangeError} When the index is out of range.
   */
  clear(index: number): boolean {
    this.#check(index);
    const mask = 0x80 >>> (index & 7);
    const at = index >>> 3;
    const byte = this.#bytes[at]!;
    if (!(byte & mask)) return false;
    this.#bytes[at] = byte & ~mask;
    this.#count--;
    return true;
  }

  /**
   * The indices of set bits in ascending order, skipping empty bytes.
   *
   * @returns An iterator of bit indices.
   */
  *ones(): IterableIterator<number> {
    const bytes = this.#bytes;
    for (let at = 0; at < bytes.length; at++) {
      const byte = bytes[at]!;
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if (byte & (0x80 >>> bit)) yield at * 8 + bit;
      }
    }
  }

  /**
   * The wire form: `ceil(size / 8)` bytes, spare bits clear.
   *
   * @returns A copy of the bytes.
   */
  toWire(): Uint8Array {
    return this.#bytes.slice();
  }

  /**
   * An independent copy.
   *
   * @returns A new bitfield with the same bits.
   */
  clone(): Bitfield {
    return Bitfield.fromWire(this.#bytes, this.size);
  }

  #check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`Bit ${index} is out of range for a bitfield of ${this.size}`);
    }
  }
}

function popcount(byte: number): number {
  let n = 0;
  for (let b = byte; b; b &= b - 1) n++;
  return n;
}
