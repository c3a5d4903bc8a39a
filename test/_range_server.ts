/**
 * A static HTTP server for tests: the browser example's file handler
 * (single ranges answered 206) on 127.0.0.1 and a free port, recording the
 * requests it sees.
 *
 * @module
 */

import { staticFiles } from "../examples/browser/serve.ts";

/** A running server. */
export interface RangeServer {
  /** `http://127.0.0.1:PORT/`. */
  url: string;
  /** Requests seen, as `METHOD path range`. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `root`.
 *
 * @param root The folder.
 * @param corrupt Paths whose bytes are served flipped (a bad web seed).
 */
export function serveFolder(root: string, corrupt: readonly string[] = []): Promise<RangeServer> {
  const requests: string[] = [];
  const listening = Promise.withResolvers<number>();
  const abort = new AbortController();
  const files = staticFiles(root, {
    transform: (path, bytes) => corrupt.includes(path) ? bytes.map((b) => b ^ 0xff) : bytes,
  });
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: abort.signal,
    onListen: ({ port }) => listening.resolve(port),
  }, (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    requests.push(`${request.method} ${path} ${request.headers.get("range") ?? ""}`);
    return files(request);
  });
  return listening.promise.then((port) => ({
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: async () => {
      abort.abort();
      await server.finished;
    },
  }));
}
