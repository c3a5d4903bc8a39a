/**
 * One uTP connection (BEP 29) as a {@link Conn}: the SYN/STATE handshake,
 * DATA packets numbered with 16-bit sequence numbers that wrap around,
 * cumulative and selective acks, fast retransmit after three duplicate or
 * selective acks, retransmission timeouts from the round trip and its
 * variance (doubled on each timeout, a connection given up after a few),
 * LEDBAT for the send window, a receive window advertised from what the
 * reader has not taken yet, FIN for a clean close and RESET for a hard one.
 * Written bytes are packed into full packets across writes: a packet not yet
 * full waits for the end of the turn (more writes may follow), then goes.
 * Where the path takes large packets (loopback), both ends say in the
 * handshake how large a packet they receive, and ours send up to that.
 *
 * The endpoint (`endpoint.ts`) owns the UDP socket, routes packets here by
 * connection id, and calls {@link UtpConnection.tick} every few milliseconds.
 *
 * @module
 */

import type { Conn, PeerAddress } from "../mod.ts";
import { type Deferred, deferred } from "../../src/deferred.ts";
import { Ledbat } from "./ledbat.ts";
import {
  encodeHeader,
  EXTENSION_MAX_PACKET,
  EXTENSION_SACK,
  HEADER_SIZE,
  MAX_PACKET_EXTENSION_SIZE,
  MAX_SACK_BYTES,
  PacketType,
  refreshHeader,
  type UtpHeader,
  writeMaxPacket,
  writeSack,
} from "./packet.ts";
import { RttEstimator } from "./rtt.ts";
import { seqAdd, seqDistance, seqLess } from "./seq.ts";

/** What a connection asks of its endpoint. */
export interface UtpLink {
  /** Sends one packet; failures are dropped (the packet counts as lost). */
  send(packet: Uint8Array, to: PeerAddress): void;
  /**
   * Asks for {@link UtpConnection.flushHeld} at the end of this turn, after the
   * packets now arriving and the writes now made.
   */
  flushSoon(conn: UtpConnection): void;
  /** The connection is over: forget it. */
  forget(conn: UtpConnection): void;
}

/** Bytes we let the peer have in flight to us (our receive window). */
export const RECEIVE_WINDOW = 1024 * 1024;
/** The largest packet we receive, as we tell peers: any datagram (both socket layers read 64 KiB). */
const LARGEST_PACKET = 0xffff;
/** Slots of the send and receive rings, in packets (a power of two). */
const RING = 4096;
const RING_MASK = RING - 1;
/** Out-of-order packets we keep, counted from the next expected one. */
const REORDER_SPAN = 2048;
/** In-order data packets after which an ack goes out at once. */
const ACK_EVERY = 16;
/** Out-of-order packets after which an ack with the selective ack goes out at once. */
const OUT_OF_ORDER_ACK_EVERY = 4;
/** Duplicate acks (or packets selectively acked after a hole) that mean loss. */
const DUPLICATE_ACKS = 3;
/** Timeouts in a row after which a connection is given up. */
const MAX_TIMEOUTS = 6;
/** SYNs sent before a dial is given up. */
const MAX_SYNS = 4;
/** The first SYN's timeout; it doubles. */
const SYN_TIMEOUT_MS = 400;
/** A STATE packet goes out after this long without sending anything. */
const KEEPALIVE_MS = 29_000;
/** An accepted connection must hear from the dialler within this long. */
const HALF_OPEN_MS = 10_000;
/** A closing connection waits this long at most for its data and FIN to be acked. */
const LINGER_MS = 20_000;

type State = "syn-sent" | "syn-recv" | "connected" | "closing" | "closed";

/** A packet we sent and the peer has not acked yet. */
interface OutPacket {
  bytes: Uint8Array;
  payload: number;
  sentAt: number;
  transmissions: number;
  sacked: boolean;
  lost: boolean;
}

const EMPTY = new Uint8Array(0);

/** Microseconds on our clock, modulo 2^32. */
function micros(nowMs: number): number {
  return Math.floor(nowMs * 1000) >>> 0;
}

/** The congestion window for packets of `packetSize` payload bytes. */
function congestion(packetSize: number): Ledbat {
  return new Ledbat({ packetSize, maxWindow: 4 * RECEIVE_WINDOW });
}

