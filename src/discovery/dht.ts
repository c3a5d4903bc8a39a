/**
 * The mainline DHT (BEP 5) through `npm:bittorrent-dht`: finds peers of our
 * torrents with `get_peers`, announces us with `announce_peer`, again every
 * `announceIntervalMs` (sooner, every `retryMs`, while a lookup finds
 * nobody), and keeps its routing table in a file between runs. It shares
 * the client's UDP socket (k-rpc-socket takes a socket object, see
 * `_dht_socket.ts`), or binds its own when given a port of its own.
 *
 * Only Deno and Node have UDP: load this module with a dynamic `import()`.
 * Events: `announce` (detail: the info hash in hex) after each round of a
 * tracked torrent, `warning` (detail: a message).
 *
 * @module
 */

import DHT from "npm:bittorrent-dht@^11";
import { parseAddress, type PeerAddress } from "../../transports/mod.ts";
import { toHex } from "../bytes.ts";
import type { UdpSocket } from "../net/udp.ts";
import { fileSystem } from "../runtime.ts";
import { SharedDhtSocket } from "./_dht_socket.ts";
import type { SwarmLookup } from "./types.ts";

/** The usual public bootstrap routers. */
export const DEFAULT_DHT_BOOTSTRAP: readonly string[] = Object.freeze([
  "router.bittorrent.com:6881",
  "router.utorrent.com:6881",
  "dht.transmissionbt.com:6881",
  "dht.libtorrent.org:25401",
]);

/**
 * Options for {@link Dht.start}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { Dht, type DhtOptions } from "./dht.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const options: DhtOptions = { host: "127.0.0.1", bootstrap: [], stateFile: `${dir}/dht.json` };
 * const node = await Dht.start(options);
 * await node.close(); // saves the node id and routing table
 * const again = await Dht.start(options);
 * strictEqual(again.nodeId, node.nodeId);
 * await again.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export interface DhtOptions {
  /** The client's UDP socket to share; without it the DHT binds its own. */
  socket?: UdpSocket;
  /** Port of its own socket (when not sharing); 0 picks one. */
  port?: number;
  /** Address of its own socket; default `0.0.0.0`. */
  host?: string;
  /** `HOST:PORT` nodes to join through; default {@link DEFAULT_DHT_BOOTSTRAP}. Tests pass only their own. */
  bootstrap?: readonly string[];
  /** A file to restore the routing table from at start and save it to on close. */
  stateFile?: string;
  /** Time between announces of a torrent, in ms; default 15 minutes. */
  announceIntervalMs?: number;
  /** Time before looking again after a lookup that found no peers, in ms; default 30 s. */
  retryMs?: number;
}

interface Node {
  host: string;
  port: number;
}

/** The surface of bittorrent-dht's `DHT` that we use. */
interface DhtLibrary {
  nodeId: Uint8Array;
  on(event: string, listener: (...args: never[]) => void): void;
  off(event: string, listener: (...args: never[]) => void): void;
  once(event: string, listener: () => void): void;
  listen(port?: number, host?: string): void;
  address(): { address: string; port: number };
  addNode(node: Node): void;
  lookup(infoHash: string, callback: (error: Error | null) => void): void;
  announce(infoHash: string, port: number, callback: (error: Error | null) => void): void;
  toJSON(): { nodes: Node[] };
  destroy(callback: () => void): void;
}

/**
 * A DHT node serving the client's torrents.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { Dht } from "./dht.ts";
 *
 * const first = await Dht.start({ host: "127.0.0.1", port: 0, bootstrap: [] });
 * const bootstrap = [`127.0.0.1:${first.address.port}`];
 * const second = await Dht.start({ host: "127.0.0.1", port: 0, bootstrap });
 * strictEqual(second.address.host, "127.0.0.1");
 * strictEqual(second.nodeId.length, 40); // 20 bytes in hex
 * await second.close();
 * await first.close();
 * ```
 */
export class Dht extends EventTarget implements SwarmLookup {
  #dht: DhtLibrary;
  #options: DhtOptions;
  #stops = new Set<() => void>();

