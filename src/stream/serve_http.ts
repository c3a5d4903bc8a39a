/**
 * Listens for HTTP with a fetch-style handler: `Deno.serve` under Deno,
 * `node:http` (loaded on demand) under Node.
 *
 * @module
 */

import { runtime } from "../runtime.ts";
import { nodeListener } from "./node_listener.ts";

/**
 * A running HTTP server.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { torrentHandler } from "./http_handler.ts";
 * import { serveHttp } from "./serve_http.ts";
 *
 * const server = await serveHttp(torrentHandler({ meta: { name: "empty" }, files: [] }));
 * const response = await fetch(`http://127.0.0.1:${server.port}/`);
 * strictEqual(response.headers.get("content-type"), "text/html; charset=utf-8");
 * await response.body?.cancel();
 * await server.close();
 * ```
 */
export interface HttpServer {
  /** The port it listens on. */
  port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server: give it `torrentHandler(torrent)` to stream a torrent's files.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { torrentHandler } from "./http_handler.ts";
 * import { serveHttp } from "./serve_http.ts";
 *
 * const server = await serveHttp(torrentHandler({ meta: { name: "empty" }, files: [] }));
 * const response = await fetch(`http://127.0.0.1:${server.port}/`);
 * strictEqual(response.headers.get("content-type"), "text/html; charset=utf-8");
 * await response.body?.cancel();
 * await server.close();
 * ```
 *
 * @param handler The handler.
 * @param options Address (default 127.0.0.1) and port (default 0: any free one).
 * @returns The server, listening.
 */
export async function serveHttp(
  handler: (req: Request) => Promise<Response>,
  options: { host?: string; port?: number } = {},
): Promise<HttpServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  if (runtime === "deno") {
    const listening = Promise.withResolvers<number>();
    const server = Deno.serve({
      hostname: host,
      port,
      onListen: (address) => listening.resolve(address.port),
    }, handler);
    return {
      port: await listening.promise,
      close: async () => {
        await server.shutdown();
      },
    };
  }
  const http = await import("node:http");
  const server = http.createServer(nodeListener(handler) as never);
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
