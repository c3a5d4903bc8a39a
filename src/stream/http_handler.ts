/**
 * An HTTP handler that serves a torrent's files while they download:
 * `GET /` is an index with a link to each file, `GET /<index>/<name>` a
 * file, with single byte ranges (206, 416), `Accept-Ranges`, `HEAD` and a
 * `Content-Type` by extension. Mount it in `Deno.serve`, or in Node's http
 * through `nodeListener`.
 *
 * @module
 */

import { parseRange } from "./http_range.ts";
import { mediaType } from "./media_type.ts";
import type { TorrentFileHandle } from "./torrent_files.ts";

/**
 * What the handler serves: a torrent (`Torrent` is one).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import type { ServedTorrent } from "./http_handler.ts";
 *
 * const nothingYet: ServedTorrent = { meta: { name: "empty" }, files: [] };
 * strictEqual(nothingYet.files.length, 0);
 * ```
 */
export interface ServedTorrent {
  /** Its name, for the index. */
  readonly meta: { readonly name: string };
  /** Its files. */
  readonly files: readonly TorrentFileHandle[];
}

/**
 * Makes the handler.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { torrentHandler } from "./http_handler.ts";
 *
 * // With a torrent: Deno.serve({ hostname: "127.0.0.1", port: 8000 }, torrentHandler(torrent));
 * const handler = torrentHandler({ meta: { name: "empty" }, files: [] });
 * strictEqual((await handler(new Request("http://127.0.0.1/"))).status, 200); // the index
 * strictEqual((await handler(new Request("http://127.0.0.1/0/a.txt"))).status, 404);
 * ```
 *
 * @param torrent The torrent to serve.
 * @returns A `(request) => Promise<Response>` function.
 */
export function torrentHandler(torrent: ServedTorrent): (req: Request) => Promise<Response> {
  return (req) => Promise.resolve(handle(torrent, req));
}

function handle(torrent: ServedTorrent, req: Request): Response {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return new Response("Method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  const path = new URL(req.url).pathname;
  if (path === "/") return page(req, indexPage(torrent), "text/html; charset=utf-8");
  const match = /^\/(\d+)(?:\/|$)/.exec(path);
  const file = match ? torrent.files[Number(match[1])] : undefined;
  if (!file) return new Response("Not found\n", { status: 404 });
  return serveFile(file, req);
}

function serveFile(file: TorrentFileHandle, req: Request): Response {
  const headers = new Headers({
    "accept-ranges": "bytes",
    "content-type": mediaType(file.name),
  });
  const range = parseRange(req.headers.get("range"), file.length);
  if (range === "unsatisfiable") {
    headers.set("content-range", `bytes */${file.length}`);
    return new Response(null, { status: 416, headers });
  }
  const start = range?.start ?? 0;
  const end = range ? range.end + 1 : file.length;
  headers.set("content-length", String(end - start));
  if (range) headers.set("content-range", `bytes ${range.start}-${range.end}/${file.length}`);
  const status = range ? 206 : 200;
  if (req.method === "HEAD" || end === start) return new Response(null, { status, headers });
  // The body is cancelled when the client goes away, which frees the stream's priorities.
  return new Response(file.stream({ start, end }), { status, headers });
}

function page(req: Request, html: string, type: string): Response {
  const body = new TextEncoder().encode(html);
  const headers = { "content-type": type, "content-length": String(body.length) };
  return new Response(req.method === "HEAD" ? null : body, { headers });
}

function indexPage(torrent: ServedTorrent): string {
  const items = torrent.files.map((file) =>
    `<li><a href="/${file.index}/${encodeURIComponent(file.name)}">${escapeHtml(file.path)}</a>` +
    ` (${file.length} bytes)</li>`
  );
  const title = escapeHtml(torrent.meta.name);
  return `<!doctype html>\n<meta charset="utf-8">\n<title>${title}</title>\n<h1>${title}</h1>\n` +
    `<ul>\n${items.join("\n")}\n</ul>\n`;
}

/**
 * Escapes text for HTML.
 *
 * @param text Any text.
 * @returns It with `& < > " '` escaped.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
