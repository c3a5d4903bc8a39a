/**
 * The piece picker: which blocks to request from which peer, and the state
 * of every block we asked for.
 *
 * Order of picking for a peer, highest priority level first; within a level:
 *
 * 1. blocks of started pieces the peer has (finish what is started);
 * 2. blocks of new pieces the peer has, rarest first, picking at random
 *    among equally rare ones (and wholly at random until we have
 *    `randomFirstPieces` pieces, so we soon have something to trade);
 * 3. endgame: once no wanted block is free anywhere, a peer with nothing
 *    outstanding gets one block already requested from others (fewest
 *    requesters first, at most `endgameRequesters` peers per block), as
 *    libtorrent does, so duplicates stay few even with deep pipelines; the
 *    first copy to arrive tells which duplicates to cancel.
 *
 * Before all of these come time-critical pieces (`setDeadline`), earliest
 * deadline first; once a deadline has passed, a block of such a piece that
 * is out to another peer is requested again from this one (at most
 * `endgameRequesters` peers per block, never from a slow peer).
 * `yieldRequests` cancels a peer's requests for pieces of a lower level, so
 * that what it sends next is the time-critical data.
 *
 * The picker is pure: it never sends anything. The caller sends the
 * requests `pick` returns, the cancels `received` returns, and re-picks
 * after `timedOut`, `rejected`, `dropRequests` or `hashFailed`.
 *
 * @module
 */

import { Availability } from "./availability.ts";
import type { Bitfield } from "./bitfield.ts";
import { BLOCK_SIZE, blockCount, blockLength, type BlockRequest } from "./blocks.ts";
import { MAX_PRIORITY, PieceOrder } from "./_piece_order.ts";
import { PieceProgress } from "./_piece_progress.ts";
import type { Random } from "./random.ts";

export { DEFAULT_PRIORITY, MAX_PRIORITY } from "./_piece_order.ts";

/** Options for a {@link Picker}. */
export interface PickerOptions {
  /** Bytes in each piece (see `pieceSizes` in `blocks.ts`); its length is the piece count. */
  pieceSizes: ArrayLike<number>;
  /** Source of randomness; `Math.random` by default, a seeded one in tests. */
  random?: Random;
  /** Until we have this many pieces, new pieces are picked at random rather than rarest first. Default 4. */
  randomFirstPieces?: number;
  /** In endgame, most peers one block is requested from at once (the first included). Default 3. */
  endgameRequesters?: number;
}

/** A request to one peer. */
export interface PeerBlock<P> {
  /** The peer. */
  peer: P;
  /** The block. */
  block: BlockRequest;
}

/** A request that took too long; its block may now be requested elsewhere. */
export interface StaleRequest<P> extends PeerBlock<P> {
  /** When it was requested (the `now` passed to `pick`). */
  requestedAt: number;
}

/**
 * What became of a block that arrived.
 *
 * - `accepted`: store it; `complete` says the piece is ready to hash;
 *   `cancel` lists the same block's requests to other peers, to cancel.
 * - `duplicate`: we asked this peer for it, but another copy was taken
 *   first (or the request was cancelled); drop the data.
 * - `unsolicited`: we never asked this peer for this block; close the peer.
 */
export type Received<P> =
  | { status: "accepted"; complete: boolean; requestedAt: number; cancel: PeerBlock<P>[] }
  | { status: "duplicate"; requestedAt: number }
  | { status: "unsolicited" };

const ACTIVE = 0;
const STALE = 1;
const CANCELLED = 2;

/** One request to one peer: active, timed out (still welcome) or cancelled (tolerated). */
interface Entry {
  at: number;
  state: typeof ACTIVE | typeof STALE | typeof CANCELLED;
  /** Copies of a cancelled request that may still arrive after it was asked again. */
  spare: number;
}

interface PeerState {
  requests: Map<number, Entry>;
  slow: boolean;
}

interface Located {
  piece: number;
  block: number;
  key: number;
}

