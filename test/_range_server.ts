/**
 * A static HTTP server for tests: files under a folder, with single-range
 * requests (`Range: bytes=a-b`) answered 206, on 127.0.0.1 and a free port.
 *
 * @module
 */

/** A running server. */
export interface RangeServer {
  /** `http://127.0.0.1:PORT/`. */
  url: string;
  /** Requests seen, as `METHOD path range`. */
  requests: string[];
  close(): Promise<void>;
}

/** Content types by extension, for pages and scripts served to a browser. */
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  json: "application/json",
  torrent: "application/x-bittorrent",
};

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
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: abort.signal,
    onListen: ({ port }) => listening.resolve(port),
  }, async (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    const range = request.headers.get("range");
    requests.push(`${request.method} ${path} ${range ?? ""}`);
    if (path.split("/").includes("..")) return new Response("bad path", { status: 400 });
    const file = path.endsWith("/") ? `${path}index.html` : path;
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(`${root}${file}`);
    } catch {
      return new Response("not found", { status: 404 });
    }
    if (corrupt.includes(path)) bytes = bytes.map((b) => b ^ 0xff);
    const type = TYPES[file.split(".").pop() ?? ""] ?? "application/octet-stream";
    const match = range && /^bytes=(\d+)-(\d*)$/.exec(range);
    if (!match) {
      return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": type } });
    }
    const start = Number(match[1]);
    const end = Math.min(match[2] ? Number(match[2]) : bytes.length - 1, bytes.length - 1);
    if (start > end) return new Response(null, { status: 416 });
    return new Response(bytes.slice(start, end + 1), {
      status: 206,
      headers: {
        "content-type": type,
        "content-range": `bytes ${start}-${end}/${bytes.length}`,
      },
    });
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
