/**
 * Adapts a `(req: Request) => Promise<Response>` handler to Node's
 * `http.createServer` listener, without importing `node:` modules.
 *
 * @module
 */

/**
 * The parts of Node's `IncomingMessage` the adapter uses.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { NodeRequest } from "./node_listener.ts";
 *
 * const request: NodeRequest = { method: "HEAD", url: "/0/a.txt", headers: {}, on: () => {} };
 * strictEqual(request.method, "HEAD");
 * ```
 */
export interface NodeRequest {
  /** `GET`, `HEAD`, ... */
  method?: string;
  /** Path and query. */
  url?: string;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** Called when the client goes away. */
  on(event: "close", listener: () => void): unknown;
}

/**
 * The parts of Node's `ServerResponse` the adapter uses.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { NodeResponse } from "./node_listener.ts";
 *
 * let status = 0;
 * const response: NodeResponse = {
 *   writeHead: (code) => status = code,
 *   write: () => true,
 *   end: () => {},
 *   once: () => {},
 *   destroy: () => {},
 * };
 * response.writeHead(206, {});
 * strictEqual(status, 206);
 * ```
 */
export interface NodeResponse {
  /** Sends the status and headers. */
  writeHead(status: number, headers: Record<string, string>): unknown;
  /** Writes body bytes; false when the caller should wait for `drain`. */
  write(chunk: Uint8Array): boolean;
  /** Ends the response. */
  end(): unknown;
  /** Waits for `drain`. */
  once(event: "drain" | "close", listener: () => void): unknown;
  /** Drops the connection. */
  destroy(error?: Error): unknown;
}

/**
 * Wraps a fetch-style handler for `http.createServer`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import http from "node:http";
 * import { torrentHandler } from "./http_handler.ts";
 * import { nodeListener } from "./node_listener.ts";
 *
 * const handler = torrentHandler({ meta: { name: "empty" }, files: [] }); // or a Torrent
 * const server = http.createServer(nodeListener(handler) as http.RequestListener);
 * await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
 * const { port } = server.address() as { port: number };
 * const response = await fetch(`http://127.0.0.1:${port}/`);
 * strictEqual(response.status, 200);
 * await response.body?.cancel();
 * await new Promise((closed) => server.close(closed));
 * ```
 *
 * @param handler The handler.
 * @returns A Node request listener.
 */
export function nodeListener(
  handler: (req: Request) => Promise<Response>,
): (req: NodeRequest, res: NodeResponse) => void {
  return (req, res) => {
    const aborter = new AbortController();
    req.on("close", () => aborter.abort());
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
      else if (value) { for (const v of value) headers.append(name, v); }
    }
    const request = new Request(new URL(req.url ?? "/", "http://localhost"), {
      method: req.method ?? "GET",
      headers,
      signal: aborter.signal,
    });
    handler(request).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) {
        for await (const chunk of response.body) {
          if (aborter.signal.aborted) break;
          if (!res.write(chunk)) {
            await new Promise<void>((resolve) => {
              res.once("drain", resolve);
              res.once("close", resolve);
            });
          }
        }
      }
      res.end();
    }).catch((error) => res.destroy(error instanceof Error ? error : new Error(String(error))));
  };
}
