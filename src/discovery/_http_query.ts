/**
 * Announce and scrape query strings: raw bytes percent-encoded byte by byte,
 * everything but RFC 3986 unreserved characters escaped.
 *
 * @module
 */

import type { AnnounceRequest } from "./types.ts";

const UNRESERVED = new Set(
  Array.from(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~",
    (c) => c.charCodeAt(0),
  ),
);

/** Percent-encodes raw bytes (an info hash, a peer id) for a query string. */
export function percentEncodeBytes(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    out += UNRESERVED.has(b)
      ? String.fromCharCode(b)
      : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The query of an HTTP announce (BEP 3, with BEP 23 `compact=1` and BEP 7 `ipv6`). */
export function announceQuery(request: AnnounceRequest): string {
  const params = [
    `info_hash=${percentEncodeBytes(request.infoHash)}`,
    `peer_id=${percentEncodeBytes(request.peerId)}`,
    `port=${request.port}`,
    `uploaded=${request.uploaded}`,
    `downloaded=${request.downloaded}`,
    `left=${request.left}`,
    "compact=1",
  ];
  if (request.event !== undefined) params.push(`event=${request.event}`);
  if (request.numWant !== undefined) params.push(`numwant=${request.numWant}`);
  if (request.key !== undefined) params.push(`key=${request.key.toString(16).padStart(8, "0")}`);
  if (request.trackerId !== undefined) {
    params.push(`trackerid=${encodeURIComponent(request.trackerId)}`);
  }
  if (request.ipv6 !== undefined) params.push(`ipv6=${encodeURIComponent(request.ipv6)}`);
  return params.join("&");
}

/**
 * Appends a query to a URL that may already have one (a passkey, say); drops
 * any fragment.
 *
 * @throws {TypeError} When `url` is not a URL.
 */
export function withQuery(url: string, query: string): string {
  const parsed = new URL(url);
  const existing = parsed.search.slice(1);
  parsed.search = existing === "" ? query : `${existing}&${query}`;
  parsed.hash = "";
  return parsed.href;
}
