/**
 * The client: one peer id, one listening port, many torrents.
 *
 * @module
 */

import type { Conn, Listener, PeerAddress, Transport } from "../transports/mod.ts";
import { defaultTransports, openTransports, type TransportChoice } from "./client_transports.ts";
import { bytesEqual, toHex } from "./bytes.ts";
import { UdpTrackerClient } from "./discovery/udp_tracker.ts";
import { type Limits, resolveLimits } from "./limits.ts";
import { isMagnet, parseMagnet } from "./metainfo/magnet.ts";
import type { Dht, DhtOptions } from "./discovery/dht.ts";
import { fetchMagnet, type FetchMagnetOptions } from "./torrent/fetch_magnet.ts";
import { parseTorrent } from "./metainfo/parse_torrent.ts";
import type { Metainfo } from "./metainfo/types.ts";
import type { UdpSocket } from "./net/udp.ts";
import { defaultStorage } from "./storage/default.ts";
import type { StorageFactory } from "./storage/types.ts";
import { Torrent } from "./torrent.ts";
import type { WebRtcSettings } from "./torrent/signalled_peers.ts";
import { runtime } from "./runtime.ts";
import { bucketFor, Throttle } from "./torrent/throttle.ts";
import { selectFiles } from "./stream/select_files.ts";
import { makePeerId } from "./wire/peer_id.ts";
import { PeerWire } from "./wire/peer_wire.ts";
import { acceptIncoming } from "./wire/mse/accept.ts";
import type { EncryptionPolicy } from "./wire/mse/policy.ts";

/**
 * Options for {@link Client.create}.
 *
 * @example
 * ```ts
 * import { notStrictEqual } from "node:assert/strict";
 * import { Client, type ClientOptions } from "./client.ts";
 *
 * const options: ClientOptions = { host: "127.0.0.1", port: 0, transports: ["tcp"] };
 * const client = await Client.create({ ...options, limitUp: 1_000_000 });
 * notStrictEqual(client.port, 0); // port 0 picked a free one
 * await client.close();
 * ```
 */
export interface ClientOptions {
  /** Port to accept peers on (TCP and uTP) and to announce; 0 picks a free one. Default 6881. */
  port?: number;
  /** Address to listen on; default all interfaces. Tests use `127.0.0.1`. */
  host?: string;
  /** Accept incoming connections; default true (false in browsers, which cannot listen). */
  listen?: boolean;
  /**
   * Transports by name (`"tcp"`, `"utp"`) or your own, in order of preference
   * for dialling; default `["utp", "tcp"]` (none in a browser). TCP listens on
   * the port, uTP on the UDP socket of the same port number.
   */
  transports?: TransportChoice[];
  /**
   * Message stream encryption (MSE/PE) for TCP and uTP peers: `"prefer"`
   * (default: dial with MSE, fall back to plain; accept both), `"require"`,
   * `"allow"` (dial plain; accept both) or `"off"`. See {@link EncryptionPolicy}.
   */
  encryption?: EncryptionPolicy;
  /** Bounds and timeouts. */
  limits?: Partial<Limits>;
  /** Our 20-byte peer id; default a fresh `-SE0001-` id. */
  peerId?: Uint8Array;
  /** WebRTC peers through `ws:`/`wss:` trackers; default on in browsers, off elsewhere. */
  webrtc?: WebRtcSettings | false;
  /** Most bytes per second sent, over every torrent; default no limit. */
  limitUp?: number;
  /** Most bytes per second received, over every torrent; default no limit. */
  limitDown?: number;
  /**
   * Run a DHT node (BEP 5); default off. It shares the client's UDP port
   * unless given a `port`; `bootstrap` defaults to the public routers.
   */
  dht?: Omit<DhtOptions, "socket">;
}

/**
 * Options for {@link Client.add}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { type AddOptions, Client } from "./client.ts";
 * import { createTorrent } from "./metainfo/create_torrent.ts";
 * import { memoryStorage } from "./storage/memory.ts";
 *
 * const file = { path: ["a.txt"], length: 5, stream: () => new Blob(["hello"]).stream() };
 * const client = await Client.create({ host: "127.0.0.1", port: 0 });
 * const options: AddOptions = { storage: memoryStorage(), paused: true };
 * const torrent = await client.add(await createTorrent([file]), options);
 * strictEqual(torrent.state, "paused"); // checked, waiting for resume()
 * await client.close();
 * ```
 */
export interface AddOptions {
  /** Download folder for the filesystem storage. */
  dir?: string;
  /** Storage to use instead (memory, IndexedDB, your own). */
  storage?: StorageFactory;
  /** Peers to dial. */
  peers?: PeerAddress[];
  /** Tracker URLs to use besides the torrent's (one tier each). */
  announce?: string[];
  /** Called while existing data is checked, with done and total bytes. */
  onCheck?: (done: number, total: number) => void;
  /** Check the data, then wait for `torrent.resume()` before connecting. */
  paused?: boolean;
  /** Download only these files (indexes as `torrent.files` lists them, pad files not counted). */
  select?: readonly number[];
  /** Most bytes per second this torrent sends; default no limit. */
  limitUp?: number;
  /** Most bytes per second this torrent receives; default no limit. */
  limitDown?: number;
  /** For a magnet link: gives up fetching the metadata. */
  signal?: AbortSignal;
}

