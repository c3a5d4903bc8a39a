/**
 * Shared helpers for the swarm tests.
 *
 * @module
 */

import { Bitfield } from "../../src/swarm/bitfield.ts";
import { BLOCK_SIZE, type BlockRequest } from "../../src/swarm/blocks.ts";
import { Picker, type PickerOptions } from "../../src/swarm/picker.ts";
import { seededRandom } from "../../src/swarm/random.ts";

/** A bitfield of `size` bits with the given bits set. */
export function bits(size: number, ones: Iterable<number>): Bitfield {
  const b = new Bitfield(size);
  for (const i of ones) b.set(i);
  return b;
}

/** A picker over `count` pieces of `size` bytes, seeded, rarest first from the start. */
export function picker(
  count: number,
  size = BLOCK_SIZE,
  options: Partial<PickerOptions> = {},
): Picker<string> {
  return new Picker<string>({
    pieceSizes: new Array(count).fill(size),
    random: seededRandom(1),
    randomFirstPieces: 0,
    ...options,
  });
}

/** `piece:begin` for compact assertions. */
export function label(block: BlockRequest): string {
  return `${block.piece}:${block.begin / BLOCK_SIZE}`;
}

/** Delivers blocks from a peer, verifying pieces as they complete. */
export function deliver(p: Picker<string>, peer: string, blocks: BlockRequest[]): void {
  for (const block of blocks) {
    const got = p.received(peer, block);
    if (got.status !== "accepted") throw new Error(`${label(block)} ${got.status}`);
    if (got.complete) p.pieceVerified(block.piece);
  }
}
