/**
 * A tracker server: HTTP announce and scrape, UDP (BEP 15) and WebSocket
 * signalling on one port, over one {@link SwarmTable}. Runs under Deno
 * (`Deno.serve` for HTTP and WebSocket, the runtime's UDP socket).
 *
 * @example
 * ```ts ignore
 * import { startTracker } from "./server.ts";
 * const tracker = await startTracker({ host: "127.0.0.1", port: 0 });
 * console.log(tracker.httpUrl, tracker.udpUrl, tracker.wsUrl);
 * await tracker.close();
 * ```
 *
 * @module
 */

import { formatAddress } from "../../transports/mod.ts";
import { bindUdp, type UdpSocket } from "../net/udp.ts";
import { runtime } from "../runtime.ts";
import { handleHttp } from "./http.ts";
import { type SwarmLimits, SwarmTable } from "./swarms.ts";
import { serveUdp } from "./udp.ts";
import { serveWebSocket } from "./websocket.ts";

/**
 * Options for {@link startTracker}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { startTracker, type TrackerOptions } from "./server.ts";
 *
 * const options: TrackerOptions = { host: "127.0.0.1", port: 0, limits: { intervalSeconds: 60 } };
 * const tracker = await startTracker(options);
 * strictEqual(tracker.table.limits.intervalSeconds, 60);
 * await tracker.close();
 * ```
 */
export interface TrackerOptions {
  /** Address to bind; default all interfaces. Tests use `127.0.0.1`. */
  host?: string;
  /** Port for HTTP, WebSocket and UDP; 0 or absent picks a free one. */
  port?: number;
  /** Bounds and timings of the swarms. */
  limits?: Partial<SwarmLimits>;
}

/**
 * A running tracker.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { startTracker, type TrackerServer } from "./server.ts";
 *
 * const tracker: TrackerServer = await startTracker({ host: "127.0.0.1", port: 0 });
 * strictEqual(tracker.httpUrl, `http://127.0.0.1:${tracker.port}/announce`);
 * strictEqual(tracker.udpUrl, `udp://127.0.0.1:${tracker.port}`); // the same port number
 * strictEqual(tracker.wsUrl, `ws://127.0.0.1:${tracker.port}`);
 * strictEqual(tracker.table.size, 0); // no swarms yet
 * await tracker.close();
 * ```
 */
export interface TrackerServer {
  /** The swarms it holds. */
  readonly table: SwarmTable;
  /** The bound port (HTTP, WebSocket and UDP). */
  readonly port: number;
  /** `http://HOST:PORT/announce`. */
  readonly httpUrl: string;
  /** `udp://HOST:PORT`. */
  readonly udpUrl: string;
  /** `ws://HOST:PORT`. */
  readonly wsUrl: string;
  /** Stops serving and frees the port. */
  close(): Promise<void>;
}

/**
 * Starts a tracker.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { announceHttp } from "../discovery/http_tracker.ts";
 * import { startTracker } from "./server.ts";
 *
 * const tracker = await startTracker({ host: "127.0.0.1", port: 0 });
 * const infoHash = new Uint8Array(20).fill(1);
 * const peer = { infoHash, peerId: new Uint8Array(20), uploaded: 0, downloaded: 0, left: 0 };
 * await announceHttp(tracker.httpUrl, { ...peer, port: 6881, event: "started" });
 * const reply = await announceHttp(tracker.httpUrl, { ...peer, peerId: infoHash, port: 6882 });
 * deepStrictEqual(reply.peers, [{ host: "127.0.0.1", port: 6881 }]);
 * await tracker.close();
 * ```
 *
 * @throws {Error} Outside Deno, or when the port cannot be bound.
 */
export async function startTracker(options: TrackerOptions = {}): Promise<TrackerServer> {
  if (runtime !== "deno") throw new Error("The tracker server runs under Deno");
  const table = new SwarmTable(options.limits);
  const hostname = options.host ?? "0.0.0.0";
  const abort = new AbortController();
  const listening = Promise.withResolvers<number>();
  const http = Deno.serve({
    hostname,
    port: options.port ?? 0,
    signal: abort.signal,
    onListen: ({ port }) => listening.resolve(port),
    onError: () => new Response("internal error\n", { status: 500 }),
  }, (request, info) => {
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      const { socket, response } = Deno.upgradeWebSocket(request);
      serveWebSocket(socket, table);
      return response;
    }
    const remote = info.remoteAddr as Deno.NetAddr;
    return handleHttp(request, remote.hostname, table);
  });
  const port = await listening.promise;
  let udp: UdpSocket;
  try {
    udp = await bindUdp({ host: hostname, port });
  } catch (error) {
    abort.abort();
    await http.finished;
    throw error;
  }
  serveUdp(udp, table);
  const sweeper = setInterval(() => table.sweep(), Math.min(60_000, table.limits.peerTtlMs));
  const address = formatAddress({ host: hostname === "0.0.0.0" ? "127.0.0.1" : hostname, port });
  return {
    table,
    port,
    httpUrl: `http://${address}/announce`,
    udpUrl: `udp://${address}`,
    wsUrl: `ws://${address}`,
    async close() {
      clearInterval(sweeper);
      udp.close();
      abort.abort();
      await http.finished;
    },
  };
}