/**
 * A BitTorrent client.
 *
 * @example
 * ```ts ignore
 * import { Client } from "./client.ts";
 * const client = await Client.create({ port: 0, host: "127.0.0.1" });
 * const torrent = await client.add(await Deno.readFile("file.torrent"), { dir: "./downloads" });
 * await torrent.done;
 * await client.close();
 * ```
 */
export class Client {
  /** Our peer id. */
  readonly peerId: Uint8Array;
  #limits: Limits;
  #encryption: EncryptionPolicy;
  #transports: Transport[];
  #listeners: Listener[];
  #udp: UdpSocket | null;
  #udpTracker: UdpTrackerClient | null;
  #webrtc: WebRtcSettings | undefined;
  #torrents = new Map<string, Torrent>();
  #closed = false;
  #limitUp: ReturnType<typeof bucketFor>;
  #limitDown: ReturnType<typeof bucketFor>;
  /** The DHT node, when running one. */
  readonly dht: Dht | null;

  private constructor(
    options: ClientOptions,
    { dialers, listeners, udp }: {
      dialers: Transport[];
      listeners: Listener[];
      udp: UdpSocket | null;
    },
    dht: Dht | null,
  ) {
    this.dht = dht;
    this.peerId = options.peerId ?? makePeerId();
    this.#limits = resolveLimits(options.limits);
    this.#encryption = options.encryption ?? "prefer";
    this.#transports = dialers;
    this.#listeners = listeners;
    this.#udp = udp;
    const webrtc = options.webrtc ?? (runtime === "browser" ? {} : false);
    this.#webrtc = webrtc === false ? undefined : webrtc;
    this.#limitUp = bucketFor(options.limitUp);
    this.#limitDown = bucketFor(options.limitDown);
    // BEP 15 resends after 15 s, doubling; the first wait follows trackerTimeoutMs.
    this.#udpTracker = udp
      ? new UdpTrackerClient(udp, { retryBaseMs: this.#limits.trackerTimeoutMs })
      : null;
    for (const listener of listeners) this.#acceptLoop(listener);
  }

  /**
   * Starts a client: listens for peers (TCP, and uTP on the UDP socket that
   * UDP trackers use, on the same port).
   */
  static async create(options: ClientOptions = {}): Promise<Client> {
    const opened = await openTransports(options.transports ?? defaultTransports(), {
      ...(options.host === undefined ? {} : { host: options.host }),
      port: options.port ?? 6881,
      listen: options.listen !== false,
    });
    const dht = options.dht
      ? await startDht(options.dht, opened.udp, options.host ?? "0.0.0.0").catch((error) => {
        for (const listener of opened.listeners) listener.close();
        opened.udp?.close();
        throw error;
      })
      : null;
    return new Client(options, opened, dht);
  }

  /** The port peers reach us on (0 when not listening). */
  get port(): number {
    return this.#listeners[0]?.address.port ?? 0;
  }

  /** The torrents, in the order they were added. */
  get torrents(): Torrent[] {
    return [...this.#torrents.values()];
  }

  /** A torrent by its info hash (hex). */
  get(infoHash: string): Torrent | undefined {
    return this.#torrents.get(infoHash.toLowerCase());
  }

  /**
   * Adds a torrent and starts it: existing data is checked, then what is
   * missing is downloaded and what is held is seeded.
   *
   * @param torrent A `.torrent` file's bytes, a parsed torrent, or a magnet
   * link (its metadata is fetched from peers first, see {@link Client.fetchMetadata}).
   * @param options Where the data goes, peers to dial, extra trackers.
   * @returns The torrent, checked and running.
   * @throws {Error} For a torrent already added, or text that is not a magnet link.
   */
  async add(torrent: Uint8Array | Metainfo | string, options: AddOptions = {}): Promise<Torrent> {
    if (this.#closed) throw new Error("Cannot add a torrent: the client is closed");
    if (typeof torrent === "string") {
      if (!isMagnet(torrent)) {
        throw new Error("Cannot add a torrent from text: pass the .torrent file's bytes");
      }
      const magnet = parseMagnet(torrent);
      const { meta, peers } = await fetchMagnet(magnet, this.#fetchOptions(options));
      // The link's `so` (BEP 53) selects files unless the options say otherwise.
      return this.add(meta, {
        ...(magnet.select ? { select: magnet.select } : {}),
        ...options,
        peers,
      });
    }
    const meta = torrent instanceof Uint8Array
      ? await parseTorrent(torrent, this.#limits)
      : torrent;
    const key = meta.infoHash ?? meta.infoHashV2!;
    if (this.#torrents.has(key)) throw new Error(`Torrent ${key} is already added`);
    const storage = await (options.storage ?? defaultStorage(options.dir))(meta);
    const added = new Torrent({
      meta,
      storage,
      peerId: this.peerId,
      port: this.port,
      transports: this.#transports,
      encryption: this.#encryption,
      limits: this.#limits,
      peers: options.peers ?? [],
      trackers: (options.announce ?? []).map((url) => [url]),
      ...(this.#udpTracker ? { udpTracker: this.#udpTracker } : {}),
      ...(this.dht ? { dht: this.dht } : {}),
      clientHasRoom: () => this.#connectionCount() < this.#limits.maxConnections,
      ...(this.#webrtc ? { webrtc: this.#webrtc } : {}),
      throttles: {
        up: new Throttle([bucketFor(options.limitUp), this.#limitUp]),
        down: new Throttle([bucketFor(options.limitDown), this.#limitDown]),
      },
    });
    this.#torrents.set(key, added);
    try {
      if (options.select) selectFiles(added.files, options.select);
      await added.start({
        ...(options.onCheck ? { onCheck: options.onCheck } : {}),
        ...(options.paused ? { paused: true } : {}),
      });
    } catch (error) {
      this.#torrents.delete(key);
      await added.close();
      throw error;
    }
    return added;
  }

  /** Stops a torrent and forgets it; its data stays on disk. */
  async remove(infoHash: string): Promise<void> {
    const torrent = this.get(infoHash);
    if (!torrent) return;
    this.#torrents.delete(infoHash.toLowerCase());
    await torrent.close();
  }

  /** Stops every torrent (`stopped` to trackers, data flushed) and the listener. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#listeners) listener.close();
    await Promise.allSettled(this.torrents.map((t) => t.close()));
    this.#torrents.clear();
    await this.dht?.close();
    this.#udpTracker?.close();
    this.#udp?.close();
  }

  /**
   * Fetches a magnet link's metadata from the swarm (the magnet's peers and
   * trackers, `options.peers` and `options.announce`, the DHT) without
   * adding the torrent.
   *
   * @param magnet The magnet URI.
   * @param options Extra peers and trackers, and a signal to give up.
   * @returns The parsed torrent, its info dictionary checked against the info hash.
   * @throws {MagnetError} For a malformed magnet link.
   */
  async fetchMetadata(magnet: string, options: AddOptions = {}): Promise<Metainfo> {
    return (await fetchMagnet(parseMagnet(magnet), this.#fetchOptions(options))).meta;
  }

  #fetchOptions(options: AddOptions): FetchMagnetOptions {
    return {
      peerId: this.peerId,
      port: this.port,
      transports: this.#transports,
      encryption: this.#encryption,
      limits: this.#limits,
      ...(options.peers ? { peers: options.peers } : {}),
      ...(options.announce ? { announce: options.announce } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(this.#udpTracker ? { udpTracker: this.#udpTracker } : {}),
      ...(this.dht ? { dht: this.dht } : {}),
    };
  }

  #connectionCount(): number {
    let count = 0;
    for (const torrent of this.#torrents.values()) count += torrent.peers.length;
    return count;
  }

  async #acceptLoop(listener: Listener): Promise<void> {
    for await (const conn of listener) this.#accept(conn).catch(() => {});
  }

  /** An incoming connection: MSE as the policy allows, then the BitTorrent handshake. */
  async #accept(conn: Conn): Promise<void> {
    const incoming = await acceptIncoming(conn, {
      policy: this.#encryption,
      infoHashes: () => this.torrents.map((t) => t.wireHash),
      timeoutMs: this.#limits.handshakeTimeoutMs,
    });
    const wire = await PeerWire.accept(incoming.conn, {
      peerId: this.peerId,
      limits: this.#limits,
      accept: (infoHash) => {
        // After MSE, the handshake must be for the torrent MSE asked for.
        if (incoming.infoHash && !bytesEqual(infoHash, incoming.infoHash)) return false;
        return this.#byWireHash(infoHash)?.acceptSettings() ?? false;
      },
    });
    const torrent = this.#byWireHash(wire.remote.infoHash);
    if (torrent) torrent.adopt(wire);
    else wire.close("local", "torrent removed");
  }

  #byWireHash(infoHash: Uint8Array): Torrent | undefined {
    const hex = toHex(infoHash);
    for (const torrent of this.#torrents.values()) {
      if (toHex(torrent.wireHash) === hex) return torrent;
    }
    return undefined;
  }
}

/** Starts the DHT on the client's UDP socket, or on its own port when one is given. */
async function startDht(
  options: Omit<DhtOptions, "socket">,
  udp: UdpSocket | null,
  host: string,
) {
  const { Dht } = await import("./discovery/dht.ts");
  return Dht.start(
    options.port === undefined && udp ? { ...options, socket: udp } : { host, ...options },
  );
}
