/**
 * uTP (BEP 29), the micro transport protocol: reliable, ordered streams
 * over UDP with LEDBAT congestion control, which yields to other traffic.
 * Pure TypeScript over the library's `UdpSocket` (`Deno.listenDatagram`
 * under Deno, `node:dgram` under Node), so it runs wherever UDP does.
 *
 * Give it the client's UDP socket to share one port with TCP, UDP trackers
 * and the DHT; without one it binds its own: one per `listen()`, and for
 * dials the listening socket of the same address family, or else one bound
 * on first use and closed when its last connection ends.
 *
 * @example
 * ```ts
 * import { utpTransport } from "./mod.ts";
 * const utp = utpTransport();
 * const listener = await utp.listen({ host: "127.0.0.1" });
 * const dialled = await utp.dial(listener.address);
 * for await (const accepted of listener) {
 *   await dialled.writable.getWriter().write(new Uint8Array([42]));
 *   const { value } = await accepted.readable.getReader().read();
 *   console.assert(value?.[0] === 42);
 *   accepted.close();
 *   break;
 * }
 * listener.close();
 * await dialled.closed;
 * ```
 *
 * @module
 */

import { bindUdp, type UdpSocket } from "../../src/net/udp.ts";
import {
  type Conn,
  type DialOptions,
  formatAddress,
  type Listener,
  type ListenOptions,
  type PeerAddress,
  type Transport,
} from "../mod.ts";
import { UtpEndpoint } from "./endpoint.ts";

export { UtpEndpoint } from "./endpoint.ts";

/**
 * Options for {@link utpTransport}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { bindUdp } from "../../src/net/udp.ts";
 * import { utpTransport, type UtpTransportOptions } from "./mod.ts";
 *
 * const socket = await bindUdp({ host: "127.0.0.1", port: 0 });
 * const options: UtpTransportOptions = { socket }; // shared, as the client shares its socket
 * const listener = await utpTransport(options).listen();
 * strictEqual(listener.address.port, socket.localAddress.port);
 * listener.close();
 * socket.close(); // the transport never closes a socket it was given
 * ```
 */
export interface UtpTransportOptions {
  /**
   * A bound UDP socket to run on (the client's, shared with UDP trackers and
   * the DHT). `listen()` then accepts on its port, whatever it is asked,
   * every dial goes out from it, and the transport never closes it.
   */
  socket?: UdpSocket;
  /** Binds a socket when none is given; default `bindUdp` for this runtime. */
  bind?: (options: { host: string; port: number }) => Promise<UdpSocket>;
}

/**
 * The uTP transport.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { utpTransport } from "./mod.ts";
 *
 * const utp = utpTransport();
 * const listener = await utp.listen({ host: "127.0.0.1", port: 0 });
 * const dialled = await utp.dial(listener.address);
 * for await (const accepted of listener) {
 *   await dialled.writable.getWriter().write(new Uint8Array([42]));
 *   deepStrictEqual((await accepted.readable.getReader().read()).value, new Uint8Array([42]));
 *   accepted.close();
 *   break;
 * }
 * listener.close();
 * await dialled.closed;
 * ```
 *
 * @param options A shared socket, or how to bind one.
 * @returns A transport named `utp`.
 */
export function utpTransport(options: UtpTransportOptions = {}): Transport {
  const bind = options.bind ?? bindUdp;
  const listening = new Set<UtpEndpoint>();
  const dialling = new Map<string, Promise<UtpEndpoint>>();

  /** An endpoint on a socket this transport bound, closed again once idle. */
  async function owned(host: string, port: number, onIdle: () => void): Promise<UtpEndpoint> {
    const socket = await bind({ host, port });
    return UtpEndpoint.of(socket, () => {
      onIdle();
      socket.close();
    });
  }

  async function dialFrom(address: PeerAddress): Promise<UtpEndpoint> {
    if (options.socket) return UtpEndpoint.of(options.socket);
    const v6 = address.host.includes(":");
    for (const endpoint of listening) {
      if (endpoint.socket.localAddress.host.includes(":") === v6) return endpoint;
    }
    const family = v6 ? "::" : "0.0.0.0";
    let endpoint = dialling.get(family);
    if (!endpoint) {
      endpoint = owned(family, 0, () => dialling.delete(family));
      dialling.set(family, endpoint);
      endpoint.catch(() => dialling.delete(family));
    }
    return await endpoint;
  }

  return {
    name: "utp",
    async dial(address: PeerAddress, dialOptions: DialOptions = {}): Promise<Conn> {
      dialOptions.signal?.throwIfAborted();
      const endpoint = await dialFrom(address);
      try {
        return await endpoint.dial(address, dialOptions.signal);
      } catch (error) {
        if (dialOptions.signal?.aborted) throw error;
        throw new Error(
          `Cannot dial ${formatAddress(address)} over uTP: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    },
    async listen(listenOptions: ListenOptions = {}): Promise<Listener> {
      if (options.socket) return UtpEndpoint.of(options.socket).listen();
      const host = listenOptions.host ?? "0.0.0.0";
      const port = listenOptions.port ?? 0;
      let endpoint: UtpEndpoint;
      try {
        endpoint = await owned(host, port, () => listening.delete(endpoint));
      } catch (error) {
        throw new Error(
          `Cannot listen on ${formatAddress({ host, port })}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      const listener = endpoint.listen();
      listening.add(endpoint);
      const close = listener.close.bind(listener);
      listener.close = () => {
        listening.delete(endpoint);
        close();
      };
      return listener;
    },
  };
}
