/**
 * Fetches a magnet link's info dictionary from the swarm (BEP 9): dials the
 * candidates it is given, asks peers that announce `ut_metadata` for 16 KiB
 * pieces, spreads the pieces over several peers, and checks the whole
 * against the info hash before handing it out. A peer that announces
 * metadata over `limits.maxMetadataBytes`, rejects our requests, answers
 * late or sends a piece that does not fit is dropped and not dialled
 * again; a dictionary that fails its hash is thrown away (see
 * {@link MetadataAssembly} for how the sender is found).
 *
 * @module
 */

import { formatAddress, type PeerAddress, type Transport } from "../../transports/mod.ts";
import type { Conn } from "../../transports/mod.ts";
import type { EncryptionPolicy } from "../wire/mse/policy.ts";
import { deferred } from "../deferred.ts";
import type { Limits } from "../limits.ts";
import {
  decodeMetadataMessage,
  encodeMetadataMessage,
  type MetadataMessage,
  UT_METADATA,
} from "../wire/extensions/ut_metadata.ts";
import { PeerWire } from "../wire/peer_wire.ts";
import { WireError } from "../wire/wire_error.ts";
import { Connector } from "./connector.ts";
import { type ExpectedHashes, MetadataAssembly } from "./metadata_assembly.ts";

/** The id we receive `ut_metadata` under (our BEP 10 handshake's `m`). */
export const LOCAL_UT_METADATA_ID = 1;
/** Requests kept outstanding to one peer. */
const PER_PEER_REQUESTS = 4;
/** Assemblies of different announced sizes kept at once. */
const MAX_SIZES = 4;
const TICK_MS = 500;

/** What a {@link MetadataFetch} needs. */
export interface MetadataFetchOptions {
  /** The hashes the dictionary must have. */
  hashes: ExpectedHashes;
  /** Our 20-byte peer id. */
  peerId: Uint8Array;
  /** The port we accept peers on (0 when not listening). */
  port: number;
  /** Transports to dial with. */
  transports: readonly Transport[];
  /** Bounds: `maxMetadataBytes`, `requestTimeoutMs`, connection limits. */
  limits: Limits;
  /** When to use MSE on the connections we dial; default `"prefer"`. */
  encryption?: EncryptionPolicy;
}

/** The result of a fetch: the verified info dictionary and the peers that had it. */
export interface FetchedMetadata {
  /** The info dictionary's bytes, matching the info hash. */
  info: Uint8Array;
  /** Peers that were sending it, worth dialling again for the data. */
  peers: PeerAddress[];
}

interface FetchPeer {
  wire: PeerWire;
  key: string;
  address: PeerAddress | null;
  remoteId: number;
  assembly: MetadataAssembly<FetchPeer>;
}

/** One metadata fetch; give it candidates with {@link MetadataFetch.addPeers}. */
export class MetadataFetch {
  /** Settles with the verified dictionary; rejects once closed before that. */
  readonly result: Promise<FetchedMetadata>;
  #options: MetadataFetchOptions;
  #wireHash: Uint8Array;
  #connector: Connector;
  #peers = new Set<FetchPeer>();
  #keys = new Set<string>();
  /** Addresses not to dial again: bad or useless for metadata. */
  #dropped = new Set<string>();
  #assemblies = new Map<number, MetadataAssembly<FetchPeer>>();
  #settle = deferred<FetchedMetadata>();
  #timer: ReturnType<typeof setInterval>;
  #done = false;

