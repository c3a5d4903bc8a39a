/**
 * The DHT options of `download`, `seed` and `info`: on by default (with the
 * public bootstrap routers and a routing table kept under the user's cache
 * folder), `--no-dht`, `--dht-port N`, `--dht-bootstrap HOST:PORT[,...]`.
 * Under Deno, bittorrent-dht reads the environment, so without
 * `--allow-env` the DHT stays off with a notice.
 *
 * @module
 */

import { parseAddress } from "../../transports/mod.ts";
import type { ClientOptions } from "../client.ts";
import { runtime } from "../runtime.ts";
import { type Io, UsageError } from "./_cli.ts";

/** The parsed DHT options. */
export interface DhtValues {
  /** `--no-dht`. */
  "no-dht"?: boolean;
  /** `--dht-port`. */
  "dht-port"?: string;
  /** `--dht-bootstrap`, repeatable, each a comma-separated list. */
  "dht-bootstrap"?: string[];
}

/**
 * The client's `dht` option from the command line.
 *
 * @param values The parsed options.
 * @param io Where the notice about a missing permission goes.
 * @returns `{ dht }` to spread into `Client.create` options, or `{}` with the DHT off.
 * @throws {UsageError} For a bad port or bootstrap address.
 */
export function dhtFromArgs(values: DhtValues, io: Io): Pick<ClientOptions, "dht"> {
  const bootstrap = (values["dht-bootstrap"] ?? []).flatMap((list) => list.split(","))
    .map((text) => text.trim()).filter((text) => text !== "");
  for (const text of bootstrap) {
    try {
      parseAddress(text);
    } catch {
      throw new UsageError(`--dht-bootstrap takes HOST:PORT, not "${text}"`);
    }
  }
  const port = values["dht-port"] === undefined ? undefined : Number(values["dht-port"]);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new UsageError(`--dht-port takes a number from 0 to 65535, not "${values["dht-port"]}"`);
  }
  if (values["no-dht"]) return {};
  if (runtime === "deno" && Deno.permissions.querySync({ name: "env" }).state !== "granted") {
    io.err("DHT off: it needs --allow-env (or pass --no-dht to silence this)\n");
    return {};
  }
  const stateFile = cacheFile();
  return {
    dht: {
      ...(port === undefined ? {} : { port }),
      ...(bootstrap.length > 0 ? { bootstrap } : {}),
      ...(stateFile ? { stateFile } : {}),
    },
  };
}

/** `$XDG_CACHE_HOME/seed-torrent/dht.json`, or under `~/.cache`; `null` without a home. */
function cacheFile(): string | null {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process
    ?.env ?? (runtime === "deno" ? Deno.env.toObject() : {});
  const base = env.XDG_CACHE_HOME ?? (env.HOME ? `${env.HOME}/.cache` : null);
  return base ? `${base}/seed-torrent/dht.json` : null;
}