/**
 * Block-level download state and the choice of what to request next.
 *
 * @typeParam P How the caller names a peer (any value usable as a `Map` key).
 *
 * @example
 * ```ts
 * import { Picker } from "./picker.ts";
 * import { seededRandom } from "./random.ts";
 * const picker = new Picker<string>({ pieceSizes: [32768, 100], random: seededRandom(1) });
 * picker.peerHaveAll("a");
 * const asks = picker.pick("a", 10, 0);
 * console.assert(asks.length === 3);
 * for (const block of asks) {
 *   const got = picker.received("a", block);
 *   if (got.status === "accepted" && got.complete) picker.pieceVerified(block.piece);
 * }
 * console.assert(picker.remaining === 0);
 * ```
 */
export class Picker<P> {
  /** Number of pieces. */
  readonly pieceCount: number;
  #sizes: ArrayLike<number>;
  #endgameRequesters: number;
  #stride: number;
  #order: PieceOrder;
  #availability: Availability<P>;
  /** Started pieces: some block requested or received, not yet verified. */
  #partials = new Map<number, PieceProgress<P>>();
  /** Started pieces with free blocks, oldest first. */
  #open = new Set<PieceProgress<P>>();
  #peers = new Map<P, PeerState>();
  /** Free blocks over all wanted pieces. */
  #free = 0;
  #startSeq = 0;
  /** Deadlines of time-critical pieces (caller's clock, ms). */
  #deadlines = new Map<number, number>();

