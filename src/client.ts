/**
 * The client: one peer id, one listening port, many torrents.
 *
 * @module
 */

import { tcpTransport } from "../transports/tcp.ts";
import type { Listener, PeerAddress, Transport } from "../transports/mod.ts";
import { toHex } from "./bytes.ts";
import { UdpTrackerClient } from "./discovery/udp_tracker.ts";
import { type Limits, resolveLimits } from "./limits.ts";
import { isMagnet } from "./metainfo/magnet.ts";
import { parseTorrent } from "./metainfo/parse_torrent.ts";
import type { Metainfo } from "./metainfo/types.ts";
import { bindUdp, type UdpSocket } from "./net/udp.ts";
import { defaultStorage } from "./storage/default.ts";
import type { StorageFactory } from "./storage/types.ts";
import { Torrent } from "./torrent.ts";
import { bucketFor, Throttle } from "./torrent/throttle.ts";
import { selectFiles } from "./stream/select_files.ts";
import { makePeerId } from "./wire/peer_id.ts";
import { PeerWire } from "./wire/peer_wire.ts";

/** Options for {@link Client.create}. */
export interface ClientOptions {
  /** Port to accept peers on (TCP) and to announce; 0 picks a free one. Default 6881. */
  port?: number;
  /** Address to listen on; default all interfaces. Tests use `127.0.0.1`. */
  host?: string;
  /** Accept incoming connections; default true. */
  listen?: boolean;
  /** Transports to dial with; default TCP. */
  transports?: Transport[];
  /** Bounds and timeouts. */
  limits?: Partial<Limits>;
  /** Our 20-byte peer id; default a fresh `-SE0001-` id. */
  peerId?: Uint8Array;
  /** Most bytes per second sent, over every torrent; default no limit. */
  limitUp?: number;
  /** Most bytes per second received, over every torrent; default no limit. */
  limitDown?: number;
}

/** Options for {@link Client.add}. */
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
  #transports: Transport[];
  #listener: Listener | null;
  #udp: UdpSocket | null;
  #udpTracker: UdpTrackerClient | null;
  #torrents = new Map<string, Torrent>();
  #closed = false;
  #limitUp: ReturnType<typeof bucketFor>;
  #limitDown: ReturnType<typeof bucketFor>;

  private constructor(
    options: ClientOptions,
    listener: Listener | null,
    udp: UdpSocket | null,
  ) {
    this.peerId = options.peerId ?? makePeerId();
    this.#limits = resolveLimits(options.limits);
    this.#transports = options.transports ?? [tcpTransport()];
    this.#listener = listener;
    this.#udp = udp;
    this.#limitUp = bucketFor(options.limitUp);
    this.#limitDown = bucketFor(options.limitDown);
    // BEP 15 resends after 15 s, doubling; the first wait follows trackerTimeoutMs.
    this.#udpTracker = udp
      ? new UdpTrackerClient(udp, { retryBaseMs: this.#limits.trackerTimeoutMs })
      : null;
    if (listener) this.#acceptLoop(listener);
  }

  /**
   * Starts a client: listens for peers (TCP) and opens the UDP socket that
   * UDP trackers use, on the same port.
   */
  static async create(options: ClientOptions = {}): Promise<Client> {
    const transport = options.transports?.[0] ?? tcpTransport();
    const listener = options.listen === false ? null : await transport.listen({
      ...(options.host === undefined ? {} : { host: options.host }),
      port: options.port ?? 6881,
    });
    const host = options.host ?? "0.0.0.0";
    const port = listener?.address.port ?? 0;
    const udp = await bindUdp({ host, port }).catch(() => bindUdp({ host, port: 0 }));
    return new Client(options, listener, udp);
  }

  /** The port peers reach us on (0 when not listening). */
  get port(): number {
    return this.#listener?.address.port ?? 0;
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
   * @param torrent A `.torrent` file's bytes or a parsed torrent.
   * @param options Where the data goes, peers to dial, extra trackers.
   * @returns The torrent, checked and running.
   * @throws {Error} For a torrent already added, or a magnet link (which
   * needs metadata from peers).
   */
  async add(torrent: Uint8Array | Metainfo | string, options: AddOptions = {}): Promise<Torrent> {
    if (this.#closed) throw new Error("Cannot add a torrent: the client is closed");
    if (typeof torrent === "string") {
      throw new Error(
        isMagnet(torrent)
          ? "Cannot add a magnet link yet: fetching metadata from peers is not supported"
          : "Cannot add a torrent from text: pass the .torrent file's bytes",
      );
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
      limits: this.#limits,
      peers: options.peers ?? [],
      trackers: (options.announce ?? []).map((url) => [url]),
      ...(this.#udpTracker ? { udpTracker: this.#udpTracker } : {}),
      clientHasRoom: () => this.#connectionCount() < this.#limits.maxConnections,
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
    this.#listener?.close();
    await Promise.allSettled(this.torrents.map((t) => t.close()));
    this.#torrents.clear();
    this.#udpTracker?.close();
    this.#udp?.close();
  }

  #connectionCount(): number {
    let count = 0;
    for (const torrent of this.#torrents.values()) count += torrent.peers.length;
    return count;
  }

  async #acceptLoop(listener: Listener): Promise<void> {
    for await (const conn of listener) {
      PeerWire.accept(conn, {
        peerId: this.peerId,
        limits: this.#limits,
        accept: (infoHash) => this.#byWireHash(infoHash)?.acceptSettings() ?? false,
      }).then((wire) => {
        const torrent = this.#byWireHash(wire.remote.infoHash);
        if (torrent) torrent.adopt(wire);
        else wire.close("local", "torrent removed");
      }, () => {});
    }
  }

  #byWireHash(infoHash: Uint8Array): Torrent | undefined {
    const hex = toHex(infoHash);
    for (const torrent of this.#torrents.values()) {
      if (toHex(torrent.wireHash) === hex) return torrent;
    }
    return undefined;
  }
}
