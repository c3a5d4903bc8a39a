/**
 * A scripted UDP tracker for tests: it records every packet and answers as
 * the test's script says, with helpers to build BEP 15 replies.
 *
 * @module
 */

import type { PeerAddress } from "../../transports/mod.ts";
import { bindUdp, type UdpSocket } from "../../src/net/udp.ts";

/** One packet the tracker received, with the fields every request has. */
export interface Received {
  bytes: Uint8Array;
  from: PeerAddress;
  /** Milliseconds since the tracker started. */
  at: number;
  /** The first 8 bytes: the protocol id (connect) or the connection id. */
  head: Uint8Array;
  action: number;
  transactionId: number;
}

/** Decides the answer to a packet: bytes to send back, or `null` for silence. */
export type Script = (packet: Received, tracker: ScriptedUdp) => Uint8Array | null;

/** A running scripted UDP tracker. */
export interface ScriptedUdp {
  /** The tracker's socket. */
  readonly socket: UdpSocket;
  /** Its URL, `udp://HOST:PORT`. */
  readonly url: string;
  /** Every packet received, in order. */
  readonly received: Received[];
  /** Packets received with this action. */
  of(action: number): Received[];
  /** Changes the script. */
  script: Script;
  close(): void;
}

/** The connection id a well-behaved scripted tracker hands out. */
export const CONNECTION_ID = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

/**
 * Starts a scripted tracker on `host` (default 127.0.0.1); by default it
 * behaves ({@link wellBehaved}).
 */
export async function scriptedUdp(
  script: Script = wellBehaved(),
  host = "127.0.0.1",
): Promise<ScriptedUdp> {
  const socket = await bindUdp({ host });
  const started = Date.now();
  const received: Received[] = [];
  const tracker: ScriptedUdp = {
    socket,
    url: `udp://${host.includes(":") ? `[${host}]` : host}:${socket.localAddress.port}`,
    received,
    of: (action) => received.filter((r) => r.action === action),
    script,
    close: () => socket.close(),
  };
  socket.addHandler((bytes, from) => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const packet: Received = {
      bytes,
      from,
      at: Date.now() - started,
      head: bytes.slice(0, 8),
      action: bytes.length >= 12 ? view.getUint32(8) : -1,
      transactionId: bytes.length >= 16 ? view.getUint32(12) : -1,
    };
    received.push(packet);
    const answer = tracker.script(packet, tracker);
    if (answer !== null) void socket.send(answer, from);
    return true;
  });
  return tracker;
}

/** Builds a reply: action, transaction id, then 32-bit words, then raw bytes. */
export function reply(
  action: number,
  transactionId: number,
  words: number[] = [],
  tail: Uint8Array = new Uint8Array(),
): Uint8Array {
  const out = new Uint8Array(8 + 4 * words.length + tail.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, action);
  view.setUint32(4, transactionId);
  words.forEach((w, i) => view.setUint32(8 + 4 * i, w));
  out.set(tail, 8 + 4 * words.length);
  return out;
}

/** A connect reply carrying `id`. */
export function connectReply(transactionId: number, id = CONNECTION_ID): Uint8Array {
  return reply(0, transactionId, [], id);
}

/** An error reply. */
export function errorReply(transactionId: number, message: string): Uint8Array {
  return reply(3, transactionId, [], new TextEncoder().encode(message));
}

/** Compact peers: 4 or 16 address bytes then the port, for each. */
export function compact(peers: [number[], number][]): Uint8Array {
  const out: number[] = [];
  for (const [ip, port] of peers) out.push(...ip, port >> 8, port & 0xff);
  return Uint8Array.from(out);
}

/**
 * A tracker that answers connects with {@link CONNECTION_ID}, announces with
 * interval 1800, 3 leechers, 2 seeders and `peers`, and scrapes with
 * (seeders 5, completed 6, leechers 7) per hash.
 */
export function wellBehaved(
  peers: Uint8Array = compact([[[127, 0, 0, 1], 6881], [[127, 0, 0, 2], 6882]]),
): Script {
  return (packet) => {
    switch (packet.action) {
      case 0:
        return connectReply(packet.transactionId);
      case 1:
        return reply(1, packet.transactionId, [1800, 3, 2], peers);
      case 2: {
        const hashes = (packet.bytes.length - 16) / 20;
        return reply(
          2,
          packet.transactionId,
          Array.from({ length: hashes }, () => [5, 6, 7]).flat(),
        );
      }
      default:
        return null;
    }
  };
}
