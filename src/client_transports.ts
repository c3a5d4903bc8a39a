/**
 * The transports of a client, from names or objects: TCP listens on the
 * client's port, uTP on the UDP socket bound to the same port number (shared
 * with UDP trackers and the DHT), and dials go out in the order given, so
 * `["utp", "tcp"]` (the default outside browsers) tries uTP first and falls
 * back to TCP, one connection per peer, as libtorrent does.
 *
 * @module
 */

import { tcpTransport } from "../transports/tcp.ts";
import type { Listener, Transport } from "../transports/mod.ts";
import { UtpEndpoint, utpTransport } from "../transports/utp/mod.ts";
import { bindUdp, type UdpSocket } from "./net/udp.ts";
import { runtime } from "./runtime.ts";

/**
 * A transport by name (`"tcp"`, `"utp"`), or one of your own that dials and listens itself.
 *
 * @example
 * ```ts
 * import { notStrictEqual } from "node:assert/strict";
 * import { tcpTransport } from "../transports/tcp.ts";
 * import { Client } from "./client.ts";
 * import type { TransportChoice } from "./client_transports.ts";
 *
 * // uTP by name, then TCP as an object: your own transport goes in the same way.
 * const transports: TransportChoice[] = ["utp", tcpTransport()];
 * const client = await Client.create({ host: "127.0.0.1", port: 0, transports });
 * notStrictEqual(client.port, 0); // the object listens on the client's port
 * await client.close();
 * ```
 */
export type TransportChoice = "tcp" | "utp" | Transport;

/** The transports a client uses when given none: uTP then TCP, or none in a browser. */
export function defaultTransports(): TransportChoice[] {
  return runtime === "browser" ? [] : ["utp", "tcp"];
}

/** What {@link openTransports} sets up. */
export interface OpenTransports {
  /** Transports to dial with, in order of preference. */
  dialers: Transport[];
  /** Where peers reach us: the first stream transport's, then uTP's. */
  listeners: Listener[];
  /** The client's UDP socket, or null where there is no UDP. */
  udp: UdpSocket | null;
}

/** Tries for a port free for both TCP and UDP when any port will do. */
const PORT_TRIES = 8;

/**
 * Opens a client's transports.
 *
 * @param choices Names or transports, in order of preference for dialling.
 * @param options Where to listen, and whether to.
 * @returns Dialers, listeners and the UDP socket.
 * @throws {Error} When the port cannot be bound.
 */
export async function openTransports(
  choices: readonly TransportChoice[],
  options: { host?: string; port: number; listen: boolean },
): Promise<OpenTransports> {
  if (runtime === "browser") {
    // A page can neither listen nor use UDP: its peers come through WebRTC signalling.
    return { dialers: choices.filter((c) => typeof c !== "string"), listeners: [], udp: null };
  }
  const tcp = tcpTransport();
  const stream = choices.map((c) => c === "tcp" ? tcp : c).find((c) => c !== "utp");
  const wantUtp = choices.includes("utp");
  const host = options.host ?? "0.0.0.0";
  for (let attempt = 1;; attempt++) {
    const listener = options.listen && stream
      ? await stream.listen({ ...(options.host === undefined ? {} : { host }), port: options.port })
      : null;
    const port = listener?.address.port ?? (options.listen ? options.port : 0);
    let udp = await bindUdp({ host, port }).catch(() => null);
    if (!udp && wantUtp && options.listen && options.port === 0 && attempt < PORT_TRIES) {
      listener?.close(); // Taken for UDP: try another port for both.
      continue;
    }
    udp ??= await bindUdp({ host, port: 0 }).catch(() => null);
    const listeners = listener ? [listener] : [];
    const utp = udp && wantUtp ? utpTransport({ socket: udp }) : null;
    if (utp && options.listen) listeners.push(await utp.listen());
    // Without uTP, SYNs are still answered (with a RESET), so a dialler falls back to TCP at once.
    if (udp && !utp) UtpEndpoint.of(udp);
    const dialers = choices.flatMap((c) =>
      c === "tcp" ? [tcp] : c === "utp" ? (utp ? [utp] : []) : [c]
    );
    return { dialers, listeners, udp };
  }
}
