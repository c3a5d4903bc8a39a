/**
 * The tracker's UDP front end (BEP 15) on a shared {@link UdpSocket}:
 * connect, announce and scrape, with connection ids that expire after two
 * minutes. Short, unknown or unconnected packets get an error reply or
 * nothing; none throws.
 *
 * @module
 */

import { concatBytes } from "../bytes.ts";
import { encodeCompactPeers } from "../discovery/_compact.ts";
import { Action, MAX_SCRAPE_HASHES, PROTOCOL_ID } from "../discovery/_udp_packets.ts";
import type { PeerAddress, UdpSocket } from "../net/udp.ts";
import { binaryString } from "../discovery/_binary.ts";
import type { SwarmTable } from "./swarms.ts";

const CONNECTION_TTL_MS = 120_000;
/** Most connection ids remembered; the oldest are forgotten beyond it. */
const MAX_CONNECTIONS = 100_000;
const EVENTS = ["", "completed", "started", "stopped"] as const;

/**
 * Serves BEP 15 on a socket until the returned function is called.
 *
 * @param socket A bound UDP socket (it may be shared with other handlers).
 * @param table The swarms.
 * @param now The clock in ms.
 * @returns A function that stops serving (the socket stays open).
 */
export function serveUdp(
  socket: UdpSocket,
  table: SwarmTable,
  now: () => number = Date.now,
): () => void {
  /** Connection ids (as binary strings) to when they were issued. */
  const connections = new Map<string, number>();
  return socket.addHandler((bytes, from) => {
    if (bytes.length < 16) return false;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const action = view.getUint32(8);
    const transactionId = view.getUint32(12);
    const reply = (packet: Uint8Array) => void socket.send(packet, from).catch(() => {});
    if (action === Action.connect) {
      if (view.getBigUint64(0) !== PROTOCOL_ID) return false;
      const id = crypto.getRandomValues(new Uint8Array(8));
      connections.set(binaryString(id), now());
      if (connections.size > MAX_CONNECTIONS) {
        connections.delete(connections.keys().next().value!);
      }
      reply(header(Action.connect, transactionId, id));
      return true;
    }
    if (action !== Action.announce && action !== Action.scrape) return false;
    const issued = connections.get(binaryString(bytes.subarray(0, 8)));
    if (issued === undefined || now() - issued > CONNECTION_TTL_MS) {
      reply(error(transactionId, "unknown or expired connection id"));
      return true;
    }
    reply(
      action === Action.announce
        ? announce(bytes, view, transactionId, from, table)
        : scrape(bytes, transactionId, table),
    );
    return true;
  });
}

function announce(
  bytes: Uint8Array,
  view: DataView,
  transactionId: number,
  from: PeerAddress,
  table: SwarmTable,
): Uint8Array {
  if (bytes.length < 98) return error(transactionId, "announce packet too short");
  const event = EVENTS[view.getUint32(80)];
  const numWant = view.getInt32(92);
  let answer;
  try {
    answer = table.announce({
      infoHash: binaryString(bytes.subarray(16, 36)),
      peer: {
        id: binaryString(bytes.subarray(36, 56)),
        host: from.host,
        port: view.getUint16(96),
        left: Number(view.getBigUint64(64)),
      },
      ...(event ? { event } : {}),
      ...(numWant >= 0 ? { numWant } : {}),
    });
  } catch (cause) {
    return error(transactionId, (cause as Error).message);
  }
  const family = from.host.includes(":") ? 6 : 4;
  const peers = answer.peers.filter((p) => p.host !== null && p.port > 0)
    .map((p) => ({ host: p.host!, port: p.port }));
  const counts = new Uint8Array(12);
  const countsView = new DataView(counts.buffer);
  countsView.setUint32(0, table.limits.intervalSeconds);
  countsView.setUint32(4, answer.counts.incomplete);
  countsView.setUint32(8, answer.counts.complete);
  return header(Action.announce, transactionId, counts, encodeCompactPeers(peers, family));
}

function scrape(bytes: Uint8Array, transactionId: number, table: SwarmTable): Uint8Array {
  const count = Math.min(Math.floor((bytes.length - 16) / 20), MAX_SCRAPE_HASHES);
  const body = new Uint8Array(12 * count);
  const view = new DataView(body.buffer);
  for (let i = 0; i < count; i++) {
    const counts = table.counts(binaryString(bytes.subarray(16 + 20 * i, 36 + 20 * i)));
    view.setUint32(12 * i, counts.complete);
    view.setUint32(12 * i + 4, counts.downloaded);
    view.setUint32(12 * i + 8, counts.incomplete);
  }
  return header(Action.scrape, transactionId, body);
}

function error(transactionId: number, message: string): Uint8Array {
  return header(Action.error, transactionId, new TextEncoder().encode(message));
}

function header(action: number, transactionId: number, ...parts: Uint8Array[]): Uint8Array {
  const head = new Uint8Array(8);
  const view = new DataView(head.buffer);
  view.setUint32(0, action);
  view.setUint32(4, transactionId);
  return concatBytes([head, ...parts]);
}
