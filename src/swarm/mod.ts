/**
 * The swarm layer: pure decisions about pieces and peers, driven by the
 * torrent object that owns the connections and the storage. Nothing here
 * opens a socket, reads a clock or sets a timer: time comes in as `now`
 * (milliseconds), randomness as an injectable {@link Random}.
 *
 * - {@link Bitfield}: pieces as on the wire.
 * - {@link Availability}: how many peers have each piece.
 * - {@link Picker}: what to request from whom; block state, endgame,
 *   timeouts, hash failures.
 * - {@link RequestPipeline} and {@link RateMeter}: how many requests to keep
 *   out to a peer; rates; snubbing.
 * - {@link Choker}: whom to upload to.
 *
 * @example
 * ```ts
 * import { Picker, pieceSizes, RequestPipeline, seededRandom } from "./mod.ts";
 *
 * const sizes = pieceSizes({ pieceLength: 32768, pieceCount: 2, files: [{ offset: 0, length: 40000 }] });
 * const picker = new Picker<string>({ pieceSizes: sizes, random: seededRandom(1) });
 * const pipe = new RequestPipeline(0);
 * picker.peerHaveAll("peer");
 * let now = 0;
 * while (picker.remaining > 0) {
 *   now += 10;
 *   for (const block of picker.pick("peer", pipe.slots(now, picker.requestCount("peer")), now)) {
 *     const got = picker.received("peer", block);
 *     if (got.status !== "accepted") throw new Error(got.status);
 *     pipe.blockReceived(block.length, now, got.requestedAt);
 *     if (got.complete) picker.pieceVerified(block.piece);
 *   }
 * }
 * console.assert(picker.bitfield().hasAll());
 * ```
 *
 * @module
 */

export { Availability, type AvailabilityListener } from "./availability.ts";
export { Bitfield } from "./bitfield.ts";
export {
  BLOCK_SIZE,
  blockCount,
  blockLength,
  type BlockRequest,
  type PieceLayout,
  pieceSizes,
} from "./blocks.ts";
export { type ChokeDecision, Choker, type ChokerOptions, type ChokerPeer } from "./choker.ts";
export {
  DEFAULT_PRIORITY,
  MAX_PRIORITY,
  type PeerBlock,
  Picker,
  type PickerOptions,
  type Received,
  type StaleRequest,
} from "./picker.ts";
export { type PipelineOptions, RequestPipeline } from "./pipeline.ts";
export { type Random, randomInt, seededRandom } from "./random.ts";
export { RateMeter, type RateMeterOptions } from "./rate.ts";
