/**
 * `torrent tracker [--port N]`: runs the tracker server (HTTP, UDP and
 * WebSocket on one port) until interrupted.
 *
 * @module
 */

import { startTracker } from "../tracker/server.ts";
import { type Command, parse, UsageError } from "./_cli.ts";
import { interrupted } from "./_session.ts";

/** The `tracker` subcommand. */
export const trackerCommand: Command = {
  summary: "run a tracker: HTTP, UDP and WebSocket (WebRTC signalling) on one port",
  usage: `Usage: torrent tracker [options]

Serves HTTP announce and scrape (/announce, /scrape), UDP (BEP 15) and
WebSocket signalling for WebRTC peers (WebTorrent's protocol) on one port,
until Ctrl-C. Prints the three URLs.

Options:
  --port N      port to listen on (default 8000, 0 picks one)
  --host ADDR   address to bind (default 0.0.0.0)`,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      port: { type: "string" },
      host: { type: "string" },
    });
    if (positionals.length > 0) throw new UsageError("tracker takes no arguments");
    const port = Number(values.port ?? 8000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--port takes 0 to 65535, not "${values.port}"`);
    }
    const stop = interrupted();
    const tracker = await startTracker({ port, ...(values.host ? { host: values.host } : {}) });
    try {
      io.out(`${tracker.httpUrl}\n${tracker.udpUrl}\n${tracker.wsUrl}\n`);
      await stop.promise;
    } finally {
      stop.dispose();
      await tracker.close();
    }
  },
};
