/**
 * `torrent serve <file.torrent|magnet> -o <dir>`: downloads a torrent and
 * serves its files over HTTP while it runs, with byte ranges, so a player
 * can seek.
 *
 * @module
 */

import { torrentHandler } from "../stream/http_handler.ts";
import { serveHttp } from "../stream/serve_http.ts";
import { type Command, parse, UsageError } from "./_cli.ts";
import { addNamedTorrent, addOptions, addUsage, selectInput, startClient } from "./_add.ts";
import { interrupted, peerUsage, sessionInputs, sessionOptions, showProgress } from "./_session.ts";

/** The `serve` subcommand. */
export const serveCommand: Command = {
  summary: "download a torrent and serve its files over HTTP as they arrive",
  usage: `Usage: torrent serve <file.torrent|magnet> -o <dir> [options]

Downloads into <dir> (as "download" does) and serves the files over HTTP
meanwhile: http://HOST:PORT/ lists them, each link streams a file, with byte
ranges, so players can seek; requested ranges are fetched first. Runs until
Ctrl-C.

Options:
  -o, --output DIR         download folder
  --port N                 HTTP port (default 8000, 0 picks one)
  --host ADDR              HTTP address (default 127.0.0.1)
  --peer-port N            port to accept peers on (default 6881, 0 picks one)
  --peer HOST:PORT         a peer to dial; repeatable
  --announce URL           an extra tracker (http, https, udp, ws, wss); repeatable
${peerUsage}
  --json                   progress as newline-delimited JSON on stdout
  --quiet                  no progress output
${addUsage}`,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      ...sessionOptions,
      ...addOptions,
      output: { type: "string", short: "o" },
      host: { type: "string" },
      "peer-port": { type: "string" },
    });
    if (positionals.length !== 1) throw new UsageError("serve takes one .torrent file or magnet");
    if (!values.output) throw new UsageError("serve needs -o <dir>");
    const httpPort = values.port === undefined ? 8000 : Number(values.port);
    if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) {
      throw new UsageError(`--port takes a number from 0 to 65535, not "${values.port}"`);
    }
    // `--port` is the HTTP port here; the peers' port is `--peer-port`.
    const { port: _http, "peer-port": peerPort, ...rest } = values;
    const { peers, announce, ...where } = sessionInputs({
      ...rest,
      ...(peerPort === undefined ? {} : { port: peerPort }),
    });
    const client = await startClient(where, values, io);
    const stop = interrupted();
    try {
      const torrent = await addNamedTorrent(client, positionals[0]!, {
        peers,
        announce,
        values,
        io,
      }, { dir: values.output, ...selectInput(values) });
      const server = await serveHttp(torrentHandler(torrent), {
        host: values.host ?? "127.0.0.1",
        port: httpPort,
      });
      const host = values.host ?? "127.0.0.1";
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${server.port}/`;
      if (values.json) io.out(JSON.stringify({ type: "listening", url }) + "\n");
      else io.err(`serving ${torrent.meta.name} at ${url}\n`);
      try {
        await showProgress(torrent, io, values, stop.promise);
      } finally {
        await server.close();
      }
    } finally {
      stop.dispose();
      await client.close();
    }
  },
};
