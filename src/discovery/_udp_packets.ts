/**
 * BEP 15 packets: requests built byte for byte, replies parsed with every
 * length checked (a short or odd reply gives `null`, never an exception).
 *
 * @module
 */

import { toHex } from "../bytes.ts";
import { parseCompactPeers } from "./_compact.ts";
import type {
  AnnounceEventName,
  AnnounceRequest,
  AnnounceResponse,
  ScrapeResponse,
} from "./types.ts";

/** The action codes. */
export const Action = { connect: 0, announce: 1, scrape: 2, error: 3 } as const;

/** The connect request's magic protocol id. */
export const PROTOCOL_ID = 0x41727101980n;

const EVENT_CODES: Record<AnnounceEventName, number> = { completed: 1, started: 2, stopped: 3 };

/** Most info hashes one scrape packet carries (BEP 15: "up to about 74"). */
export const MAX_SCRAPE_HASHES = 74;

/** A connect request (16 bytes). */
export function connectPacket(transactionId: number): Uint8Array {
  const packet = new Uint8Array(16);
  const view = new DataView(packet.buffer);
  view.setBigUint64(0, PROTOCOL_ID);
  view.setUint32(8, Action.connect);
  view.setUint32(12, transactionId);
  return packet;
}

/** An announce request (98 bytes). */
export function announcePacket(
  connectionId: Uint8Array,
  transactionId: number,
  request: AnnounceRequest,
): Uint8Array {
  const packet = new Uint8Array(98);
  const view = new DataView(packet.buffer);
  packet.set(connectionId, 0);
  view.setUint32(8, Action.announce);
  view.setUint32(12, transactionId);
  packet.set(request.infoHash, 16);
  packet.set(request.peerId, 36);
  view.setBigUint64(56, BigInt(request.downloaded));
  view.setBigUint64(64, BigInt(request.left));
  view.setBigUint64(72, BigInt(request.uploaded));
  view.setUint32(80, request.event === undefined ? 0 : EVENT_CODES[request.event]);
  view.setUint32(84, 0); // IP address: the sender's
  view.setUint32(88, request.key ?? 0);
  view.setInt32(92, request.numWant ?? -1);
  view.setUint16(96, request.port);
  return packet;
}

/** A scrape request for up to {@link MAX_SCRAPE_HASHES} info hashes. */
export function scrapePacket(
  connectionId: Uint8Array,
  transactionId: number,
  infoHashes: readonly Uint8Array[],
): Uint8Array {
  const packet = new Uint8Array(16 + 20 * infoHashes.length);
  const view = new DataView(packet.buffer);
  packet.set(connectionId, 0);
  view.setUint32(8, Action.scrape);
  view.setUint32(12, transactionId);
  infoHashes.forEach((hash, i) => packet.set(hash, 16 + 20 * i));
  return packet;
}

/** The action and transaction id every reply starts with, or `null` for fewer than 8 bytes. */
export function replyHeader(packet: Uint8Array): { action: number; transactionId: number } | null {
  if (packet.length < 8) return null;
  const view = viewOf(packet);
  return { action: view.getUint32(0), transactionId: view.getUint32(4) };
}

/** The 8-byte connection id of a connect reply, or `null` when it is short. */
export function parseConnectReply(packet: Uint8Array): Uint8Array | null {
  return packet.length < 16 ? null : packet.slice(8, 16);
}

/**
 * An announce reply: interval, leechers, seeders, then compact peers (18
 * bytes each when the tracker was reached over IPv6, else 6).
 *
 * @returns The answer, or `null` when it is short or ends inside a peer.
 */
export function parseAnnounceReply(packet: Uint8Array, family: 4 | 6): AnnounceResponse | null {
  if (packet.length < 20) return null;
  const peers = parseCompactPeers(packet.subarray(20), family);
  if (peers === null) return null;
  const view = viewOf(packet);
  return {
    interval: view.getUint32(8),
    minInterval: null,
    trackerId: null,
    incomplete: view.getUint32(12),
    complete: view.getUint32(16),
    peers,
    warning: null,
  };
}

/**
 * A scrape reply: seeders, completed and leechers for each hash asked, in
 * order.
 *
 * @returns Counts by hex info hash, or `null` when the reply is short.
 */
export function parseScrapeReply(
  packet: Uint8Array,
  infoHashes: readonly Uint8Array[],
): ScrapeResponse | null {
  if (packet.length < 8 + 12 * infoHashes.length) return null;
  const view = viewOf(packet);
  const result: ScrapeResponse = new Map();
  infoHashes.forEach((hash, i) => {
    const at = 8 + 12 * i;
    result.set(toHex(hash), {
      complete: view.getUint32(at),
      downloaded: view.getUint32(at + 4),
      incomplete: view.getUint32(at + 8),
    });
  });
  return result;
}

/** The message of an error reply. */
export function errorMessage(packet: Uint8Array): Uint8Array {
  return packet.subarray(8);
}

function viewOf(packet: Uint8Array): DataView {
  return new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
}
