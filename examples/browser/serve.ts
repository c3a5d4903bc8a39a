/**
 * Serves the browser example: the page, the library bundled for browsers,
 * and optionally a folder of your own (`.torrent` files, and the data, which
 * then works as a web seed: Range requests are answered).
 *
 * ```sh
 * deno task example:browser [--port 8080] [--dir ./shared]
 * ```
 *
 * Then open http://127.0.0.1:8080/ and give it a `.torrent` URL (one under
 * /files/ when you pass --dir).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { bundle } from "../../.ci/bundle.ts";

const HERE = new URL(".", import.meta.url).pathname;

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css",
  json: "application/json",
  torrent: "application/x-bittorrent",
  mp4: "video/mp4",
  webm: "video/webm",
  png: "image/png",
  jpg: "image/jpeg",
  svg: "image/svg+xml",
};

/** Options for {@link staticFiles}. */
export interface StaticOptions {
  /** Changes a file's bytes before they are sent (tests: a corrupt web seed). */
  transform?: (path: string, bytes: Uint8Array) => Uint8Array;
}

/**
 * A handler serving the files under `root`, with single `Range: bytes=a-b`
 * requests answered 206 and CORS open (pages on other origins may use it as
 * a web seed).
 *
 * @param root The folder.
 * @param options A transform of the bytes served.
 * @returns The request handler.
 */
export function staticFiles(
  root: string,
  options: StaticOptions = {},
): (request: Request) => Promise<Response> {
  return async (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (path.split("/").includes("..")) return new Response("bad path", { status: 400 });
    const file = path.endsWith("/") ? `${path}index.html` : path;
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(`${root}${file}`);
    } catch {
      return new Response("not found", { status: 404 });
    }
    if (options.transform) bytes = options.transform(path, bytes);
    const headers = {
      "content-type": TYPES[file.split(".").pop() ?? ""] ?? "application/octet-stream",
      "access-control-allow-origin": "*",
      "accept-ranges": "bytes",
    };
    const match = /^bytes=(\d+)-(\d*)$/.exec(request.headers.get("range") ?? "");
    if (!match) return new Response(bytes as Uint8Array<ArrayBuffer>, { headers });
    const start = Number(match[1]);
    const end = Math.min(match[2] ? Number(match[2]) : bytes.length - 1, bytes.length - 1);
    if (start > end) return new Response(null, { status: 416, headers });
    return new Response(bytes.slice(start, end + 1), {
      status: 206,
      headers: { ...headers, "content-range": `bytes ${start}-${end}/${bytes.length}` },
    });
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { port: { type: "string" }, dir: { type: "string" } },
  });
  const site = await Deno.makeTempDir({ prefix: "torrent-example-" });
  await bundle(`${HERE}../../mod.ts`, `${site}/torrent.browser.js`);
  for (const name of ["index.html", "app.js"]) {
    await Deno.copyFile(`${HERE}${name}`, `${site}/${name}`);
  }
  const page = staticFiles(site);
  const shared = values.dir ? staticFiles(values.dir) : null;
  Deno.serve({ hostname: "127.0.0.1", port: Number(values.port ?? 8080) }, (request) => {
    const url = new URL(request.url);
    if (shared && url.pathname.startsWith("/files/")) {
      url.pathname = url.pathname.slice("/files".length);
      return shared(new Request(url, request));
    }
    return page(request);
  });
}
