/**
 * Block-level state of one piece being downloaded: which blocks arrived
 * (and from whom), and which peers each block is requested from.
 *
 * @module
 */

import { blockCount } from "./blocks.ts";

/** The blocks of one started piece. */
export class PieceProgress<P> {
  /** Piece index. */
  readonly piece: number;
  /** When the piece was started, as a sequence number: lower is older. */
  readonly seq: number;
  /** Number of blocks. */
  readonly blocks: number;
  /** 1 for each block that arrived. */
  readonly received: Uint8Array;
  /** Number of blocks that arrived. */
  receivedCount = 0;
  /** Who sent each block that arrived. */
  readonly from: (P | undefined)[];
  /** Per block, the peers with a live (active or timed-out) request for it. */
  readonly requesters: (P[] | undefined)[];
  /** Per block, how many of its requesters have not timed out. */
  readonly active: Uint8Array;
  /** Blocks that neither arrived nor have an active request. */
  free: number;
  /** Live requests over all blocks. */
  entries = 0;

  /**
   * @param piece Piece index.
   * @param size Bytes in the piece.
   * @param seq Start order.
   */
  constructor(piece: number, size: number, seq: number) {
    this.piece = piece;
    this.seq = seq;
    this.blocks = blockCount(size);
    this.received = new Uint8Array(this.blocks);
    this.active = new Uint8Array(this.blocks);
    this.from = new Array(this.blocks);
    this.requesters = new Array(this.blocks);
    this.free = this.blocks;
  }

  /** True when every block arrived. */
  get complete(): boolean {
    return this.receivedCount === this.blocks;
  }

  /**
   * Whether a block may be handed out as a fresh request.
   *
   * @param block Block index.
   * @returns True when it neither arrived nor is actively requested.
   */
  isFree(block: number): boolean {
    return this.received[block] === 0 && this.active[block] === 0;
  }

  /**
   * Records a live request.
   *
   * @param block Block index.
   * @param peer The peer asked.
   */
  addRequester(block: number, peer: P): void {
    const list = this.requesters[block];
    if (list) list.push(peer);
    else this.requesters[block] = [peer];
    this.entries++;
  }

  /**
   * Forgets a live request.
   *
   * @param block Block index.
   * @param peer The peer asked.
   */
  removeRequester(block: number, peer: P): void {
    const list = this.requesters[block];
    const at = list ? list.indexOf(peer) : -1;
    if (!list || at < 0) return;
    list.splice(at, 1);
    if (list.length === 0) this.requesters[block] = undefined;
    this.entries--;
  }
}
