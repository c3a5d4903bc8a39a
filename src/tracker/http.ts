/**
 * The tracker's HTTP front end (BEP 3, BEP 23 compact peers, BEP 7
 * `peers6`, BEP 48 scrape): a `Request` in, a bencoded `Response` out.
 * Bad requests get a `failure reason`, never an exception.
 *
 * @module
 */

import { encodeCompactPeers } from "../discovery/_compact.ts";
import { ipBytes } from "../discovery/_ip.ts";
import { encodeBencode } from "../metainfo/bencode_encode.ts";
import { bencodeKey } from "../metainfo/bencode_keys.ts";
import { binaryBytes, binaryString } from "../discovery/_binary.ts";
import type { SwarmTable } from "./swarms.ts";

/** Longest query string accepted (a scrape of many hashes fits). */
const MAX_QUERY = 16 * 1024;

/**
 * Answers `/announce` and `/scrape`; anything else is a 404.
 *
 * @param request The HTTP request.
 * @param remoteHost The address it came from (the peer's address in the swarm).
 * @param table The swarms.
 * @returns A bencoded reply.
 */
export function handleHttp(request: Request, remoteHost: string, table: SwarmTable): Response {
  const url = new URL(request.url);
  if (url.search.length > MAX_QUERY) return failure("query too long");
  const query = parseQuery(url.search.slice(1));
  if (url.pathname.endsWith("/announce")) return announce(query, remoteHost, table);
  if (url.pathname.endsWith("/scrape")) return scrape(query, table);
  return new Response("not found\n", { status: 404 });
}

function announce(query: Map<string, Uint8Array[]>, host: string, table: SwarmTable): Response {
  const infoHash = query.get("info_hash")?.[0];
  const peerId = query.get("peer_id")?.[0];
  const port = numberOf(query, "port");
  if (infoHash?.length !== 20) return failure("info_hash must be 20 bytes");
  if (peerId?.length !== 20) return failure("peer_id must be 20 bytes");
  if (port === null || port < 0 || port > 65535) return failure("port is missing or out of range");
  if (ipBytes(host) === null) return failure("unknown peer address");
  const left = numberOf(query, "left") ?? 0;
  const numWant = numberOf(query, "numwant");
  const event = text(query.get("event")?.[0]);
  let answer;
  try {
    answer = table.announce({
      infoHash: binaryString(infoHash),
      peer: { id: binaryString(peerId), host, port, left },
      ...(event ? { event } : {}),
      ...(numWant === null ? {} : { numWant }),
    });
  } catch (error) {
    return failure((error as Error).message);
  }
  const peers = answer.peers.filter((p) => p.host !== null && p.port > 0)
    .map((p) => ({ host: p.host!, port: p.port, id: p.id }));
  const compact = text(query.get("compact")?.[0]) !== "0";
  return bencoded({
    interval: table.limits.intervalSeconds,
    "min interval": Math.floor(table.limits.intervalSeconds / 2),
    complete: answer.counts.complete,
    incomplete: answer.counts.incomplete,
    ...(compact ? { peers: encodeCompactPeers(peers, 4), peers6: encodeCompactPeers(peers, 6) } : {
      peers: peers.map((p) => ({ ip: p.host, port: p.port, "peer id": binaryBytes(p.id)! })),
    }),
  });
}

function scrape(query: Map<string, Uint8Array[]>, table: SwarmTable): Response {
  const files: Record<string, unknown> = {};
  for (const hash of query.get("info_hash") ?? []) {
    if (hash.length !== 20) return failure("info_hash must be 20 bytes");
    files[bencodeKey(hash)] = table.counts(binaryString(hash));
  }
  return bencoded({ files });
}

/** Splits a query string into raw byte values, percent escapes decoded byte by byte. */
function parseQuery(search: string): Map<string, Uint8Array[]> {
  const result = new Map<string, Uint8Array[]>();
  for (const pair of search.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = text(percentDecode(eq < 0 ? pair : pair.slice(0, eq)));
    const value = percentDecode(eq < 0 ? "" : pair.slice(eq + 1));
    if (key === undefined) continue;
    result.set(key, [...result.get(key) ?? [], value]);
  }
  return result;
}

function percentDecode(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "%" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === "+") bytes.push(0x20);
    else bytes.push(...new TextEncoder().encode(c));
  }
  return Uint8Array.from(bytes);
}

function text(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

function numberOf(query: Map<string, Uint8Array[]>, key: string): number | null {
  const value = text(query.get(key)?.[0]);
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : null;
}

function bencoded(value: Record<string, unknown>): Response {
  return new Response(encodeBencode(value) as Uint8Array<ArrayBuffer>, {
    headers: { "content-type": "text/plain" },
  });
}

function failure(reason: string): Response {
  return bencoded({ "failure reason": reason });
}