  private constructor(dht: DhtLibrary, options: DhtOptions) {
    super();
    this.#dht = dht;
    this.#options = options;
    dht.on("warning", (error: Error) => this.#warn(`dht: ${error.message}`));
    dht.on("error", (error: Error) => this.#warn(`dht: ${error.message}`));
  }

  /**
   * Starts a node: restores the routing table, joins through the bootstrap
   * nodes and listens.
   *
   * @param options Socket, bootstrap nodes, state file, timings.
   * @returns The running node.
   */
  static async start(options: DhtOptions = {}): Promise<Dht> {
    const saved = options.stateFile ? await readState(options.stateFile) : null;
    const bootstrap = [
      ...(saved?.nodes ?? []).map((node) => `${node.host}:${node.port}`),
      ...(options.bootstrap ?? DEFAULT_DHT_BOOTSTRAP),
    ];
    const socket = options.socket ? new SharedDhtSocket(options.socket) : undefined;
    const dht = new DHT({
      bootstrap: bootstrap.length > 0 ? bootstrap : false,
      ...(saved?.id ? { nodeId: saved.id } : {}),
      ...(socket ? { socket } : {}),
    }) as unknown as DhtLibrary;
    const listening = new Promise<void>((resolve) => dht.once("listening", resolve));
    if (socket) dht.listen();
    else dht.listen(options.port ?? 0, options.host ?? "0.0.0.0");
    await listening;
    return new Dht(dht, options);
  }

  /** Where the node listens. */
  get address(): PeerAddress {
    const { address, port } = this.#dht.address();
    return { host: address, port };
  }

  /** The UDP port the node listens on, for BEP 5 `port` messages. */
  get nodePort(): number {
    return this.#dht.address().port;
  }

  /** Our node id, in hex. */
  get nodeId(): string {
    return toHex(this.#dht.nodeId);
  }

  /** The nodes in the routing table. */
  get nodes(): PeerAddress[] {
    return this.#dht.toJSON().nodes.map(({ host, port }) => ({ host, port }));
  }

  /**
   * Adds a node to the routing table (after it answers a ping).
   *
   * @param node The node, as an address or `HOST:PORT`.
   */
  addNode(node: PeerAddress | string): void {
    this.#dht.addNode(typeof node === "string" ? parseAddress(node) : node);
  }

  /**
   * Looks up and announces a torrent now and on a schedule.
   *
   * @param infoHash The 20-byte info hash.
   * @param port Our TCP port to announce; 0 only looks up.
   * @param onPeer Gets each peer found.
   * @returns A function that stops tracking.
   */
  track(infoHash: Uint8Array, port: number, onPeer: (address: PeerAddress) => void): () => void {
    const hex = toHex(infoHash);
    let found = 0;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const listener = (peer: Node, hash: Uint8Array) => {
      if (stopped || toHex(hash) !== hex) return;
      found++;
      onPeer({ host: peer.host, port: peer.port });
    };
    this.#dht.on("peer", listener);
    const next = () => {
      if (stopped) return;
      this.dispatchEvent(new CustomEvent("announce", { detail: hex }));
      const wait = found > 0
        ? this.#options.announceIntervalMs ?? 15 * 60_000
        : this.#options.retryMs ?? 30_000;
      timer = setTimeout(round, wait);
    };
    const round = () => {
      found = 0;
      this.#dht.lookup(hex, (error) => {
        if (stopped) return;
        if (error) this.#warn(`dht lookup: ${error.message}`);
        if (port > 0) this.#dht.announce(hex, port, () => next());
        else next();
      });
    };
    round();
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      this.#dht.off("peer", listener);
      this.#stops.delete(stop);
    };
    this.#stops.add(stop);
    return stop;
  }

  /** Saves the routing table to the state file, when one is set. */
  async save(): Promise<void> {
    const file = this.#options.stateFile;
    if (!file) return;
    const state = { id: this.nodeId, nodes: this.nodes };
    const fs = await fileSystem();
    const folder = file.slice(0, file.lastIndexOf("/"));
    if (folder) await fs.mkdir(folder);
    await fs.writeFile(`${file}.tmp`, new TextEncoder().encode(JSON.stringify(state)));
    await fs.rename(`${file}.tmp`, file);
  }

  /** Saves the routing table and stops the node (a shared socket stays open). */
  async close(): Promise<void> {
    for (const stop of [...this.#stops]) stop();
    await this.save().catch((error) => this.#warn(`dht state: ${error}`));
    await new Promise<void>((resolve) => this.#dht.destroy(resolve));
  }

  #warn(message: string): void {
    this.dispatchEvent(new CustomEvent("warning", { detail: message }));
  }
}

async function readState(file: string): Promise<{ id?: string; nodes: Node[] } | null> {
  try {
    const fs = await fileSystem();
    const state = JSON.parse(new TextDecoder().decode(await fs.readFile(file)));
    const nodes = Array.isArray(state?.nodes)
      ? state.nodes.filter((n: Node) => typeof n?.host === "string" && Number.isInteger(n?.port))
      : [];
    const id = typeof state?.id === "string" && /^[0-9a-f]{40}$/.test(state.id)
      ? state.id
      : undefined;
    return { ...(id ? { id } : {}), nodes };
  } catch {
    return null;
  }
}
