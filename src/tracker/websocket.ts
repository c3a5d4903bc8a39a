/**
 * The tracker's WebSocket front end: signalling as WebTorrent peers and
 * `bittorrent-tracker` speak it. A peer announces JSON with `offers`
 * (`{offer_id, offer}`); the tracker hands each offer to another peer of the
 * swarm, whose `answer` (with `to_peer_id` and `offer_id`) goes back the same
 * way. Ids and hashes are 20-char binary strings. Malformed messages get a
 * `failure reason`; oversized ones close the socket.
 *
 * @module
 */

import { binaryBytes } from "../discovery/_binary.ts";
import type { SwarmTable } from "./swarms.ts";

/** Longest message accepted (ten offers of a few KiB of SDP each fit easily). */
const MAX_MESSAGE = 256 * 1024;
/** Most offers relayed from one announce. */
const MAX_OFFERS = 20;

/** What a socket carries: the WHATWG `WebSocket` surface the tracker uses. */
export interface SignalSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  addEventListener(type: "close" | "error", listener: () => void): void;
  readonly readyState: number;
}

/**
 * Serves one WebSocket until it closes; the peers it announced leave their
 * swarms then.
 *
 * @param socket An accepted WebSocket.
 * @param table The swarms.
 */
export function serveWebSocket(socket: SignalSocket, table: SwarmTable): void {
  /** The swarms this socket joined, with the peer id it used in each. */
  const joined = new Map<string, string>();
  const send = (message: unknown) => {
    if (socket.readyState === 1) socket.send(JSON.stringify(message));
  };
  socket.addEventListener("message", (event: MessageEvent) => {
    if (typeof event.data !== "string" || event.data.length > MAX_MESSAGE) {
      socket.close(1009, "message too big or not text");
      return;
    }
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(event.data);
      if (typeof message !== "object" || message === null) throw new TypeError();
    } catch {
      return send({ "failure reason": "invalid JSON" });
    }
    if (message.action === "announce") announce(message);
    else if (message.action === "scrape") scrape(message);
    else send({ "failure reason": "unknown action" });
  });
  const leaveAll = () => {
    for (const [infoHash, id] of joined) {
      if (table.peer(infoHash, id)?.signal === signal) table.leave(infoHash, id);
    }
    joined.clear();
  };
  socket.addEventListener("close", leaveAll);
  socket.addEventListener("error", leaveAll);
  const signal = (text: string) => {
    if (socket.readyState === 1) socket.send(text);
  };

  function announce(message: Record<string, unknown>): void {
    const infoHash = id20(message.info_hash);
    const peerId = id20(message.peer_id);
    if (infoHash === null || peerId === null) {
      return send({ action: "announce", "failure reason": "info_hash and peer_id: 20 bytes" });
    }
    if (typeof message.answer === "object" && message.answer !== null) {
      const to = id20(message.to_peer_id);
      const target = to === null ? undefined : table.peer(infoHash, to);
      target?.signal?.(JSON.stringify({
        action: "announce",
        answer: message.answer,
        offer_id: message.offer_id,
        peer_id: peerId,
        info_hash: infoHash,
      }));
      return;
    }
    const event = typeof message.event === "string" ? message.event : undefined;
    const left = typeof message.left === "number" && message.left >= 0 ? message.left : 1;
    let counts;
    try {
      counts = table.announce({
        infoHash,
        peer: { id: peerId, host: null, port: 0, left, signal },
        ...(event ? { event } : {}),
        numWant: 0,
      }).counts;
    } catch (error) {
      return send({ action: "announce", "failure reason": (error as Error).message });
    }
    if (event === "stopped") joined.delete(infoHash);
    else joined.set(infoHash, peerId);
    send({
      action: "announce",
      interval: table.limits.intervalSeconds,
      info_hash: infoHash,
      complete: counts.complete,
      incomplete: counts.incomplete,
    });
    const offers = Array.isArray(message.offers) ? message.offers.slice(0, MAX_OFFERS) : [];
    const targets = table.signallable(infoHash, peerId, offers.length);
    targets.forEach((target, i) => {
      const offer = offers[i] as { offer?: unknown; offer_id?: unknown } | null;
      if (typeof offer !== "object" || offer === null) return;
      target.signal!(JSON.stringify({
        action: "announce",
        offer: offer.offer,
        offer_id: offer.offer_id,
        peer_id: peerId,
        info_hash: infoHash,
      }));
    });
  }

  function scrape(message: Record<string, unknown>): void {
    const hashes = Array.isArray(message.info_hash) ? message.info_hash : [message.info_hash];
    const files: Record<string, unknown> = {};
    for (const hash of hashes.slice(0, 100)) {
      const id = id20(hash);
      if (id !== null) files[id] = table.counts(id);
    }
    send({ action: "scrape", files });
  }
}

/** A 20-byte binary string, or `null`. */
function id20(value: unknown): string | null {
  return typeof value === "string" && value.length === 20 && binaryBytes(value) !== null
    ? value
    : null;
}
