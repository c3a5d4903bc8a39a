/**
 * One torrent being downloaded or seeded: the peers, the pieces, the
 * trackers. The parts live in `swarm/` (pure decisions) and `torrent/`
 * (connections); this file wires them together and keeps the books.
 *
 * @module
 */

import type { Conn, PeerAddress, Transport, TransportName } from "../transports/mod.ts";
import { Announcer } from "./discovery/announcer.ts";
import type { UdpTrackerClient } from "./discovery/udp_tracker.ts";
import type { TransferStats } from "./discovery/types.ts";
import type { AnnounceFunction } from "./discovery/announcer.ts";
import type { SwarmLookup } from "./discovery/types.ts";
import type { Limits } from "./limits.ts";
import type { Metainfo } from "./metainfo/types.ts";
import { bytesEqual } from "./bytes.ts";
import { checkStorage } from "./storage/check_storage.ts";
import type { Storage } from "./storage/types.ts";
import { verifyPiece } from "./storage/verify.ts";
import { Bitfield } from "./swarm/bitfield.ts";
import { BLOCK_SIZE, pieceSizes } from "./swarm/blocks.ts";
import { Choker } from "./swarm/choker.ts";
import { DEFAULT_PRIORITY, Picker } from "./swarm/picker.ts";
import { RateMeter } from "./swarm/rate.ts";
import { Connector } from "./torrent/connector.ts";
import { isWebSocketUrl, SignalledPeers, type WebRtcSettings } from "./torrent/signalled_peers.ts";
import { runWebSeeds } from "./torrent/web_seed.ts";
import { TorrentExtensions } from "./torrent/extensions.ts";
import { Peer } from "./torrent/peer.ts";
import { PieceBuffers } from "./torrent/piece_buffers.ts";
import { SmartBan } from "./torrent/smart_ban.ts";
import { HashServer } from "./torrent/hash_server.ts";
import type { PiecePriority } from "./torrent/file_priorities.ts";
import { applyPriorities, makeRoom } from "./torrent/prioritize.ts";
import { Throttle, type Throttles, ThrottleWake } from "./torrent/throttle.ts";
import { type TorrentFileHandle, torrentFiles } from "./stream/torrent_files.ts";
import type { BlockMessage, HashRequestMessage, Message, PieceMessage } from "./wire/messages.ts";
import { readFlags } from "./wire/handshake.ts";
import type { PeerEncryption } from "./wire/mse/conn.ts";
import type { EncryptionPolicy } from "./wire/mse/policy.ts";
import { PeerWire } from "./wire/peer_wire.ts";
import type { TorrentSettings } from "./wire/peer_wire_options.ts";

/**
 * Where a torrent is in its life.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { Client } from "./client.ts";
 * import { createTorrent } from "./metainfo/create_torrent.ts";
 * import { memoryStorage } from "./storage/memory.ts";
 * import type { TorrentState } from "./torrent.ts";
 *
 * const file = { path: ["a.txt"], length: 5, stream: () => new Blob(["hello"]).stream() };
 * const client = await Client.create({ host: "127.0.0.1", port: 0 });
 * const torrent = await client.add(await createTorrent([file]), { storage: memoryStorage() });
 * const states: TorrentState[] = [torrent.state]; // checked, nothing held: "downloading"
 * torrent.addEventListener("state", () => states.push(torrent.state));
 * await torrent.pause();
 * await client.close();
 * deepStrictEqual(states, ["downloading", "paused", "closed"]);
 * ```
 */
export type TorrentState = "checking" | "downloading" | "seeding" | "paused" | "closed";

/** What the client gives each torrent. */
export interface TorrentOptions {
  /** The torrent. */
  meta: Metainfo;
  /** Where its data lives. */
  storage: Storage;
  /** Our 20-byte peer id. */
  peerId: Uint8Array;
  /** The port we accept peers on (0 when not listening). */
  port: number;
  /** Transports to dial with, in order of preference. */
  transports: readonly Transport[];
  /** When to use MSE on the connections we dial; default `"prefer"`. */
  encryption?: EncryptionPolicy;
  /** Every bound. */
  limits: Limits;
  /** Peers to dial from the start. */
  peers?: readonly PeerAddress[];
  /** Tracker tiers to use besides the torrent's own. */
  trackers?: readonly (readonly string[])[];
  /** The client's shared UDP tracker client. */
  udpTracker?: UdpTrackerClient;
  /** How to announce (tests); default HTTP and UDP. */
  announce?: AnnounceFunction;
  /** Whether another connection is welcome client-wide. */
  clientHasRoom?: () => boolean;
  /** WebRTC peers through `ws:`/`wss:` trackers; without it those trackers are skipped. */
  webrtc?: WebRtcSettings;
  /** Upload and download rate limits (the torrent's and the client's); default none. */
  throttles?: Throttles;
  /** The DHT, to find peers and announce (not used for private torrents). */
  dht?: SwarmLookup;
}

