/**
 * Dials a peer for a torrent and opens the connection as the encryption
 * policy says: an MSE handshake first under `prefer` and `require`, and
 * under `prefer` one plain redial when the peer does not take it (as
 * libtorrent and Transmission do), over the transport that connected.
 *
 * @module
 */

import type { Conn, PeerAddress, Transport } from "../../transports/mod.ts";
import { mseConnect } from "../wire/mse/initiator.ts";
import { type EncryptionPolicy, provideFor } from "../wire/mse/policy.ts";
import { staggeredDial } from "./staggered_dial.ts";

/** Options for {@link dialPeer}. */
export interface PeerDialOptions {
  /** Transports in order of preference. */
  transports: readonly Transport[];
  /** How long each transport dials alone before the next joins in, in ms. */
  headStartMs: number;
  /** When to use MSE. */
  encryption: EncryptionPolicy;
  /** The torrent's 20-byte info hash (MSE's SKEY). */
  infoHash: Uint8Array;
  /** Longest MSE handshake, in ms. */
  timeoutMs: number;
  /** Gives up. */
  signal?: AbortSignal;
}

/**
 * Connects to a peer, ready for the BitTorrent handshake.
 *
 * @param address The peer.
 * @param options Transports, policy, info hash, timeout, signal.
 * @returns The connection (an MSE one when the handshake succeeded).
 * @throws {Error} When no transport connects; the MSE failure under
 *   `require`, or the plain redial's under `prefer`; the signal's reason.
 */
export async function dialPeer(address: PeerAddress, options: PeerDialOptions): Promise<Conn> {
  const { transports, signal } = options;
  const conn = await staggeredDial(transports, address, {
    headStartMs: options.headStartMs,
    ...(signal ? { signal } : {}),
  });
  const provide = provideFor(options.encryption);
  if (provide === 0) return conn;
  try {
    return await mseConnect(conn, {
      infoHash: options.infoHash,
      provide,
      timeoutMs: options.timeoutMs,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (options.encryption === "require" || signal?.aborted) throw error;
    // Most clients that do not speak MSE close at once on its first bytes: try plain.
    const transport = transports.find((t) => t.name === conn.transport) ?? transports[0]!;
    return await transport.dial(address, signal ? { signal } : {});
  }
}