  /**
   * A picker for a torrent of which we have nothing, every piece at the default priority.
   *
   * @param options Piece sizes and tuning.
   * @throws {RangeError} When a piece size is not a positive integer.
   */
  constructor(options: PickerOptions) {
    const sizes = options.pieceSizes;
    this.pieceCount = sizes.length;
    this.#sizes = sizes;
    this.#endgameRequesters = Math.min(255, options.endgameRequesters ?? 3);
    let stride = 1;
    for (let piece = 0; piece < sizes.length; piece++) {
      const size = sizes[piece]!;
      if (!Number.isSafeInteger(size) || size <= 0) {
        throw new RangeError(`Piece ${piece} has size ${size}`);
      }
      const blocks = blockCount(size);
      stride = Math.max(stride, blocks);
      this.#free += blocks;
    }
    this.#stride = stride;
    this.#order = new PieceOrder(sizes.length, {
      random: options.random ?? Math.random,
      randomFirst: options.randomFirstPieces ?? 4,
      rarity: (piece) => this.#availability.rarity(piece),
    });
    this.#availability = new Availability<P>(
      sizes.length,
      (piece, before, after) => this.#order.rarityChanged(piece, before, after),
    );
  }

  /** Wanted pieces (priority above 0) we do not have yet. */
  get remaining(): number {
    return this.#order.remaining;
  }

  /** True when every wanted block that is missing is already requested: duplicates are allowed. */
  get endgame(): boolean {
    return this.#free === 0 && this.#order.remaining > 0;
  }

  /**
   * Whether we have a piece (verified).
   *
   * @param piece The piece index.
   * @returns True when verified.
   */
  hasPiece(piece: number): boolean {
    return this.#order.have.get(piece);
  }

  /**
   * The pieces we have, for a `bitfield` message.
   *
   * @returns A copy.
   */
  bitfield(): Bitfield {
    return this.#order.have.clone();
  }

  /**
   * A piece's priority.
   *
   * @param piece The piece index.
   * @returns 0 (skip) to {@link MAX_PRIORITY}.
   */
  priority(piece: number): number {
    return this.#order.priority(piece);
  }

  /**
   * Sets a piece's priority: 0 skips it, higher levels are picked first.
   * Requests already out for the piece stay out.
   *
   * @param piece The piece index.
   * @param priority An integer from 0 to {@link MAX_PRIORITY}.
   * @throws {RangeError} When the piece or priority is out of range.
   */
  setPriority(piece: number, priority: number): void {
    this.#checkPiece(piece);
    if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
      throw new RangeError(`Priority ${priority} is not an integer from 0 to ${MAX_PRIORITY}`);
    }
    const change = this.#order.setPriority(piece, priority);
    if (change !== 0) this.#free += change * this.#freeIn(piece);
  }

  /**
   * How many connected peers have a piece, seeds included.
   *
   * @param piece The piece index.
   * @returns The peer count.
   */
  availability(piece: number): number {
    return this.#availability.count(piece);
  }

  /**
   * A peer's `bitfield` message.
   *
   * @param peer The peer.
   * @param bits Its pieces (copied).
   * @throws {RangeError} When the bitfield has the wrong size.
   */
  peerBitfield(peer: P, bits: Bitfield): void {
    this.#availability.bitfield(peer, bits);
  }

  /**
   * A peer's `have` message.
   *
   * @param peer The peer.
   * @param piece The piece it now has.
   * @returns True when we want that piece (the peer may have become interesting).
   * @throws {RangeError} When the piece is out of range.
   */
  peerHave(peer: P, piece: number): boolean {
    this.#availability.have(peer, piece);
    return this.#order.wanted(piece);
  }

  /**
   * A peer's `have all` message (BEP 6).
   *
   * @param peer The peer.
   */
  peerHaveAll(peer: P): void {
    this.#availability.haveAll(peer);
  }

  /**
   * A peer's `have none` message (BEP 6).
   *
   * @param peer The peer.
   */
  peerHaveNone(peer: P): void {
    this.#availability.haveNone(peer);
  }

  /**
   * A peer disconnected: frees its requests and forgets its pieces.
   *
   * @param peer The peer.
   */
  peerGone(peer: P): void {
    this.dropRequests(peer);
    this.#peers.delete(peer);
    this.#availability.peerGone(peer);
  }

  /**
   * Whether a peer has any piece we want (so we should be interested).
   *
   * @param peer The peer.
   * @returns True when it has a wanted piece we lack.
   */
  interesting(peer: P): boolean {
    const pieces = this.#availability.piecesOf(peer);
    if (pieces === "all") return this.#order.remaining > 0;
    if (pieces === undefined) return false;
    for (const piece of pieces.ones()) if (this.#order.wanted(piece)) return true;
    return false;
  }

  /**
   * Requests outstanding to a peer: active and timed out, not cancelled.
   *
   * @param peer The peer.
   * @returns The count.
   */
  requestCount(peer: P): number {
    let n = 0;
    for (const entry of this.#peers.get(peer)?.requests.values() ?? []) {
      if (entry.state !== CANCELLED) n++;
    }
    return n;
  }

  /**
   * When the oldest request still outstanding to a peer was made (for snub detection).
   *
   * @param peer The peer.
   * @returns The `now` of that `pick`, or `undefined` when nothing is outstanding.
   */
  oldestRequest(peer: P): number | undefined {
    let oldest: number | undefined;
    for (const entry of this.#peers.get(peer)?.requests.values() ?? []) {
      if (entry.state !== CANCELLED && (oldest === undefined || entry.at < oldest)) {
        oldest = entry.at;
      }
    }
    return oldest;
  }

  /**
   * Whether a peer let a request time out and has not sent a block since.
   * Slow peers get no endgame duplicates.
   *
   * @param peer The peer.
   * @returns True when slow.
   */
  isSlow(peer: P): boolean {
    return this.#peers.get(peer)?.slow ?? false;
  }

  /**
   * Chooses blocks to request from a peer and records them as requested.
   *
   * @param peer A peer that unchoked us.
   * @param want Most blocks to return (its free pipeline slots).
   * @param now The current time in milliseconds, kept for timeouts.
   * @returns Up to `want` blocks, never one already requested from this peer.
   */
  pick(peer: P, want: number, now: number): BlockRequest[] {
    const out: BlockRequest[] = [];
    const pieces = this.#availability.piecesOf(peer);
    if (want <= 0 || this.#order.remaining === 0 || pieces === undefined) return out;
    const state = this.#state(peer);
    if (this.#deadlines.size > 0) this.#pickCritical(peer, state, pieces, want, now, out);
    if (out.length >= want) return out;
    const started = this.#startedByLevel(pieces);
    const fresh: number[] = [];
    let need = 0;
    const choose = (piece: number): boolean => {
      fresh.push(piece);
      need -= blockCount(this.#sizes[piece]!);
      return need <= 0;
    };
    for (let level = MAX_PRIORITY; level > 0; level--) {
      for (const progress of started[level] ?? []) {
        this.#takeFree(peer, state, progress, want, now, out);
        if (out.length >= want) return out;
      }
      need = want - out.length;
      fresh.length = 0;
      this.#order.visit(level, pieces, choose);
      for (const piece of fresh) {
        const progress = this.#start(piece);
        this.#takeFree(peer, state, progress, want, now, out);
        this.#forgetIfIdle(progress);
      }
      if (out.length >= want) return out;
    }
    if (this.#free === 0 && !state.slow && !this.#busy(state)) {
      this.#takeDuplicate(peer, state, pieces, now, out);
    }
    return out;
  }

  /**
   * A block arrived from a peer.
   *
   * @param peer The sender.
   * @param block Which block (piece, begin, data length).
   * @returns What to do with it; see {@link Received}.
   */
  received(peer: P, block: BlockRequest): Received<P> {
    const at = this.#locate(block);
    const state = this.#peers.get(peer);
    const entry = at && state?.requests.get(at.key);
    if (!at || !state || !entry) return { status: "unsolicited" };
    const was = entry.state;
    // Asked again after a cancel: the other copy may come too, and is then a duplicate.
    if (entry.spare > 0) {
      entry.spare--;
      entry.state = CANCELLED;
    } else state.requests.delete(at.key);
    const progress = this.#partials.get(at.piece);
    if (progress && was !== CANCELLED) {
      this.#change(progress, at.block, () => {
        if (was === ACTIVE) progress.active[at.block]!--;
        progress.removeRequester(at.block, peer);
      });
    }
    if (!progress || progress.received[at.block]) {
      if (progress) this.#forgetIfIdle(progress);
      return { status: "duplicate", requestedAt: entry.at };
    }
    state.slow = false;
    const cancel: PeerBlock<P>[] = [];
    this.#change(progress, at.block, () => {
      progress.received[at.block] = 1;
      progress.receivedCount++;
      progress.from[at.block] = peer;
      for (const other of progress.requesters[at.block]?.slice() ?? []) {
        const dup = this.#peers.get(other)!.requests.get(at.key)!;
        if (dup.state === ACTIVE) progress.active[at.block]!--;
        dup.state = CANCELLED;
        progress.removeRequester(at.block, other);
        cancel.push({ peer: other, block: this.#block(at.piece, at.block) });
      }
    });
    return { status: "accepted", complete: progress.complete, requestedAt: entry.at, cancel };
  }

  /**
   * A peer rejected a request (BEP 6 `reject request`): the block is free again.
   *
   * @param peer The peer.
   * @param block The rejected block.
   * @returns False when no such request was outstanding (a protocol violation).
   */
  rejected(peer: P, block: BlockRequest): boolean {
    const at = this.#locate(block);
    const state = this.#peers.get(peer);
    const entry = at && state?.requests.get(at.key);
    if (!at || !state || !entry) return false;
    this.#unrequest(peer, state, at, entry);
    return true;
  }

  /**
   * Frees every request outstanding to a peer, as when it chokes us
   * without the fast extension.
   *
   * @param peer The peer.
   * @returns The blocks that were outstanding (cancelled ones excluded).
   */
  dropRequests(peer: P): BlockRequest[] {
    const state = this.#peers.get(peer);
    const dropped: BlockRequest[] = [];
    if (!state) return dropped;
    for (const [key, entry] of state.requests) {
      const at = this.#unkey(key);
      if (entry.state !== CANCELLED) dropped.push(this.#block(at.piece, at.block));
      this.#unrequest(peer, state, at, entry);
    }
    return dropped;
  }

  /**
   * Finds requests older than a timeout. Their blocks become free for other
   * peers, but a late arrival from the slow peer is still accepted; the
   * peer is marked slow. Cancelled requests older than the timeout are
   * forgotten (a late copy is then unsolicited).
   *
   * @param now The current time in milliseconds.
   * @param timeoutMs How long a request may take (`limits.requestTimeoutMs`).
   * @returns Requests that just timed out, each reported once.
   */
  timedOut(now: number, timeoutMs: number): StaleRequest<P>[] {
    const stale: StaleRequest<P>[] = [];
    for (const [peer, state] of this.#peers) {
      for (const [key, entry] of state.requests) {
        if (now - entry.at < timeoutMs || entry.state === STALE) continue;
        if (entry.state === CANCELLED) {
          state.requests.delete(key);
          continue;
        }
        const at = this.#unkey(key);
        const progress = this.#partials.get(at.piece)!;
        this.#change(progress, at.block, () => {
          progress.active[at.block]!--;
          entry.state = STALE;
        });
        state.slow = true;
        stale.push({ peer, block: this.#block(at.piece, at.block), requestedAt: entry.at });
      }
    }
    return stale;
  }

  /**
   * A fully received piece failed its hash check: its blocks become free.
   *
   * @param piece The piece index.
   * @returns The distinct peers that sent its blocks, for blame.
   */
  hashFailed(piece: number): P[] {
    const progress = this.#partials.get(piece);
    if (!progress) return [];
    const senders = new Set<P>();
    for (let block = 0; block < progress.blocks; block++) {
      if (!progress.received[block]) continue;
      senders.add(progress.from[block]!);
      this.#change(progress, block, () => {
        progress.received[block] = 0;
        progress.from[block] = undefined;
        progress.receivedCount--;
      });
    }
    this.#forgetIfIdle(progress);
    return [...senders];
  }

  /**
   * Whether some block of a piece has been requested or received and the
   * piece is not verified yet (whole-piece sources, such as web seeds, skip
   * such pieces).
   *
   * @param piece The piece index.
   */
  isStarted(piece: number): boolean {
    return this.#partials.has(piece);
  }

  /**
   * A piece passed its hash check (or was found complete in storage).
   *
   * @param piece The piece index.
   * @returns Requests still out for the piece, to cancel (usually none).
   * @throws {RangeError} When the piece is out of range.
   */
  pieceVerified(piece: number): PeerBlock<P>[] {
    this.#checkPiece(piece);
    const cancel: PeerBlock<P>[] = [];
    this.#deadlines.delete(piece);
    if (this.#order.have.get(piece)) return cancel;
    const free = this.#freeIn(piece);
    if (this.#order.markHave(piece)) this.#free -= free;
    const progress = this.#partials.get(piece);
    if (!progress) return cancel;
    this.#partials.delete(piece);
    this.#open.delete(progress);
    for (let block = 0; block < progress.blocks; block++) {
      for (const peer of progress.requesters[block] ?? []) {
        this.#peers.get(peer)!.requests.get(piece * this.#stride + block)!.state = CANCELLED;
        cancel.push({ peer, block: this.#block(piece, block) });
      }
    }
    return cancel;
  }

  /**
   * Makes a piece time-critical: it is picked before every priority level,
   * earliest deadline first, and its blocks are requested again from other
   * peers once the deadline has passed. Verifying the piece clears it.
   *
   * @param piece The piece index.
   * @param at The deadline in milliseconds (the clock of `now`), or
   * `undefined` to clear it.
   * @throws {RangeError} When the piece is out of range.
   */
  setDeadline(piece: number, at: number | undefined): void {
    this.#checkPiece(piece);
    if (at === undefined || this.#order.have.get(piece)) this.#deadlines.delete(piece);
    else this.#deadlines.set(piece, at);
  }

  /**
   * Cancels a peer's active requests for pieces below a priority level that
   * are not time-critical and not yet received, so that the peer's queue
   * serves time-critical blocks next. The blocks become free; a copy that
   * arrives anyway is still accepted.
   *
   * @param peer The peer.
   * @param level Requests for pieces of a lower priority are cancelled.
   * @returns The blocks to send `cancel` for.
   */
  yieldRequests(peer: P, level: number): BlockRequest[] {
    const state = this.#peers.get(peer);
    const cancelled: BlockRequest[] = [];
    if (!state) return cancelled;
    for (const [key, entry] of state.requests) {
      const at = this.#unkey(key);
      if (
        entry.state !== ACTIVE || this.#deadlines.has(at.piece) ||
        this.#order.priority(at.piece) >= level
      ) continue;
      const progress = this.#partials.get(at.piece)!;
      this.#change(progress, at.block, () => {
        progress.active[at.block]!--;
        progress.removeRequester(at.block, peer);
        entry.state = CANCELLED;
      });
      this.#forgetIfIdle(progress);
      cancelled.push(this.#block(at.piece, at.block));
    }
    return cancelled;
  }

  /** Time-critical pieces the peer has, earliest deadline first: free blocks, then late duplicates. */
  #pickCritical(
    peer: P,
    state: PeerState,
    pieces: Readonly<Bitfield> | "all",
    want: number,
    now: number,
    out: BlockRequest[],
  ): void {
    const critical = [...this.#deadlines].sort((a, b) => a[1] - b[1]);
    for (const [piece, deadline] of critical) {
      if (!this.#order.wanted(piece) || (pieces !== "all" && !pieces.get(piece))) continue;
      const progress = this.#partials.get(piece) ?? this.#start(piece);
      this.#takeFree(peer, state, progress, want, now, out);
      if (now >= deadline && !state.slow) {
        for (let block = 0; block < progress.blocks && out.length < want; block++) {
          if (
            !progress.received[block] && this.#askable(state, piece, block) &&
            (progress.requesters[block]?.length ?? 0) < this.#endgameRequesters
          ) out.push(this.#request(peer, state, progress, block, now));
        }
      }
      this.#forgetIfIdle(progress);
      if (out.length >= want) return;
    }
  }

  /** Starts downloading a piece: its block state, out of the queue. */
  #start(piece: number): PieceProgress<P> {
    const progress = new PieceProgress<P>(piece, this.#sizes[piece]!, this.#startSeq++);
    this.#partials.set(piece, progress);
    this.#open.add(progress);
    this.#order.start(piece);
    return progress;
  }

  #freeIn(piece: number): number {
    return this.#partials.get(piece)?.free ?? blockCount(this.#sizes[piece]!);
  }

  #state(peer: P): PeerState {
    let state = this.#peers.get(peer);
    if (!state) {
      state = { requests: new Map(), slow: false };
      this.#peers.set(peer, state);
    }
    return state;
  }

  /** Started pieces with free blocks that the peer has, grouped by priority level, oldest first. */
  #startedByLevel(pieces: Readonly<Bitfield> | "all"): PieceProgress<P>[][] {
    const levels: PieceProgress<P>[][] = [];
    for (const progress of this.#open) {
      const level = this.#order.priority(progress.piece);
      if (level === 0 || (pieces !== "all" && !pieces.get(progress.piece))) continue;
      (levels[level] ??= []).push(progress);
    }
    for (const level of levels) level?.sort((a, b) => a.seq - b.seq);
    return levels;
  }

  #takeFree(
    peer: P,
    state: PeerState,
    progress: PieceProgress<P>,
    want: number,
    now: number,
    out: BlockRequest[],
  ): void {
    for (let block = 0; block < progress.blocks && out.length < want; block++) {
      if (progress.isFree(block) && this.#askable(state, progress.piece, block)) {
        out.push(this.#request(peer, state, progress, block, now));
      }
    }
  }

  #takeDuplicate(
    peer: P,
    state: PeerState,
    pieces: Readonly<Bitfield> | "all",
    now: number,
    out: BlockRequest[],
  ): void {
    let best: { progress: PieceProgress<P>; block: number; rank: number } | undefined;
    for (const progress of this.#partials.values()) {
      const level = this.#order.priority(progress.piece);
      if (level === 0 || (pieces !== "all" && !pieces.get(progress.piece))) continue;
      for (let block = 0; block < progress.blocks; block++) {
        const asked = progress.requesters[block]?.length ?? 0;
        if (
          progress.received[block] || asked >= this.#endgameRequesters ||
          !this.#askable(state, progress.piece, block)
        ) continue;
        const rank = progress.active[block]! * (MAX_PRIORITY + 1) + MAX_PRIORITY - level;
        if (!best || rank < best.rank) best = { progress, block, rank };
      }
    }
    if (best) out.push(this.#request(peer, state, best.progress, best.block, now));
  }

  /** True when the peer has a request out (active or timed out). */
  #busy(state: PeerState): boolean {
    for (const entry of state.requests.values()) if (entry.state !== CANCELLED) return true;
    return false;
  }

  /** True when the peer has no live request for the block. */
  #askable(state: PeerState, piece: number, block: number): boolean {
    const entry = state.requests.get(piece * this.#stride + block);
    return entry === undefined || entry.state === CANCELLED;
  }

  #request(
    peer: P,
    state: PeerState,
    progress: PieceProgress<P>,
    block: number,
    now: number,
  ): BlockRequest {
    const key = progress.piece * this.#stride + block;
    const cancelled = state.requests.get(key);
    state.requests.delete(key);
    state.requests.set(key, { at: now, state: ACTIVE, spare: cancelled ? cancelled.spare + 1 : 0 });
    this.#change(progress, block, () => {
      progress.active[block]!++;
      progress.addRequester(block, peer);
    });
    return this.#block(progress.piece, block);
  }

  #unrequest(peer: P, state: PeerState, at: Located, entry: Entry): void {
    state.requests.delete(at.key);
    const progress = this.#partials.get(at.piece);
    if (!progress || entry.state === CANCELLED) return;
    this.#change(progress, at.block, () => {
      if (entry.state === ACTIVE) progress.active[at.block]!--;
      progress.removeRequester(at.block, peer);
    });
    this.#forgetIfIdle(progress);
  }

  /** Runs a change to one block and keeps the free-block counts right. */
  #change(progress: PieceProgress<P>, block: number, change: () => void): void {
    const wasFree = progress.isFree(block);
    change();
    const isFree = progress.isFree(block);
    if (wasFree === isFree) return;
    const delta = isFree ? 1 : -1;
    progress.free += delta;
    if (progress.free === 0) this.#open.delete(progress);
    else if (delta > 0 && progress.free === 1) this.#open.add(progress);
    if (this.#order.wanted(progress.piece)) this.#free += delta;
  }

  /** Drops the state of a started piece that holds nothing any more. */
  #forgetIfIdle(progress: PieceProgress<P>): void {
    if (progress.receivedCount === 0 && progress.entries === 0) {
      this.#partials.delete(progress.piece);
      this.#open.delete(progress);
      this.#order.release(progress.piece);
    }
  }

  #locate(block: BlockRequest): Located | undefined {
    const { piece, begin, length } = block;
    const size = this.#sizes[piece];
    if (size === undefined || !Number.isInteger(piece) || begin % BLOCK_SIZE !== 0) return;
    const index = begin / BLOCK_SIZE;
    if (index < 0 || index >= blockCount(size) || length !== blockLength(size, index)) return;
    return { piece, block: index, key: piece * this.#stride + index };
  }

  #unkey(key: number): Located {
    const piece = Math.floor(key / this.#stride);
    return { piece, block: key - piece * this.#stride, key };
  }

  #block(piece: number, block: number): BlockRequest {
    return {
      piece,
      begin: block * BLOCK_SIZE,
      length: blockLength(this.#sizes[piece]!, block),
    };
  }

  #checkPiece(piece: number): void {
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.pieceCount) {
      throw new RangeError(`Piece ${piece} is out of range (${this.pieceCount} pieces)`);
    }
  }
}