/**
 * A connected peer, as reported by {@link Torrent.peers}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { Client } from "./client.ts";
 * import { createTorrent } from "./metainfo/create_torrent.ts";
 * import { memoryStorage } from "./storage/memory.ts";
 * import type { PeerInfo } from "./torrent.ts";
 *
 * const source = { path: ["a"], length: 1, stream: () => new Blob(["a"]).stream() };
 * const bytes = await createTorrent([source]);
 * const options = { host: "127.0.0.1", port: 0, transports: ["tcp" as const] };
 * const [a, b] = await Promise.all([Client.create(options), Client.create(options)]);
 * await a.add(bytes, { storage: memoryStorage() });
 * const torrent = await b.add(bytes, { storage: memoryStorage() });
 * const met = new Promise<PeerInfo>((resolve) =>
 *   torrent.addEventListener("peer", () => resolve(torrent.peers[0]!))
 * );
 * torrent.addPeers([{ host: "127.0.0.1", port: a.port }]);
 * const peer = await met;
 * strictEqual(peer.address, `127.0.0.1:${a.port}`);
 * strictEqual(peer.transport, "tcp");
 * strictEqual(peer.encryption, "handshake"); // MSE, then plaintext: the default
 * await b.close();
 * await a.close();
 * ```
 */
export interface PeerInfo {
  /** `host:port`. */
  address: string;
  /** The peer's client name. */
  client: string;
  /** True when it dialled us. */
  incoming: boolean;
  /** Bytes per second we receive from it. */
  downloadSpeed: number;
  /** Bytes per second we send it. */
  uploadSpeed: number;
  /** Share of the torrent it has, 0 to 1. */
  progress: number;
  /** What carries the connection: `tcp`, `utp`, ... */
  transport: TransportName;
  /**
   * Message stream encryption: `rc4` (all of it encrypted), `handshake`
   * (an MSE handshake, then plaintext), `none` (a plain handshake).
   */
  encryption: PeerEncryption;
}

const TICK_MS = 1000;
const RECHOKE_MS = 10_000;
const REQUEST_BATCH = 8;

/**
 * A torrent: downloads what is missing, verifies every piece, seeds what it
 * has. Events: `state`, `piece` (detail: the verified piece index), `peer`
 * (detail: `{ address, connected, reason? }`), `warning` (detail: a message),
 * `done`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { Client } from "./client.ts";
 * import { createTorrent } from "./metainfo/create_torrent.ts";
 * import { parseTorrent } from "./metainfo/parse_torrent.ts";
 * import { memoryStorage } from "./storage/memory.ts";
 *
 * const data = new TextEncoder().encode("hello, swarm");
 * const file = { path: ["a.txt"], length: data.length, stream: () => new Blob([data]).stream() };
 * const meta = await parseTorrent(await createTorrent([file]));
 * const held = memoryStorage();
 * await (await held(meta)).write(0, 0, data); // the seeder's copy, checked when added
 * const options = { host: "127.0.0.1", port: 0 };
 * const [seeder, leecher] = await Promise.all([Client.create(options), Client.create(options)]);
 * await seeder.add(meta, { storage: held });
 * const peers = [{ host: "127.0.0.1", port: seeder.port }];
 * const torrent = await leecher.add(meta, { storage: memoryStorage(), peers });
 * await torrent.done;
 * deepStrictEqual(await torrent.readPiece(0), data);
 * await leecher.close();
 * await seeder.close();
 * ```
 */
export class Torrent extends EventTarget {
  /** The parsed torrent. */
  readonly meta: Metainfo;
  /** The v1 info hash in hex (or the v2 hash truncated, for v2-only torrents). */
  readonly infoHash: string;
  /** The 20-byte info hash used on the wire. */
  readonly wireHash: Uint8Array;
  /** Settles when every piece is verified and stored. */
  readonly done: Promise<void>;

  #options: TorrentOptions;
  #storage: Storage;
  #limits: Limits;
  #sizes: Uint32Array;
  #picker: Picker<Peer>;
  #buffers: PieceBuffers;
  #choker = new Choker<Peer>();
  /** Banned addresses (hosts): peers that sent data failing a hash check. */
  #bans = new Set<string>();
  #smartBan = new SmartBan(BLOCK_SIZE);
  #hashServer: HashServer;
  #peers = new Set<Peer>();
  #peerKeys = new Set<string>();
  #connector: Connector;
  #announcer: Announcer | null = null;
  #signalled: SignalledPeers | null = null;
  #webSeeds: AbortController | null = null;
  #state: TorrentState = "checking";
  #resolveDone!: () => void;
  #timers: ReturnType<typeof setInterval>[] = [];
  #download: RateMeter;
  #upload: RateMeter;
  #verifiedBytes = 0;
  #marks: Promise<void>[] = [];
  #pending = new Set<Promise<unknown>>();
  #files: TorrentFileHandle[] | undefined;
  #throttles: Throttles;
  #wake = new ThrottleWake();
  #extensions: TorrentExtensions;
  #stopDht: (() => void) | null = null;

