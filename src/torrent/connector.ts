/**
 * Turns peer candidates into connections: one queue per torrent, without
 * duplicates, within the half-open and connection limits, skipping banned
 * and already connected addresses, and retrying failed ones later.
 *
 * @module
 */

import { formatAddress, type PeerAddress, type Transport } from "../../transports/mod.ts";
import type { Conn } from "../../transports/mod.ts";
import type { EncryptionPolicy } from "../wire/mse/policy.ts";
import { dialPeer } from "./peer_dial.ts";

/** What the connector asks of its torrent. */
export interface ConnectorHost {
  /** Whether another connection is welcome now. */
  wantsConnection(): boolean;
  /** Whether an address is connected already or banned. */
  isKnown(key: string): boolean;
  /** Hands over a new outgoing connection (the handshake is the host's job). */
  connected(conn: Conn, address: PeerAddress): Promise<void>;
  /** Reports a failed dial. */
  failed(address: PeerAddress, error: unknown): void;
}

/** Options for {@link Connector}. */
export interface ConnectorOptions {
  /** Transports to dial with, in order of preference. */
  transports: readonly Transport[];
  /** Most dials in flight. */
  maxHalfOpen: number;
  /** How long each transport dials alone before the next joins in, in ms. */
  headStartMs: number;
  /** When to use MSE. */
  encryption: EncryptionPolicy;
  /** The torrent's 20-byte info hash (MSE's SKEY). */
  infoHash: Uint8Array;
  /** Longest MSE handshake, in ms. */
  handshakeTimeoutMs: number;
  /** Time before a failed address is tried again, in ms. */
  retryMs?: number;
}

/** The dial queue of one torrent. */
export class Connector {
  #host: ConnectorHost;
  #options: ConnectorOptions;
  #queue: PeerAddress[] = [];
  /** Keys queued or being dialled: one dial per address at a time. */
  #pending = new Set<string>();
  #failedAt = new Map<string, number>();
  #inFlight = 0;
  #abort = new AbortController();

  constructor(host: ConnectorHost, options: ConnectorOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** Dials in flight. */
  get halfOpen(): number {
    return this.#inFlight;
  }

  /** Adds a candidate; dials at once when there is room. */
  add(address: PeerAddress): void {
    const key = formatAddress(address);
    if (this.#pending.has(key) || this.#host.isKnown(key)) return;
    const failed = this.#failedAt.get(key);
    if (failed !== undefined && performance.now() - failed < (this.#options.retryMs ?? 60_000)) {
      return;
    }
    this.#pending.add(key);
    this.#queue.push(address);
    this.pump();
  }

  /** Dials queued candidates while the limits allow. */
  pump(): void {
    while (
      !this.#abort.signal.aborted && this.#inFlight < this.#options.maxHalfOpen &&
      this.#queue.length > 0 && this.#host.wantsConnection()
    ) {
      const address = this.#queue.shift()!;
      const key = formatAddress(address);
      if (this.#host.isKnown(key)) {
        this.#pending.delete(key);
        continue;
      }
      this.#inFlight++;
      this.#dial(address, key).finally(() => {
        this.#pending.delete(key);
        this.#inFlight--;
        this.pump();
      });
    }
  }

  /** Stops dialling and abandons dials in flight. */
  close(): void {
    this.#abort.abort();
    this.#queue.length = 0;
    this.#pending.clear();
  }

  async #dial(address: PeerAddress, key: string): Promise<void> {
    const { transports, headStartMs, encryption, infoHash, handshakeTimeoutMs } = this.#options;
    try {
      const conn = await dialPeer(address, {
        transports,
        headStartMs,
        encryption,
        infoHash,
        timeoutMs: handshakeTimeoutMs,
        signal: this.#abort.signal,
      });
      await this.#host.connected(conn, address);
      this.#failedAt.delete(key);
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      this.#failedAt.set(key, performance.now());
      this.#host.failed(address, error);
    }
  }
}
