/**
 * A UDP relay of ours on loopback that spoils traffic both ways: it drops,
 * duplicates and reorders packets at given rates, from a seeded generator
 * (the same decisions every run). One client at a time: it sends to the
 * relay's address, and the relay forwards from a socket of its own to the
 * target, and the target's answers back to the client.
 *
 * @module
 */

import { bindUdp, type UdpSocket } from "../../src/net/udp.ts";
import type { PeerAddress } from "../../transports/mod.ts";

/** How badly the relay treats packets; each a probability per packet. */
export interface Impairment {
  /** Packets dropped. */
  drop: number;
  /** Packets sent twice. */
  duplicate: number;
  /** Packets held back and sent after the next one (or after 5 ms). */
  reorder: number;
  /** Seeds the generator. */
  seed?: number;
}

/** What the relay did, per direction summed. */
export interface RelayCounts {
  forwarded: number;
  dropped: number;
  duplicated: number;
  reordered: number;
}

/** A running relay. */
export interface LossyRelay {
  /** Where clients send. */
  readonly address: PeerAddress;
  /** What it did so far. */
  readonly counts: RelayCounts;
  /** Stops it. */
  close(): void;
}

const HOLD_MS = 5;

/**
 * Starts a relay to `target` on 127.0.0.1.
 *
 * @param target Where packets from the client go.
 * @param impairment Rates of drops, duplicates and reordering.
 * @returns The relay.
 */
export async function startLossyRelay(
  target: PeerAddress,
  impairment: Impairment,
): Promise<LossyRelay> {
  const front = await bindUdp({ host: "127.0.0.1" });
  const back = await bindUdp({ host: "127.0.0.1" });
  const counts: RelayCounts = { forwarded: 0, dropped: 0, duplicated: 0, reordered: 0 };
  let x = (impairment.seed ?? 0x1e55) >>> 0 || 1;
  const random = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  let client: PeerAddress | null = null;
  const lane = (out: UdpSocket, to: () => PeerAddress | null) => {
    let held: Uint8Array | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const send = (bytes: Uint8Array) => {
      const address = to();
      if (address) out.send(bytes, address).catch(() => {});
    };
    const release = () => {
      clearTimeout(timer);
      if (held) send(held);
      held = null;
    };
    return (bytes: Uint8Array) => {
      const r = random();
      if (r < impairment.drop) {
        counts.dropped++;
        return;
      }
      counts.forwarded++;
      if (r < impairment.drop + impairment.reorder && !held) {
        counts.reordered++;
        held = bytes;
        timer = setTimeout(release, HOLD_MS);
        return;
      }
      send(bytes);
      if (r < impairment.drop + impairment.reorder + impairment.duplicate) {
        counts.duplicated++;
        send(bytes);
      }
      release();
    };
  };
  const toTarget = lane(back, () => target);
  const toClient = lane(front, () => client);
  front.addHandler((bytes, from) => {
    client = from;
    toTarget(bytes);
    return true;
  });
  back.addHandler((bytes) => (toClient(bytes), true));
  return {
    address: front.localAddress,
    counts,
    close() {
      front.close();
      back.close();
    },
  };
}