  /**
   * Makes a torrent; `Client.add` does this and calls {@link Torrent.start}.
   *
   * @param options The torrent, its storage, and the client's settings.
   */
  constructor(options: TorrentOptions) {
    super();
    this.#options = options;
    this.meta = options.meta;
    this.#hashServer = new HashServer(options.meta);
    this.#storage = options.storage;
    this.#limits = options.limits;
    this.wireHash = wireHashOf(options.meta);
    this.infoHash = options.meta.infoHash ?? options.meta.infoHashV2!;
    this.#sizes = pieceSizes(options.meta);
    this.#picker = new Picker<Peer>({ pieceSizes: this.#sizes });
    this.#buffers = new PieceBuffers((piece) => this.#sizes[piece]!);
    const now = performance.now();
    this.#download = new RateMeter(now);
    this.#upload = new RateMeter(now);
    this.#connector = this.#newConnector();
    this.done = new Promise((resolve) => this.#resolveDone = resolve);
    this.#throttles = options.throttles ?? { up: new Throttle([]), down: new Throttle([]) };
    const dial = (address: PeerAddress) => this.#connector.add(address);
    this.#extensions = new TorrentExtensions({ meta: this.meta, limits: this.#limits, dial });
  }

  /** The files (pad files left out): progress, selection, streams. */
  get files(): TorrentFileHandle[] {
    return this.#files ??= torrentFiles(this);
  }

  /** Whether a piece is verified and stored. */
  hasPiece(piece: number): boolean {
    return this.#picker.hasPiece(piece);
  }

  /**
   * Sets pieces' priorities (0 skips) and deadlines (`performance.now()`
   * clock); `files` and their streams use it. A new deadline cancels
   * lower-priority requests, so the peers' next blocks are the urgent ones.
   */
  prioritize(changes: readonly PiecePriority[]): void {
    if (changes.length === 0) return;
    const urgent = applyPriorities(this.#picker, changes);
    if (this.#state === "seeding" && this.#picker.remaining > 0) this.#setState("downloading");
    const now = performance.now();
    const fastest = [...this.#peers].sort((a, b) =>
      b.pipeline.download.rate(now) - a.pipeline.download.rate(now)
    );
    for (const peer of fastest) {
      for (const b of urgent ? makeRoom(this.#picker, peer) : []) {
        void peer.wire.cancel(b.piece, b.begin, b.length);
      }
      this.#updateInterest(peer);
    }
  }

  /** Where the torrent is in its life. */
  get state(): TorrentState {
    return this.#state;
  }

  /** Share of the torrent verified and stored, 0 to 1. */
  get progress(): number {
    return this.#verifiedBytes / this.meta.length;
  }

  /** Verified bytes held. */
  get verifiedBytes(): number {
    return this.#verifiedBytes;
  }

  /** Bytes of piece data received, duplicates and failed pieces included. */
  get downloaded(): number {
    return this.#download.total;
  }

  /** Bytes of piece data sent. */
  get uploaded(): number {
    return this.#upload.total;
  }

  /** Bytes per second received, over the last few seconds. */
  get downloadSpeed(): number {
    return this.#download.rate(performance.now());
  }

  /** Bytes per second sent, over the last few seconds. */
  get uploadSpeed(): number {
    return this.#upload.rate(performance.now());
  }

  /** The pieces verified and stored. */
  get pieces(): Bitfield {
    return this.#picker.bitfield();
  }

  /** The connected peers. */
  get peers(): PeerInfo[] {
    const now = performance.now();
    return [...this.#peers].map((peer) => ({
      address: peer.key,
      client: peer.client,
      incoming: peer.incoming,
      downloadSpeed: peer.pipeline.download.rate(now),
      uploadSpeed: peer.upload.rate(now),
      progress: this.#peerProgress(peer),
      transport: peer.wire.transport,
      encryption: peer.wire.encryption,
    }));
  }

  /**
   * Checks what storage holds, then connects to peers and trackers (or,
   * with `paused`, waits for `resume()`).
   *
   * @param options `onCheck` is called as pieces are checked, with done and
   * total bytes.
   */
  async start(
    options: { onCheck?: (done: number, total: number) => void; paused?: boolean } = {},
  ): Promise<void> {
    const have = await checkStorage(this.meta, this.#storage, {
      ...(options.onCheck ? { onProgress: options.onCheck } : {}),
    });
    for (const piece of have) this.#pieceDone(piece, false);
    if (this.#state === "closed") return;
    if (this.#picker.remaining === 0) this.#resolveDone();
    if (options.paused) return this.#setState("paused");
    this.#setState(this.#picker.remaining === 0 ? "seeding" : "downloading");
    this.#run();
  }

  /**
   * Downloads only these pieces (the others get priority 0); `done` then
   * waits for a later `select` of everything.
   */
  select(pieces: Iterable<number>): void {
    const keep = new Set(pieces);
    for (let piece = 0; piece < this.meta.pieceCount; piece++) {
      this.#picker.setPriority(piece, keep.has(piece) ? DEFAULT_PRIORITY : 0);
    }
    for (const peer of this.#peers) this.#updateInterest(peer);
  }

  /**
   * Reads a verified piece.
   *
   * @throws {RangeError} When the piece is not verified and stored yet.
   */
  readPiece(piece: number): Promise<Uint8Array> {
    if (!this.#picker.hasPiece(piece)) {
      return Promise.reject(new RangeError(`Piece ${piece} is not verified yet`));
    }
    return this.#storage.read(piece, 0, this.#sizes[piece]!);
  }

  /** Adds peers to dial. */
  addPeers(addresses: Iterable<PeerAddress>): void {
    for (const address of addresses) this.#connector.add(address);
  }

  /**
   * Settings for a peer that dialled us asking for this torrent (the
   * client's accept callback); `false` while checking (a peer let in then
   * would never hear of the pieces the check finds), paused, closed or full.
   */
  acceptSettings(): TorrentSettings | false {
    if (!this.#running() || !this.#hasRoom()) return false;
    return this.#wireSettings();
  }

  /** Takes a connection made by signalling (WebRTC): both sides send their handshake at once. */
  addConn(conn: Conn): void {
    if (!this.#running() || !this.#hasRoom()) return conn.close();
    this.#connectorHost().connected(conn).catch(() => conn.close());
  }

  /** Takes a connection that dialled us and completed the handshake for this torrent. */
  adopt(wire: PeerWire): void {
    this.#addPeer(wire, true);
  }

  /** Disconnects every peer and stops announcing; `resume()` starts again. */
  async pause(): Promise<void> {
    if (this.#state !== "downloading" && this.#state !== "seeding") return;
    this.#setState("paused");
    await this.#stopActivity();
  }

  /** Connects and announces: after `pause()`, or after a start with `paused`. */
  resume(): void {
    if (this.#state !== "paused") return;
    this.#setState(this.#picker.remaining === 0 ? "seeding" : "downloading");
    this.#run();
  }

  /** Stops everything: `stopped` to trackers, peers closed, completion marks flushed, storage closed. */
  async close(): Promise<void> {
    if (this.#state === "closed") return;
    this.#setState("closed");
    await this.#stopActivity();
    await Promise.allSettled([...this.#pending]);
    await Promise.allSettled(this.#marks);
    await this.#storage.close();
  }

  // ---------------------------------------------------------------- running

  #run(): void {
    this.#connector = this.#newConnector();
    this.addPeers(this.#options.peers ?? []);
    const all = [...this.meta.announce, ...(this.#options.trackers ?? [])];
    const trackers = all.map((tier) => tier.filter((url) => !isWebSocketUrl(url)))
      .filter((tier) => tier.length > 0);
    if (trackers.length > 0) this.#startAnnouncer(trackers);
    if (this.#options.webrtc) this.#startSignalled(all.flat().filter(isWebSocketUrl));
    if (this.meta.urlList.length > 0) this.#startWebSeeds();
    this.#timers.push(setInterval(() => this.#tick(), TICK_MS));
    this.#timers.push(setInterval(() => this.#rechoke(), RECHOKE_MS));
    this.#timers.push(
      setInterval(() => this.#extensions.sendPex(this.#peers), this.#limits.pexIntervalMs),
    );
    const dial = (address: PeerAddress) => this.#connector.add(address);
    this.#stopDht = this.#dht?.track(this.wireHash, this.#options.port, dial) ?? null;
  }

  async #stopActivity(): Promise<void> {
    this.#wake.cancel();
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    this.#stopDht?.();
    this.#connector.close();
    for (const peer of this.#peers) peer.wire.close("local", "torrent stopped");
    this.#signalled?.stop();
    this.#signalled = null;
    this.#webSeeds?.abort();
    this.#webSeeds = null;
    const announcer = this.#announcer;
    this.#announcer = null;
    await announcer?.stop();
  }

  #startAnnouncer(trackers: (readonly string[])[]): void {
    const announcer = new Announcer({
      infoHash: this.wireHash,
      peerId: this.#options.peerId,
      port: this.#options.port,
      trackers,
      stats: () => this.#transferStats(),
      limits: this.#limits,
      // A try of one tracker may resend (UDP) a few times before the next tracker is tried.
      attemptTimeoutMs: this.#limits.trackerTimeoutMs * 4,
      ...(this.#options.udpTracker ? { udpTracker: this.#options.udpTracker } : {}),
      ...(this.#options.announce ? { announce: this.#options.announce } : {}),
    });
    announcer.addEventListener("warning", (event) => {
      this.#warn(`tracker: ${(event as Event & { message: string }).message}`);
    });
    this.#announcer = announcer;
    announcer.start();
    if (this.#picker.remaining === 0) announcer.completed();
    (async () => {
      for await (const candidate of announcer) this.#connector.add(candidate.address);
    })();
  }

  #transferStats(): TransferStats {
    return {
      uploaded: this.uploaded,
      downloaded: this.downloaded,
      left: this.meta.length - this.#verifiedBytes,
    };
  }

  #startSignalled(urls: string[]): void {
    if (urls.length === 0) return;
    this.#signalled = new SignalledPeers({
      ...this.#options.webrtc,
      urls,
      infoHash: this.wireHash,
      peerId: this.#options.peerId,
      stats: () => this.#transferStats(),
      addConn: (conn) => this.addConn(conn),
      wantsPeers: () => this.#hasRoom(),
      warn: (message) => this.#warn(message),
    });
  }

  #startWebSeeds(): void {
    const abort = new AbortController();
    this.#webSeeds = abort;
    const host = {
      meta: this.meta,
      nextPiece: (busy: ReadonlySet<number>) => {
        if (this.#state !== "downloading") return null;
        for (let piece = 0; piece < this.meta.pieceCount; piece++) {
          if (busy.has(piece) || this.#picker.hasPiece(piece)) continue;
          if (this.#picker.priority(piece) > 0 && !this.#picker.isStarted(piece)) return piece;
        }
        return null;
      },
      storePiece: (piece: number, data: Uint8Array) => this.#storeWholePiece(piece, data),
      warn: (message: string) => this.#warn(message),
    };
    this.#track(runWebSeeds(host, { signal: abort.signal }));
  }

  /** Verifies and stores a piece fetched whole (from a web seed); false when its hash fails. */
  async #storeWholePiece(piece: number, data: Uint8Array): Promise<boolean> {
    if (!(await verifyPiece(this.meta, piece, data))) return false;
    if (this.#picker.hasPiece(piece) || this.#state === "closed") return true;
    await this.#storage.write(piece, 0, data);
    // The torrent may have closed, or a peer finished the piece, while it was written.
    if (this.#picker.hasPiece(piece) || (this.#state as TorrentState) === "closed") return true;
    const partial = this.#buffers.take(piece); // peers' blocks of it, now unneeded
    if (partial) this.#buffers.release(partial.data);
    this.#download.add(data.length, performance.now());
    this.#pieceDone(piece, true);
    return true;
  }

  #tick(): void {
    const now = performance.now();
    for (const stale of this.#picker.timedOut(now, this.#limits.requestTimeoutMs)) {
      stale.peer.pipeline.timedOut();
    }
    for (const peer of this.#peers) this.#fill(peer, now);
    this.#connector.pump();
  }

  #rechoke(): void {
    const now = performance.now();
    const snapshot = [...this.#peers].map((peer) => ({
      peer,
      interested: peer.wire.status.peerInterested,
      downloadRate: this.#picker.remaining === 0
        ? peer.upload.rate(now)
        : peer.pipeline.download.rate(now),
      snubbed: peer.pipeline.isSnubbed(now, this.#picker.oldestRequest(peer)),
      connectedAt: peer.connectedAt,
    }));
    const { unchoke } = this.#choker.rechoke(snapshot, now, this.#picker.remaining === 0);
    for (const peer of this.#peers) {
      const choking = peer.wire.status.amChoking;
      if (unchoke.has(peer) && choking) void peer.wire.unchoke();
      if (!unchoke.has(peer) && !choking) this.#choke(peer);
    }
  }

  // ------------------------------------------------------------------ peers

  #newConnector(): Connector {
    return new Connector(this.#connectorHost(), {
      transports: this.#options.transports,
      maxHalfOpen: this.#limits.maxHalfOpen,
      headStartMs: this.#limits.transportHeadStartMs,
      encryption: this.#options.encryption ?? "prefer",
      infoHash: this.wireHash,
      handshakeTimeoutMs: this.#limits.handshakeTimeoutMs,
    });
  }

  #connectorHost() {
    return {
      wantsConnection: () => this.#hasRoom(),
      isKnown: (key: string) => this.#peerKeys.has(key) || this.#bans.has(hostOf(key)),
      connected: async (conn: Conn) => {
        const wire = await PeerWire.connect(conn, {
          infoHash: this.wireHash,
          peerId: this.#options.peerId,
          limits: this.#limits,
          ...this.#wireSettings(),
        });
        this.#addPeer(wire, false);
      },
      failed: () => {},
    };
  }

  /** The DHT, unless the torrent is private (BEP 27 keeps it off the DHT). */
  get #dht(): SwarmLookup | null {
    return this.meta.private ? null : this.#options.dht ?? null;
  }

  #wireSettings(): TorrentSettings {
    return {
      // BEP 5: the DHT bit tells peers we take `port` messages.
      ...(this.#dht?.nodePort ? { flags: { fast: true, extended: true, dht: true } } : {}),
      torrent: {
        pieceCount: this.meta.pieceCount,
        pieceLength: this.meta.pieceLength,
        lastPieceLength: this.#servedSize(this.meta.pieceCount - 1),
      },
      extensionHandshake: {
        ...this.#extensions.handshake(),
        client: "seed 0.1.0",
        ...(this.#options.port > 0 ? { port: this.#options.port } : {}),
      },
    };
  }

  #running(): boolean {
    return this.#state === "downloading" || this.#state === "seeding";
  }

  #hasRoom(): boolean {
    return this.#peers.size < this.#limits.maxConnectionsPerTorrent &&
      (this.#options.clientHasRoom?.() ?? true);
  }

  #addPeer(wire: PeerWire, incoming: boolean): void {
    const peer = new Peer(
      wire,
      incoming,
      performance.now(),
      this.#limits.maxRequestsPerPeer,
      this.meta.pieceCount,
    );
    if (
      this.#state === "closed" || this.#state === "paused" || this.#peerKeys.has(peer.key) ||
      this.#bans.has(peer.banKey) || bytesEqual(wire.remote.peerId, this.#options.peerId)
    ) {
      wire.close("local", "not wanted");
      return;
    }
    this.#peers.add(peer);
    this.#peerKeys.add(peer.key);
    this.dispatchEvent(new CustomEvent("peer", { detail: { address: peer.key, connected: true } }));
    this.#sendHave(peer);
    const nodePort = this.#dht?.nodePort;
    if (nodePort && readFlags(wire.remote.reserved).dht) void wire.port(nodePort);
    const run = this.#runPeer(peer).catch((error) => {
      peer.wire.close("local", `internal error: ${error}`);
      this.#warn(`peer ${peer.key}: ${error}`);
    });
    this.#track(run);
    if (this.#peers.size <= 4 && wire.status.amChoking) this.#rechoke();
  }

  #sendHave(peer: Peer): void {
    const have = this.#picker.bitfield();
    if (peer.wire.status.fast && have.hasAll()) void peer.wire.haveAll();
    else if (peer.wire.status.fast && have.hasNone()) void peer.wire.haveNone();
    else if (!have.hasNone()) void peer.wire.bitfield(have.toWire());
  }

  async #runPeer(peer: Peer): Promise<void> {
    try {
      for await (const message of peer.wire) this.#onMessage(peer, message);
    } finally {
      const info = await peer.wire.closed;
      this.#peers.delete(peer);
      this.#peerKeys.delete(peer.key);
      this.#picker.peerGone(peer);
      this.dispatchEvent(
        new CustomEvent("peer", {
          detail: { address: peer.key, connected: false, reason: info.reason },
        }),
      );
      this.#connector.pump();
      for (const other of this.#peers) this.#fill(other, performance.now());
    }
  }

  #onMessage(peer: Peer, message: Message): void {
    const now = performance.now();
    switch (message.type) {
      case "bitfield":
        peer.has = Bitfield.fromWire(message.bits, this.meta.pieceCount);
        this.#picker.peerBitfield(peer, peer.has);
        return this.#updateInterest(peer);
      case "have":
        peer.has.set(message.index);
        if (this.#picker.peerHave(peer, message.index)) this.#updateInterest(peer);
        return;
      case "haveAll":
        peer.has = Bitfield.full(this.meta.pieceCount);
        this.#picker.peerHaveAll(peer);
        return this.#updateInterest(peer);
      case "haveNone":
        this.#picker.peerHaveNone(peer);
        return;
      case "unchoke":
        return this.#fill(peer, now);
      case "choke":
        if (!peer.wire.status.fast) this.#picker.dropRequests(peer);
        return;
      case "piece":
        return this.#onBlock(peer, message, now);
      case "reject":
        if (!this.#picker.rejected(peer, blockOf(message))) {
          peer.wire.close("unrequested-block", "rejected a request we never made");
        }
        return this.#fill(peer, now);
      case "request":
        return this.#onRequest(peer, message);
      case "cancel":
        return this.#onCancel(peer, message);
      case "interested":
        if (peer.wire.status.amChoking && this.#unchokedCount() < 4) void peer.wire.unchoke();
        return;
      case "extended":
        return this.#extensions.onMessage(peer, message);
      case "port":
        return this.#onDhtPort(peer, message.port);
      case "hashRequest":
        return this.#onHashRequest(peer, message);
      default:
        return;
    }
  }

  /** BEP 52: the piece hashes of a file, for a peer that came from a magnet. */
  #onHashRequest(peer: Peer, request: HashRequestMessage): void {
    this.#hashServer.answer(request).then((reply) => peer.wire.send(reply)).catch(() => {});
  }

  /** BEP 5: the peer's DHT node, pinged once per connection. */
  #onDhtPort(peer: Peer, port: number): void {
    if (peer.dhtNodeHeard || port === 0 || !peer.address) return;
    peer.dhtNodeHeard = true;
    this.#dht?.addNode?.({ host: peer.address.host, port });
  }

  #updateInterest(peer: Peer): void {
    const interesting = this.#picker.interesting(peer);
    if (interesting && !peer.wire.status.amInterested) void peer.wire.interested();
    if (!interesting && peer.wire.status.amInterested) void peer.wire.notInterested();
    this.#fill(peer, performance.now());
  }

  #unchokedCount(): number {
    let count = 0;
    for (const peer of this.#peers) if (!peer.wire.status.amChoking) count++;
    return count;
  }

  // -------------------------------------------------------------- download

  #fill(peer: Peer, now: number): void {
    const status = peer.wire.status;
    if (status.peerChoking || !status.amInterested || this.#state !== "downloading") return;
    if (this.#buffers.bytes > this.#limits.maxPendingWriteBytes) return;
    const outstanding = this.#picker.requestCount(peer);
    const want = peer.pipeline.slots(now, outstanding);
    // Ask in batches, so requests share socket writes; a peer with nothing out gets one at once.
    if (
      want <= 0 || (outstanding > 0 && want < Math.min(REQUEST_BATCH, peer.pipeline.depth(now) / 4))
    ) {
      return;
    }
    const allowed = Math.floor(this.#throttles.down.available(now) / BLOCK_SIZE);
    if (allowed <= 0) {
      return this.#wake.schedule(this.#throttles.down, BLOCK_SIZE, () => this.#fillAll());
    }
    const blocks = this.#picker.pick(peer, Math.min(want, allowed), now);
    for (const block of blocks) void peer.wire.request(block.piece, block.begin, block.length);
    if (!this.#throttles.down.unlimited) this.#throttles.down.take(blocks.length * BLOCK_SIZE, now);
  }

  #fillAll(): void {
    for (const peer of this.#peers) this.#fill(peer, performance.now());
  }

  #onBlock(peer: Peer, message: PieceMessage, now: number): void {
    const block = { piece: message.index, begin: message.begin, length: message.block.length };
    const result = this.#picker.received(peer, block);
    if (result.status === "unsolicited") {
      peer.wire.close(
        "unrequested-block",
        `sent piece ${block.piece} offset ${block.begin} unasked`,
      );
      return;
    }
    this.#download.add(block.length, now);
    peer.pipeline.blockReceived(block.length, now, result.requestedAt);
    if (result.status === "accepted") {
      this.#buffers.put(block.piece, block.begin, message.block, peer.banKey);
      for (const dup of result.cancel) {
        void dup.peer.wire.cancel(dup.block.piece, dup.block.begin, dup.block.length);
      }
      if (result.complete) this.#track(this.#finishPiece(block.piece));
    }
    this.#fill(peer, now);
  }

  async #finishPiece(piece: number): Promise<void> {
    const { data, from } = this.#buffers.take(piece)!;
    try {
      if (!(await verifyPiece(this.meta, piece, data))) {
        this.#picker.hashFailed(piece);
        this.#warn(`piece ${piece} failed its hash check`);
        // Smart ban keeps what was received until the piece passes: copy it out of the reused buffer.
        this.#ban(this.#smartBan.failed(piece, data.slice(), from), `sent bad data for ${piece}`);
        return;
      }
      this.#ban(this.#smartBan.verified(piece, data), `had sent bad data for piece ${piece}`);
      if (this.#state === "closed") return;
      await this.#storage.write(piece, 0, data);
    } finally {
      this.#buffers.release(data);
    }
    this.#pieceDone(piece, true);
    for (const peer of this.#peers) this.#fill(peer, performance.now());
  }

  /** Bans peers by address and disconnects them. */
  #ban(keys: readonly string[], why: string): void {
    for (const key of keys) this.#bans.add(key);
    for (const peer of this.#peers) {
      if (keys.includes(peer.banKey)) peer.wire.close("hash-failure", why);
    }
  }

  /** Records a verified, stored piece. */
  #pieceDone(piece: number, fresh: boolean): void {
    for (const dup of this.#picker.pieceVerified(piece)) {
      void dup.peer.wire.cancel(dup.block.piece, dup.block.begin, dup.block.length);
    }
    this.#verifiedBytes += this.#sizes[piece]! - this.#padBytes(piece);
    if (!fresh) return;
    this.#marks.push(this.#storage.markComplete(piece, true));
    for (const peer of this.#peers) void peer.wire.have(piece);
    this.dispatchEvent(new CustomEvent("piece", { detail: piece }));
    if (this.#picker.remaining === 0) this.#track(this.#completed());
  }

  async #completed(): Promise<void> {
    await Promise.all(this.#marks);
    this.#marks = [];
    if (this.#state !== "downloading") return;
    this.#setState("seeding");
    this.#announcer?.completed();
    this.#signalled?.completed();
    for (const peer of this.#peers) {
      this.#updateInterest(peer);
      // Two seeds have nothing to give each other.
      if (peer.has.hasAll() && this.progress === 1) peer.wire.close("local", "both seeding");
    }
    this.#resolveDone();
    this.dispatchEvent(new Event("done"));
  }

  // ---------------------------------------------------------------- upload

  #onRequest(peer: Peer, request: BlockMessage): void {
    const status = peer.wire.status;
    if (status.amChoking || !this.#picker.hasPiece(request.index)) {
      if (status.fast) void peer.wire.reject(request.index, request.begin, request.length);
      return;
    }
    if (request.begin + request.length > this.#servedSize(request.index)) {
      peer.wire.close("bad-request", `request past the end of piece ${request.index}`);
      return;
    }
    peer.requests.push(request);
    if (!peer.serving) this.#track(this.#serve(peer));
  }

  #onCancel(peer: Peer, cancel: BlockMessage): void {
    const at = peer.requests.findIndex((r) =>
      r.index === cancel.index && r.begin === cancel.begin && r.length === cancel.length
    );
    if (at >= 0) peer.requests.splice(at, 1);
  }

  async #serve(peer: Peer): Promise<void> {
    peer.serving = true;
    try {
      for (let request; (request = peer.requests.shift());) {
        if (peer.wire.status.amChoking) break;
        await this.#throttles.up.pass(request.length);
        const data = await this.#readBlock(request);
        if (!(await peer.wire.piece(request.index, request.begin, data))) break;
        const now = performance.now();
        peer.upload.add(data.length, now);
        this.#upload.add(data.length, now);
      }
    } finally {
      peer.serving = false;
    }
  }

  #choke(peer: Peer): void {
    void peer.wire.choke();
    if (peer.wire.status.fast) {
      for (const r of peer.requests) void peer.wire.reject(r.index, r.begin, r.length);
    }
    peer.requests.length = 0;
  }

  // --------------------------------------------------------------- helpers

  /**
   * How much of a piece peers may request. libtorrent pads every file of a
   * v2-only torrent to whole pieces and asks for the padding too: it is
   * served as zeros.
   */
  #servedSize(piece: number): number {
    return this.meta.version === 2 ? this.meta.pieceLength : this.#sizes[piece]!;
  }

  /** A requested block, with zeros past the piece's end (see {@link #servedSize}). */
  async #readBlock(request: BlockMessage): Promise<Uint8Array> {
    const size = this.#sizes[request.index]!;
    if (request.begin + request.length <= size) {
      return await this.#storage.read(request.index, request.begin, request.length);
    }
    const block = new Uint8Array(request.length);
    if (request.begin < size) {
      block.set(await this.#storage.read(request.index, request.begin, size - request.begin));
    }
    return block;
  }

  #padBytes(piece: number): number {
    const start = piece * this.meta.pieceLength;
    const end = start + this.#sizes[piece]!;
    let pad = 0;
    for (const file of this.meta.files) {
      if (!file.padding || file.offset >= end || file.offset + file.length <= start) continue;
      pad += Math.min(end, file.offset + file.length) - Math.max(start, file.offset);
    }
    return pad;
  }

  #peerProgress(peer: Peer): number {
    return peer.has.count / this.meta.pieceCount;
  }

  #track(promise: Promise<unknown>): void {
    this.#pending.add(promise);
    promise.finally(() => this.#pending.delete(promise));
  }

  #setState(state: TorrentState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: state }));
  }

  #warn(message: string): void {
    this.dispatchEvent(new CustomEvent("warning", { detail: message }));
  }
}

/** The 20 bytes peers use for this torrent: the v1 hash, or the v2 hash truncated (BEP 52). */
function wireHashOf(meta: Metainfo): Uint8Array {
  return meta.infoHashBytes ?? meta.infoHashV2Bytes!.subarray(0, 20);
}

function blockOf(message: BlockMessage) {
  return { piece: message.index, begin: message.begin, length: message.length };
}

/** The host of a `host:port` or `[v6]:port` key. */
function hostOf(key: string): string {
  return key.startsWith("[") ? key.slice(1, key.indexOf("]")) : key.slice(0, key.lastIndexOf(":"));
}
