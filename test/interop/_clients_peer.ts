/**
 * What every swarm member looks like to a test, whichever client runs it:
 * its role, its port, its latest status, a promise that settles when it
 * holds the whole torrent, and `stop()`.
 *
 * @module
 */

import type { PeerAddress } from "../../transports/mod.ts";
import type { EncryptionPolicy } from "../../src/wire/mse/policy.ts";
import type { PeerEncryption } from "../../src/wire/mse/conn.ts";

export type { PeerAddress };

/** The clients the swarm tests drive. */
export type PeerKind = "ours" | "libtorrent" | "transmission" | "aria2";

/** A seeder starts with the data; a leecher starts empty and keeps seeding once complete. */
export type Role = "seed" | "leech";

/** What a client last reported. */
export interface PeerStatus {
  /** Share of the torrent verified, 0 to 1. */
  progress: number;
  /** The client's own word for what it is doing. */
  state: string;
  /** Connected peers. */
  peers: number;
  /** Payload bytes received. */
  downloaded: number;
  /** Payload bytes sent. */
  uploaded: number;
}

/** How to start one client. */
export interface PeerOptions {
  /** Seeder or leecher. */
  role: Role;
  /** The `.torrent` file (its `announce` is the tracker the client uses), or a magnet link (libtorrent leechers). */
  torrentFile: string;
  /** The folder holding (seeder) or receiving (leecher) `<dir>/<torrent name>/...`. */
  dir: string;
  /** Port for peers (TCP, and UDP where the client uses it); default a free one. */
  port?: number;
  /** Peers to dial at the start (not every client can: see {@link SwarmPeer.dial}). */
  peers?: readonly PeerAddress[];
  /** A label for messages; default `<kind> <seeder|leecher>`. */
  name?: string;
  /** A DHT node to bootstrap from, turning the DHT on (libtorrent only); default no DHT. */
  dhtBootstrap?: PeerAddress;
  /**
   * Peer transports, for ours and libtorrent (the others use TCP): default
   * TCP only for libtorrent, both for ours.
   */
  transports?: readonly ("tcp" | "utp")[];
  /** libtorrent only: `settings_pack` values to override, such as `{ utp_num_resends: 10 }`. */
  libtorrentSettings?: Readonly<Record<string, number | boolean>>;
  /**
   * Message stream encryption, for ours (the client option) and Transmission
   * (`require`, `prefer`, `allow` are its required, preferred and tolerated);
   * default ours's default, and Transmission tolerating it.
   */
  encryption?: EncryptionPolicy;
}

/** One running client in a swarm. */
export interface SwarmPeer {
  /** Which client. */
  readonly kind: PeerKind;
  /** Seeder or leecher. */
  readonly role: Role;
  /** A label for messages. */
  readonly name: string;
  /** Its peer port on 127.0.0.1. */
  readonly port: number;
  /** Where its data lives (`<dir>/<torrent name>/...`). */
  readonly dir: string;
  /** `performance.now()` when it was started. */
  readonly startedAt: number;
  /** `performance.now()` when it was first seen complete, or null. */
  readonly completedAt: number | null;
  /** The latest status. */
  readonly status: PeerStatus;
  /**
   * Settles once the client holds every piece, verified (for a seeder: once
   * its check is over and it seeds); rejects when it fails or exits first.
   */
  readonly complete: Promise<void>;
  /** Dials a peer; undefined for clients that cannot be told to (Transmission, aria2). */
  readonly dial?: (address: PeerAddress) => void;
  /** Ours only: the encryption of every connection it has had, in order. */
  readonly encryptions?: () => readonly PeerEncryption[];
  /** One line for failure messages: name, port, progress, state, peers, recent output. */
  describe(): string;
  /** Stops the client and waits until it is gone; safe to call twice. */
  stop(): Promise<void>;
}

/** The loopback address every client listens and dials on. */
export const LOOPBACK = "127.0.0.1";

/** The record of one client's progress, shared by the implementations. */
export class Progress {
  /** The latest status. */
  status: PeerStatus = { progress: 0, state: "starting", peers: 0, downloaded: 0, uploaded: 0 };
  /** `performance.now()` when first seen complete, or null. */
  completedAt: number | null = null;
  /** Settles once complete; rejects on {@link Progress.fail} before that. */
  readonly complete: Promise<void>;
  #resolve!: () => void;
  #reject!: (error: Error) => void;
  #settled = false;

  constructor() {
    this.complete = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Nobody may be waiting yet when it fails; the test sees the failure when it awaits.
    this.complete.catch(() => {});
  }

  /** Records a status; `whole` tells that the client holds and serves every piece. */
  update(status: PeerStatus, whole: boolean): void {
    this.status = status;
    if (whole && !this.#settled) {
      this.#settled = true;
      this.completedAt = performance.now();
      this.#resolve();
    }
  }

  /** Fails `complete` unless it has settled already. */
  fail(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(error);
  }
}

/** `name on :port: 42.0% downloading, 1 peers, 12.3 MiB down, 0 B up`. */
export function describeStatus(name: string, port: number, status: PeerStatus): string {
  const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
  return `${name} on :${port}: ${(status.progress * 100).toFixed(1)}% ${status.state}, ` +
    `${status.peers} peers, ${mib(status.downloaded)} down, ${mib(status.uploaded)} up`;
}

/**
 * Waits for a peer to complete, or throws its description after `ms`.
 *
 * @param peer The peer.
 * @param ms How long to wait.
 */
export async function completeWithin(peer: SwarmPeer, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(peer.describe())), ms);
  });
  await Promise.race([peer.complete, late]).finally(() => clearTimeout(timer));
}

/** The default label of a client. */
export function defaultName(kind: PeerKind, role: Role): string {
  return `${kind} ${role === "seed" ? "seeder" : "leecher"}`;
}

/** What each client supplies to make a {@link SwarmPeer}; the rest comes from its {@link Progress}. */
export interface PeerParts {
  /** Which client. */
  kind: PeerKind;
  /** How it was started. */
  options: PeerOptions;
  /** A label for messages. */
  name: string;
  /** Its peer port. */
  port: number;
  /** `performance.now()` when it was started. */
  startedAt: number;
  /** Its progress record. */
  progress: Progress;
  /** Dials a peer, for clients that can be told to. */
  dial?: (address: PeerAddress) => void;
  /** The encryption of every connection it has had (ours). */
  encryptions?: () => readonly PeerEncryption[];
  /** What to add after the status in failure messages. */
  detail(): string;
  /** Stops the client. */
  stop(): Promise<void>;
}

/** A {@link SwarmPeer} from its parts. */
export function swarmPeer(parts: PeerParts): SwarmPeer {
  const { progress } = parts;
  return {
    kind: parts.kind,
    role: parts.options.role,
    name: parts.name,
    port: parts.port,
    dir: parts.options.dir,
    startedAt: parts.startedAt,
    get completedAt() {
      return progress.completedAt;
    },
    get status() {
      return progress.status;
    },
    complete: progress.complete,
    ...(parts.dial ? { dial: parts.dial } : {}),
    ...(parts.encryptions ? { encryptions: parts.encryptions } : {}),
    describe: () => `${describeStatus(parts.name, parts.port, progress.status)}; ${parts.detail()}`,
    stop: parts.stop,
  };
}