/** An error carrying a connection's end, as `Deno.errors` would name it. */
function linkError(message: string, name: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** One connection to one peer, dialled or accepted. */
export class UtpConnection implements Conn {
  readonly transport = "utp" as const;
  readonly remoteAddress: PeerAddress;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly closed: Promise<void>;
  /** Settles when the handshake completes (dialled side), rejects when it fails. */
  readonly connected: Promise<void>;
  /** The id on packets to us. */
  readonly recvId: number;
  /** The id on packets from us. */
  readonly sendId: number;
  /** When the connection was made (ms), for the half-open bound. */
  readonly createdAt: number;

  #link: UtpLink;
  #state: State;
  #payloadSize: number;
  #maxPayload: number;
  /** Whether the path takes packets larger than the usual, so the handshake says what we take. */
  #offersLarge: boolean;
  #cc: Ledbat;
  #rtt: RttEstimator;
  // Sending.
  #seq: number;
  #lastAcked: number;
  #out: (OutPacket | undefined)[] = new Array(RING);
  #outCount = 0;
  #inFlight = 0;
  #lostCount = 0;
  #peerWindow = RECEIVE_WINDOW;
  #lossSeq: number;
  #duplicateAcks = 0;
  #timeoutAt = 0;
  #timeouts = 0;
  #lastSendAt: number;
  #probe = false;
  #finSeq: number | null = null;
  #closingSince = 0;
  #chunk: Uint8Array | null = null;
  #chunkOffset = 0;
  #writeDone: Deferred<void> | null = null;
  /** The DATA packet being filled (header room first), and its payload bytes so far. */
  #fill: Uint8Array | null = null;
  #filled = 0;
  /** A write completed this turn: a packet not yet full waits for more. */
  #corked = false;
  // Receiving.
  #ackNr = 0;
  #replyMicros = 0;
  #in: (Uint8Array | undefined)[] = new Array(RING);
  #inCount = 0;
  #inBytes = 0;
  #inHighest = 0;
  #peerFin: number | null = null;
  #unacked = 0;
  #advertised = RECEIVE_WINDOW;
  #readEnded = false;
  #readController!: ReadableStreamDefaultController<Uint8Array>;
  #writeController!: WritableStreamDefaultController;
  #resolveClosed!: () => void;
  #connected: Deferred<void>;

  /**
   * Makes a connection: `dial` sends a SYN, `accept` answers one.
   *
   * @param link The endpoint.
   * @param remote The peer.
   * @param ids Our receive and send connection ids, payload bytes per packet,
   *   the most the path takes (loopback: more, used once the peer says it
   *   receives such packets), and (for tests) our first sequence number
   *   instead of a random one.
   * @param now The clock, in ms.
   * @param syn For an accepted connection: the SYN's header.
   */
  constructor(
    link: UtpLink,
    remote: PeerAddress,
    ids: {
      recvId: number;
      sendId: number;
      payloadSize: number;
      maxPayload?: number;
      initialSeq?: number;
    },
    now: number,
    syn?: UtpHeader,
  ) {
    this.#link = link;
    this.remoteAddress = remote;
    this.recvId = ids.recvId;
    this.sendId = ids.sendId;
    this.#payloadSize = ids.payloadSize;
    this.#maxPayload = Math.max(ids.payloadSize, ids.maxPayload ?? 0);
    this.#offersLarge = this.#maxPayload > ids.payloadSize;
    this.createdAt = now;
    this.#lastSendAt = now;
    this.#cc = congestion(ids.payloadSize);
    this.#rtt = new RttEstimator(syn ? undefined : SYN_TIMEOUT_MS);
    this.#seq = ids.initialSeq ?? (Math.random() * 0x10000) & 0xffff;
    this.#lastAcked = seqAdd(this.#seq, -1);
    this.#lossSeq = this.#lastAcked;
    this.#connected = deferred<void>();
    this.connected = this.#connected.promise;
    this.connected.catch(() => {});
    const closed = deferred<void>();
    this.closed = closed.promise;
    this.#resolveClosed = closed.resolve;
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#readController = controller;
      },
      pull: () => this.#onRead(),
      cancel: () => this.close(),
    }, { highWaterMark: RECEIVE_WINDOW, size: (chunk) => chunk.byteLength });
    this.writable = new WritableStream<Uint8Array>({
      start: (controller) => {
        this.#writeController = controller;
      },
      write: (chunk) => this.#write(chunk),
      close: () => this.close(),
      abort: () => this.close(),
    });
    if (syn) {
      this.#state = "syn-recv";
      this.#ackNr = syn.seq;
      this.#replyMicros = (micros(now) - syn.timestamp) >>> 0;
      this.#peerWindow = syn.windowSize;
      this.#onMaxPacket(syn.maxPacket);
      this.sendState(now);
    } else {
      this.#state = "syn-sent";
      const offer = this.#offersLarge;
      const bytes = new Uint8Array(HEADER_SIZE + (offer ? MAX_PACKET_EXTENSION_SIZE : 0));
      encodeHeader(
        bytes,
        PacketType.SYN,
        this.recvId,
        0,
        0,
        RECEIVE_WINDOW,
        this.#seq,
        0,
        offer ? EXTENSION_MAX_PACKET : 0,
      );
      if (offer) writeMaxPacket(bytes, HEADER_SIZE, LARGEST_PACKET);
      this.#queuePacket(bytes, 0, now);
    }
  }

  /** The peer said in the handshake how large a packet it takes: send up to that, as the path allows. */
  #onMaxPacket(maxPacket: number): void {
    const size = Math.min(this.#maxPayload, maxPacket - HEADER_SIZE);
    if (size <= this.#payloadSize) return;
    this.#payloadSize = size;
    this.#cc = congestion(size);
  }

  /** Whether it was accepted and waits for the dialler's first packet (the half-open bound). */
  get halfOpen(): boolean {
    return this.#state === "syn-recv";
  }

  /** Whether the connection is over. */
  get isClosed(): boolean {
    return this.#state === "closed";
  }

  /** Our receive window now: what the reader has room for, less out-of-order data held. */
  #window(): number {
    if (this.#readEnded) return RECEIVE_WINDOW; // Nobody reads: take and drop.
    return Math.max(0, (this.#readController.desiredSize ?? 0) - this.#inBytes);
  }

  // ------------------------------------------------------------ receiving

  /**
   * Takes a packet from the peer.
   *
   * @param h Its header.
   * @param bytes The packet (ours to keep).
   * @param payloadAt Where its payload starts.
   * @param now The clock, in ms.
   */
  receive(h: UtpHeader, bytes: Uint8Array, payloadAt: number, now: number): void {
    if (this.#state === "closed") return;
    if (h.type === PacketType.RESET) {
      this.#fail(linkError("Connection reset by the peer", "ConnectionReset"));
      return;
    }
    if (h.type === PacketType.SYN) {
      // The dialler did not hear our answer: answer again.
      if (this.#state === "syn-recv" || this.#state === "connected") this.sendState(now);
      return;
    }
    if (this.#state === "syn-sent") {
      if (h.type !== PacketType.STATE || h.ack !== seqAdd(this.#seq, -1)) return;
      this.#ackNr = seqAdd(h.seq, -1);
      this.#onMaxPacket(h.maxPacket);
      this.#state = "connected";
      this.#connected.resolve();
      this.#unacked = 1; // Tell the acceptor we are here, even before we have data for it.
      this.#link.flushSoon(this);
    }
    // An ack of something never sent is forged or broken: drop the whole packet.
    if (seqDistance(h.ack, seqAdd(this.#seq, -1)) < 0) return;
    if (this.#state === "syn-recv") {
      this.#state = "connected";
      this.#connected.resolve();
    }
    this.#replyMicros = (micros(now) - h.timestamp) >>> 0;
    this.#peerWindow = h.windowSize;
    this.#onAck(h, bytes, now);
    if (h.type === PacketType.DATA || h.type === PacketType.FIN) {
      this.#onData(h, bytes, payloadAt, now);
    }
    this.#flush(now);
  }

  #onAck(h: UtpHeader, bytes: Uint8Array, now: number): void {
    const newly = seqDistance(this.#lastAcked, h.ack);
    let acked = 0;
    let rttSample = -1;
    const limited = this.#chunk !== null || this.#inFlight + this.#payloadSize > this.#sendWindow();
    for (let i = 0; i < newly; i++) {
      this.#lastAcked = seqAdd(this.#lastAcked, 1);
      const packet = this.#out[this.#lastAcked & RING_MASK];
      if (!packet) continue;
      this.#out[this.#lastAcked & RING_MASK] = undefined;
      this.#outCount--;
      if (!packet.sacked) {
        acked += packet.payload;
        if (!packet.lost) this.#inFlight -= packet.payload;
        if (packet.transmissions === 1) rttSample = now - packet.sentAt;
      }
      if (packet.lost) this.#lostCount--;
    }
    if (newly > 0) {
      this.#duplicateAcks = 0;
      this.#timeouts = 0;
      this.#timeoutAt = this.#outCount > 0 ? now + this.#rtt.timeoutMs : 0;
    } else if (
      newly === 0 && h.type === PacketType.STATE && this.#outCount > 0 && h.sackOffset < 0 &&
      ++this.#duplicateAcks === DUPLICATE_ACKS
    ) {
      this.#markLost(seqAdd(this.#lastAcked, 1), now);
    }
    if (h.sackOffset >= 0) acked += this.#onSack(h, bytes, now);
    if (rttSample >= 0) this.#rtt.sample(rttSample);
    if (acked > 0) this.#cc.onAck(acked, h.timestampDiff, now, limited);
    if (this.#finSeq !== null && this.#outCount === 0) this.#destroy();
  }

  /** Marks selectively acked packets; a packet with three acked after it is lost. */
  #onSack(h: UtpHeader, bytes: Uint8Array, now: number): number {
    const bits = h.sackLength * 8;
    let acked = 0;
    let above = 0;
    for (let i = bits - 1; i >= -1; i--) {
      const seq = seqAdd(h.ack, 2 + i);
      if (seqDistance(this.#lastAcked, seq) <= 0 || !seqLess(seq, this.#seq)) continue;
      const packet = this.#out[seq & RING_MASK];
      const set = i >= 0 && (bytes[h.sackOffset + (i >> 3)]! & (1 << (i & 7))) !== 0;
      if (set) {
        above++;
        if (packet && !packet.sacked) {
          packet.sacked = true;
          acked += packet.payload;
          if (packet.lost) {
            packet.lost = false;
            this.#lostCount--;
          } else this.#inFlight -= packet.payload;
        }
      } else if (packet && !packet.sacked && above >= DUPLICATE_ACKS) {
        this.#markLost(seq, now);
      }
    }
    return acked;
  }

  /** A packet presumed lost: sent again first, and the window cut once per window of data. */
  #markLost(seq: number, now: number): void {
    const packet = this.#out[seq & RING_MASK];
    if (!packet || packet.lost || packet.sacked) return;
    // Not again within a round trip of its last sending.
    if (packet.transmissions > 1 && now - packet.sentAt < (this.#rtt.rtt ?? 0)) return;
    packet.lost = true;
    this.#lostCount++;
    this.#inFlight -= packet.payload;
    if (seqLess(this.#lossSeq, seq)) {
      this.#cc.onLoss();
      this.#lossSeq = seqAdd(this.#seq, -1);
    }
  }

  #onData(h: UtpHeader, bytes: Uint8Array, payloadAt: number, now: number): void {
    const ahead = seqDistance(this.#ackNr, h.seq);
    if (ahead <= 0) {
      this.sendState(now); // A duplicate: our ack was lost.
      return;
    }
    if (ahead >= REORDER_SPAN) return;
    const payload = h.type === PacketType.FIN ? EMPTY : bytes.subarray(payloadAt);
    if (h.type === PacketType.FIN) this.#peerFin = h.seq;
    if (ahead > 1) {
      const slot = h.seq & RING_MASK;
      if (this.#in[slot] === undefined) {
        this.#in[slot] = payload;
        this.#inCount++;
        this.#inBytes += payload.length;
        if (this.#inCount === 1 || seqLess(this.#inHighest, h.seq)) this.#inHighest = h.seq;
      }
      // Out of order: ack soon, with the selective ack, which tells the sender what is lost.
      if (++this.#unacked >= OUT_OF_ORDER_ACK_EVERY) this.sendState(now);
      else this.#link.flushSoon(this);
      return;
    }
    this.#deliver(payload);
    this.#ackNr = h.seq;
    while (this.#inCount > 0) {
      const slot = seqAdd(this.#ackNr, 1) & RING_MASK;
      const next = this.#in[slot];
      if (next === undefined) break;
      this.#in[slot] = undefined;
      this.#inCount--;
      this.#inBytes -= next.length;
      this.#ackNr = seqAdd(this.#ackNr, 1);
      this.#deliver(next);
    }
    if (this.#peerFin !== null && seqDistance(this.#peerFin, this.#ackNr) >= 0) {
      this.sendState(now);
      this.#endReading();
      this.#destroy();
      return;
    }
    if (++this.#unacked >= ACK_EVERY) this.sendState(now);
    else this.#link.flushSoon(this);
  }

  #deliver(payload: Uint8Array): void {
    if (payload.length > 0 && !this.#readEnded) this.#readController.enqueue(payload);
  }

  /** The reader took data: tell the peer when the window had nearly closed. */
  #onRead(): void {
    if (this.#state !== "connected" && this.#state !== "closing") return;
    if (this.#advertised < RECEIVE_WINDOW / 4 && this.#window() >= RECEIVE_WINDOW / 2) {
      this.sendState(performance.now());
    }
  }

  /**
   * The turn is over: sends the packet that waited for more writes (as the
   * windows allow), and the deferred ack if nothing else carried it.
   */
  flushHeld(now: number): void {
    if (this.#state === "closed") return;
    this.#corked = false;
    this.#flush(now);
    if (this.#unacked > 0) this.sendState(now);
  }

  /** Sends a STATE packet: our ack, window and, with data out of order, a selective ack. */
  sendState(now: number): void {
    const sack = this.#inCount > 0;
    // The answer to a SYN says how large a packet we take (no data has come yet, so no SACK).
    const offer = !sack && this.#state === "syn-recv" && this.#offersLarge;
    // Enough 32-bit words to reach the furthest packet held out of order.
    const reach = seqDistance(seqAdd(this.#ackNr, 2), this.#inHighest) + 1;
    const sackBytes = sack ? Math.min(MAX_SACK_BYTES, Math.ceil(reach / 32) * 4) : 0;
    const extra = sack ? 2 + sackBytes : offer ? MAX_PACKET_EXTENSION_SIZE : 0;
    const bytes = new Uint8Array(HEADER_SIZE + extra);
    encodeHeader(
      bytes,
      PacketType.STATE,
      this.sendId,
      micros(now),
      this.#replyMicros,
      this.#advertise(),
      this.#seq,
      this.#ackNr,
      sack ? EXTENSION_SACK : offer ? EXTENSION_MAX_PACKET : 0,
    );
    if (offer) writeMaxPacket(bytes, HEADER_SIZE, LARGEST_PACKET);
    if (sack) {
      const base = seqAdd(this.#ackNr, 2);
      writeSack(
        bytes,
        HEADER_SIZE,
        sackBytes,
        (i) => this.#in[(base + i) & RING_MASK] !== undefined,
      );
    }
    this.#transmit(bytes, now);
  }

  #advertise(): number {
    this.#advertised = this.#window();
    return this.#advertised;
  }

  #transmit(bytes: Uint8Array, now: number): void {
    this.#unacked = 0;
    this.#lastSendAt = now;
    this.#link.send(bytes, this.remoteAddress);
  }

  // -------------------------------------------------------------- sending

  #sendWindow(): number {
    return Math.min(this.#cc.window, this.#peerWindow);
  }

  #write(chunk: Uint8Array): Promise<void> {
    if (this.#state !== "connected" || this.#finSeq !== null) {
      return Promise.reject(linkError("Connection closed", "BrokenPipe"));
    }
    if (chunk.length === 0) return Promise.resolve();
    this.#chunk = chunk;
    this.#chunkOffset = 0;
    this.#writeDone = deferred<void>();
    const done = this.#writeDone.promise;
    this.#flush(performance.now());
    return done;
  }

  /**
   * Sends what the windows allow: lost packets first, then new data (a packet
   * not yet full only once the turn is over), then a FIN when closing.
   */
  #flush(now: number): void {
    if (this.#state !== "connected" && this.#state !== "closing") return;
    const window = this.#sendWindow();
    if (this.#lostCount > 0) {
      for (let seq = seqAdd(this.#lastAcked, 1); seqLess(seq, this.#seq); seq = seqAdd(seq, 1)) {
        const packet = this.#out[seq & RING_MASK];
        if (!packet?.lost) continue;
        if (this.#inFlight > 0 && this.#inFlight + packet.payload > window) break;
        packet.lost = false;
        this.#lostCount--;
        this.#inFlight += packet.payload;
        this.#resend(packet, now);
      }
    }
    for (;;) {
      this.#topUp();
      if (this.#filled === 0) break;
      if (this.#filled < this.#payloadSize && this.#corked && this.#state === "connected") break;
      let size = this.#filled;
      if (this.#inFlight + size > window) {
        if (this.#inFlight > 0 || !this.#probe) break;
        size = 1; // The peer's window is shut: probe it with one byte.
      }
      if (this.#outCount >= RING - 1) break;
      this.#probe = false;
      this.#sendFill(size, now);
    }
    if (
      this.#state === "closing" && this.#chunk === null && this.#filled === 0 &&
      this.#finSeq === null
    ) {
      const bytes = new Uint8Array(HEADER_SIZE);
      encodeHeader(bytes, PacketType.FIN, this.sendId, 0, 0, 0, this.#seq, 0, 0);
      this.#finSeq = this.#seq;
      this.#queuePacket(bytes, 0, now);
    }
  }

  /** Moves bytes of the write in hand into the packet being filled; the write is done once all are in. */
  #topUp(): void {
    const chunk = this.#chunk;
    if (chunk === null || this.#filled === this.#payloadSize) return;
    this.#fill ??= new Uint8Array(HEADER_SIZE + this.#payloadSize);
    const take = Math.min(this.#payloadSize - this.#filled, chunk.length - this.#chunkOffset);
    this.#fill.set(
      chunk.subarray(this.#chunkOffset, this.#chunkOffset + take),
      HEADER_SIZE + this.#filled,
    );
    this.#filled += take;
    this.#chunkOffset += take;
    if (this.#chunkOffset < chunk.length) return;
    this.#chunk = null;
    this.#writeDone?.resolve();
    this.#writeDone = null;
    // The writer may write again within this turn: hold a packet not yet full till its end.
    this.#corked = true;
    this.#link.flushSoon(this);
  }

  /** Sends the first `size` bytes of the packet being filled: all of them, or a one-byte probe. */
  #sendFill(size: number, now: number): void {
    const fill = this.#fill!;
    let bytes: Uint8Array;
    if (size === this.#payloadSize) {
      bytes = fill;
      this.#fill = null;
    } else {
      bytes = fill.slice(0, HEADER_SIZE + size);
      fill.copyWithin(HEADER_SIZE, HEADER_SIZE + size, HEADER_SIZE + this.#filled);
    }
    this.#filled -= size;
    encodeHeader(bytes, PacketType.DATA, this.sendId, 0, 0, 0, this.#seq, 0, 0);
    this.#inFlight += size;
    this.#queuePacket(bytes, size, now);
  }

  /** Numbers a packet, keeps it until acked, and sends it. */
  #queuePacket(bytes: Uint8Array, payload: number, now: number): void {
    const packet: OutPacket = {
      bytes,
      payload,
      sentAt: now,
      transmissions: 0,
      sacked: false,
      lost: false,
    };
    this.#out[this.#seq & RING_MASK] = packet;
    this.#outCount++;
    this.#seq = seqAdd(this.#seq, 1);
    this.#resend(packet, now);
  }

  #resend(packet: OutPacket, now: number): void {
    packet.transmissions++;
    packet.sentAt = now;
    if (packet.bytes[0]! >> 4 !== PacketType.SYN) {
      refreshHeader(packet.bytes, micros(now), this.#replyMicros, this.#advertise(), this.#ackNr);
    } else {
      refreshHeader(packet.bytes, micros(now), 0, RECEIVE_WINDOW, 0);
    }
    if (this.#timeoutAt === 0) this.#timeoutAt = now + this.#rtt.timeoutMs;
    this.#transmit(packet.bytes, now);
  }

  /**
   * Runs timers: retransmission timeouts, zero-window probes, keep-alives,
   * the half-open and closing bounds.
   */
  tick(now: number): void {
    if (this.#state === "closed") return;
    if (this.#state === "syn-recv" && now - this.createdAt > HALF_OPEN_MS) {
      this.#fail(linkError("The dialler never completed the handshake", "TimedOut"));
      return;
    }
    if (this.#state === "closing" && now - this.#closingSince > LINGER_MS) {
      this.#reset();
      return;
    }
    if (this.#timeoutAt !== 0 && now >= this.#timeoutAt) this.#onTimeout(now);
    else if (
      (this.#chunk !== null || this.#filled > 0) && this.#outCount === 0 && this.#timeoutAt === 0
    ) {
      // Blocked by a shut window with nothing in flight: probe after a timeout.
      this.#timeoutAt = now + this.#rtt.timeoutMs;
    }
    if (this.#state === "connected" && now - this.#lastSendAt > KEEPALIVE_MS) this.sendState(now);
  }

  #onTimeout(now: number): void {
    this.#timeoutAt = 0;
    if (this.#outCount === 0) {
      this.#probe = true;
      this.#flush(now);
      return;
    }
    const limit = this.#state === "syn-sent" ? MAX_SYNS : MAX_TIMEOUTS;
    if (++this.#timeouts >= limit) {
      const error = this.#state === "syn-sent"
        ? linkError("No answer to the uTP SYN", "TimedOut")
        : linkError("The peer stopped acknowledging", "TimedOut");
      this.#fail(error);
      return;
    }
    this.#rtt.backOff();
    this.#cc.onTimeout();
    for (let seq = seqAdd(this.#lastAcked, 1); seqLess(seq, this.#seq); seq = seqAdd(seq, 1)) {
      const packet = this.#out[seq & RING_MASK];
      if (!packet || packet.sacked || packet.lost) continue;
      packet.lost = true;
      this.#lostCount++;
      this.#inFlight -= packet.payload;
    }
    this.#lossSeq = seqAdd(this.#seq, -1);
    if (this.#state === "syn-sent") {
      const syn = this.#out[seqAdd(this.#lastAcked, 1) & RING_MASK]!;
      syn.lost = false;
      this.#lostCount--;
      this.#resend(syn, now);
      return;
    }
    // One packet first: the window is one packet now.
    this.#flush(now);
  }

  // -------------------------------------------------------------- closing

  /** Closes: what was written is still delivered, then a FIN; reading ends at once. */
  close(): void {
    if (this.#state === "closed" || this.#state === "closing") return;
    this.#endReading();
    this.#endWriting();
    if (this.#state !== "connected") {
      this.#reset();
      return;
    }
    this.#state = "closing";
    this.#closingSince = performance.now();
    this.#flush(this.#closingSince);
  }

  /** Sends a RESET and ends the connection. */
  #reset(): void {
    const bytes = new Uint8Array(HEADER_SIZE);
    const now = performance.now();
    encodeHeader(
      bytes,
      PacketType.RESET,
      this.sendId,
      micros(now),
      0,
      0,
      this.#seq,
      this.#ackNr,
      0,
    );
    this.#link.send(bytes, this.remoteAddress);
    this.#fail(linkError("Connection closed", "ConnectionAborted"));
  }

  /** Ends the connection with an error for pending reads and writes. */
  #fail(error: Error): void {
    if (this.#state === "closed") return;
    this.#connected.reject(error);
    if (!this.#readEnded) {
      this.#readEnded = true;
      this.#readController.error(error);
    }
    this.#endWriting();
    this.#destroy();
  }

  #endReading(): void {
    if (this.#readEnded) return;
    this.#readEnded = true;
    this.#readController.close();
  }

  #endWriting(): void {
    const error = linkError("Connection closed", "BrokenPipe");
    this.#chunk = null;
    this.#writeDone?.reject(error);
    this.#writeDone = null;
    try {
      this.#writeController.error(error);
    } catch {
      // already errored
    }
  }

  #destroy(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#endReading();
    this.#endWriting();
    this.#connected.reject(linkError("Connection closed", "ConnectionAborted"));
    this.#out.fill(undefined);
    this.#in.fill(undefined);
    this.#fill = null;
    this.#link.forget(this);
    this.#resolveClosed();
  }
}
