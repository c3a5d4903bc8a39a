/**
 * Compact peer lists (BEP 23 for IPv4, BEP 7 for IPv6), both ways: each peer is its
 * address bytes then a big-endian port.
 *
 * @module
 */

import type { PeerAddress } from "../../transports/mod.ts";
import { formatIPv4, formatIPv6, ipBytes } from "./_ip.ts";

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

/**
 * Encodes peers as a compact list of one family; peers of the other family
 * and host names are left out.
 *
 * @param peers Peers with IP literal hosts.
 * @param family 4 (6 bytes a peer) or 6 (18 bytes a peer).
 * @returns The compact bytes.
 */
export function encodeCompactPeers(peers: readonly PeerAddress[], family: 4 | 6): Uint8Array {
  const size = family === 4 ? 6 : 18;
  const chosen = peers.flatMap((peer) => {
    const ip = ipBytes(peer.host);
    return ip && ip.length === size - 2 ? [{ ip, port: peer.port }] : [];
  });
  const bytes = new Uint8Array(chosen.length * size);
  chosen.forEach(({ ip, port }, i) => {
    bytes.set(ip, i * size);
    bytes[i * size + size - 2] = port >> 8;
    bytes[i * size + size - 1] = port & 0xff;
  });
  return bytes;
}
