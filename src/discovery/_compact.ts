/**
 * Compact peer lists (BEP 23 for IPv4, BEP 7 for IPv6): each peer is its
 * address bytes then a big-endian port.
 *
 * @module
 */

import type { PeerAddress } from "../../transports/mod.ts";
import { formatIPv4, formatIPv6 } from "./_ip.ts";

/**
 * Decodes a compact peer list; peers with port 0 (not dialable) are left out.
 *
 * @param bytes 6 bytes per IPv4 peer, or 18 per IPv6 peer.
 * @param family 4 or 6.
 * @returns The peers, or `null` when the length is not a whole number of peers.
 */
export function parseCompactPeers(bytes: Uint8Array, family: 4 | 6): PeerAddress[] | null {
  const ipLength = family === 4 ? 4 : 16;
  const size = ipLength + 2;
  if (bytes.length % size !== 0) return null;
  const peers: PeerAddress[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    const port = (bytes[at + ipLength]! << 8) | bytes[at + ipLength + 1]!;
    if (port === 0) continue;
    const ip = bytes.subarray(at, at + ipLength);
    peers.push({ host: family === 4 ? formatIPv4(ip) : formatIPv6(ip), port });
  }
  return peers;
}