  constructor(options: MetadataFetchOptions) {
    this.#options = options;
    this.#wireHash = options.hashes.v1 ?? options.hashes.v2!.subarray(0, 20);
    this.result = this.#settle.promise;
    this.result.catch(() => {});
    this.#connector = new Connector({
      wantsConnection: () => this.#peers.size < options.limits.maxConnectionsPerTorrent,
      isKnown: (key) => this.#keys.has(key) || this.#dropped.has(key),
      connected: (conn, address) => this.#connected(conn, address),
      failed: () => {},
    }, {
      transports: options.transports,
      maxHalfOpen: options.limits.maxHalfOpen,
      headStartMs: options.limits.transportHeadStartMs,
      encryption: options.encryption ?? "prefer",
      infoHash: this.#wireHash,
      handshakeTimeoutMs: options.limits.handshakeTimeoutMs,
    });
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
  }

  /** Adds candidates to dial. */
  addPeers(addresses: Iterable<PeerAddress>): void {
    for (const address of addresses) this.#connector.add(address);
  }

  /** Addresses dropped so far, with why: for reports and tests. */
  get dropped(): ReadonlySet<string> {
    return this.#dropped;
  }

  /**
   * Stops: closes every connection; an unsettled result rejects with `reason`.
   *
   * @param reason Why, for the rejection.
   */
  close(reason: unknown = new Error("Metadata fetch closed")): void {
    this.#finish();
    this.#settle.reject(reason);
  }

  #finish(): void {
    this.#done = true;
    clearInterval(this.#timer);
    this.#connector.close();
    for (const peer of this.#peers) peer.wire.close("local", "metadata fetch over");
  }

  async #connected(conn: Conn, address: PeerAddress): Promise<void> {
    const wire = await PeerWire.connect(conn, {
      infoHash: this.#wireHash,
      peerId: this.#options.peerId,
      limits: this.#options.limits,
      torrent: null,
      extensionHandshake: {
        extensions: new Map([[UT_METADATA, LOCAL_UT_METADATA_ID]]),
        client: "seed 0.1.0",
        ...(this.#options.port > 0 ? { port: this.#options.port } : {}),
      },
    });
    if (this.#done) return wire.close("local", "metadata fetch over");
    const key = formatAddress(address);
    const peer = this.#adopt(wire, key, address);
    if (peer) void this.#run(peer);
  }

  #adopt(wire: PeerWire, key: string, address: PeerAddress | null): FetchPeer | null {
    const ext = wire.peerExtensions;
    const remoteId = ext?.extensions.get(UT_METADATA) ?? 0;
    const size = ext?.metadataSize ?? 0;
    let why = "";
    if (remoteId === 0) why = "does not offer ut_metadata";
    else if (size === 0) why = "has no metadata to offer";
    else if (size > this.#options.limits.maxMetadataBytes) {
      why = `announces ${size} bytes of metadata, over the bound`;
    }
    let assembly = this.#assemblies.get(size);
    if (!why && !assembly) {
      if (this.#assemblies.size >= MAX_SIZES) why = "too many different metadata sizes";
      else this.#assemblies.set(size, assembly = new MetadataAssembly(size));
    }
    if (why || !assembly) {
      this.#drop(key, wire, why);
      return null;
    }
    const peer = { wire, key, address, remoteId, assembly };
    this.#peers.add(peer);
    this.#keys.add(key);
    return peer;
  }

  async #run(peer: FetchPeer): Promise<void> {
    try {
      this.#request(peer);
      for await (const message of peer.wire) {
        if (message.type !== "extended" || message.id !== LOCAL_UT_METADATA_ID) continue;
        await this.#onMessage(peer, message.payload);
        if (this.#done) return;
      }
    } finally {
      this.#peers.delete(peer);
      this.#keys.delete(peer.key);
      peer.assembly.release(peer);
      this.#pumpAll();
    }
  }

  async #onMessage(peer: FetchPeer, payload: Uint8Array): Promise<void> {
    let message: MetadataMessage;
    try {
      message = decodeMetadataMessage(payload);
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      return this.#drop(peer.key, peer.wire, error.message);
    }
    if (message.type === "request") {
      // We have nothing to give yet.
      void peer.wire.extended(
        peer.remoteId,
        encodeMetadataMessage({ type: "reject", piece: message.piece }),
      );
      return;
    }
    if (message.type === "reject") return this.#drop(peer.key, peer.wire, "rejected a request");
    const assembly = peer.assembly;
    if (message.totalSize !== assembly.size || !assembly.put(peer, message.piece, message.data)) {
      return this.#drop(
        peer.key,
        peer.wire,
        `sent a metadata piece ${message.piece} that does not fit`,
      );
    }
    if (!assembly.complete) return this.#request(peer);
    const result = await assembly.verify(this.#options.hashes);
    if (result.ok) return this.#succeed(result.info);
    if (result.blame) {
      this.#drop(result.blame.key, result.blame.wire, "sent metadata that fails the info hash");
    }
    this.#pumpAll();
  }

  #succeed(info: Uint8Array): void {
    const peers: PeerAddress[] = [];
    for (const peer of this.#peers) if (peer.address) peers.push(peer.address);
    this.#finish();
    this.#settle.resolve({ info, peers });
  }

  #request(peer: FetchPeer): void {
    const now = performance.now();
    while (peer.assembly.outstanding(peer) < PER_PEER_REQUESTS) {
      const piece = peer.assembly.next(peer, now);
      if (piece === null) return;
      void peer.wire.extended(peer.remoteId, encodeMetadataMessage({ type: "request", piece }));
    }
  }

  #pumpAll(): void {
    if (this.#done) return;
    for (const peer of this.#peers) this.#request(peer);
    this.#connector.pump();
  }

  #tick(): void {
    const before = performance.now() - this.#options.limits.requestTimeoutMs;
    for (const assembly of this.#assemblies.values()) {
      for (const peer of assembly.late(before)) {
        this.#drop(peer.key, peer.wire, "did not answer a metadata request in time");
      }
    }
    this.#pumpAll();
  }

  #drop(key: string, wire: PeerWire, why: string): void {
    this.#dropped.add(key);
    wire.close("local", why);
  }
}
