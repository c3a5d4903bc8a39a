/**
 * What `download` and `seed` share: the client from command-line options,
 * progress output, and a clean shutdown on Ctrl-C.
 *
 * @module
 */

import { parseAddress, type PeerAddress } from "../../transports/mod.ts";
import type { Torrent } from "../torrent.ts";
import type { WebRtcSettings } from "../torrent/signalled_peers.ts";
import { humanSize, type Io, UsageError } from "./_cli.ts";
import { deferred } from "../deferred.ts";
import { ENCRYPTION_POLICIES, type EncryptionPolicy } from "../wire/mse/policy.ts";

/** Options both commands take. */
export const sessionOptions = {
  peer: { type: "string", multiple: true },
  announce: { type: "string", multiple: true },
  port: { type: "string" },
  transports: { type: "string" },
  encryption: { type: "string" },
  "ice-servers": { type: "string" },
  "no-dht": { type: "boolean" },
  "dht-port": { type: "string" },
  "dht-bootstrap": { type: "string", multiple: true },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
} as const;

/** The parsed values of {@link sessionOptions}. */
export interface SessionValues {
  peer?: string[];
  announce?: string[];
  port?: string;
  transports?: string;
  encryption?: string;
  "ice-servers"?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Peers, trackers and the port from the command line, checked. */
export function sessionInputs(
  values: SessionValues,
): {
  peers: PeerAddress[];
  announce: string[];
  port: number;
  transports: ("tcp" | "utp")[];
  encryption: EncryptionPolicy;
  webrtc: WebRtcSettings | false;
} {
  const peers = (values.peer ?? []).map((text) => {
    try {
      return parseAddress(text);
    } catch {
      throw new UsageError(`--peer takes HOST:PORT, not "${text}"`);
    }
  });
  for (const url of values.announce ?? []) {
    if (!/^(https?|udp|wss?):\/\//i.test(url) || !URL.canParse(url)) {
      throw new UsageError(`--announce takes an http(s)://, udp:// or ws(s):// URL, not "${url}"`);
    }
  }
  const names = (values.transports ?? "utp,tcp").split(",").map((t) => t.trim().toLowerCase());
  for (const name of names) {
    if (name !== "tcp" && name !== "utp" && name !== "webrtc") {
      throw new UsageError(`--transports: "${name}" is not available (tcp, utp and webrtc are)`);
    }
  }
  // uTP before TCP whatever the order, as libtorrent prefers it.
  const transports = (["utp", "tcp"] as const).filter((name) => names.includes(name));
  const encryption = (values.encryption ?? "prefer") as EncryptionPolicy;
  if (!ENCRYPTION_POLICIES.includes(encryption)) {
    throw new UsageError(
      `--encryption takes ${ENCRYPTION_POLICIES.join(", ")}, not "${values.encryption}"`,
    );
  }
  const port = values.port === undefined ? 6881 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port takes a number from 0 to 65535, not "${values.port}"`);
  }
  return {
    peers,
    announce: values.announce ?? [],
    port,
    transports,
    encryption,
    webrtc: webrtcSettings(values, names),
  };
}

/** WebRTC settings from `--transports` and `--ice-servers` ("" for none: loopback only). */
function webrtcSettings(values: SessionValues, transports: string[]): WebRtcSettings | false {
  if (!transports.includes("webrtc")) return false;
  const servers = values["ice-servers"];
  if (servers === undefined) return {};
  const urls = servers.split(",").map((url) => url.trim()).filter((url) => url !== "");
  return { config: { iceServers: urls.map((url) => ({ urls: url })) } };
}

/** Usage lines for the transport and DHT options of {@link sessionOptions}. */
export const peerUsage =
  `  --transports LIST        tcp, utp, webrtc (default tcp,utp; uTP is tried before
                           TCP; WebRTC peers come through ws:// trackers and
                           need --allow-ffi under Deno)
  --encryption POLICY      protocol encryption (MSE) for TCP and uTP peers: prefer
                           (default: try it, fall back to plain), require, allow
                           (accept it, dial plain), off
  --ice-servers URLS       STUN/TURN servers for WebRTC, comma-separated; ""
                           for none (loopback only)
  --no-dht                 do not use the DHT (on by default; needs --allow-env)
  --dht-port N             the DHT's own UDP port (default: share the peer port)
  --dht-bootstrap LIST     HOST:PORT nodes to join the DHT through; repeatable`;

/**
 * Shows progress until `until` settles: a redrawn bar on a terminal,
 * newline-delimited JSON with `--json`, a line every 5 s otherwise, nothing
 * with `--quiet`.
 */
export async function showProgress(
  torrent: Torrent,
  io: Io,
  values: SessionValues,
  until: Promise<unknown>,
): Promise<void> {
  if (values.quiet) return void await until;
  const every = values.json || io.errIsTerminal ? 1000 : 5000;
  let last = -Infinity;
  const show = (final = false) => {
    const now = performance.now();
    if (!final && now - last < every) return;
    last = now;
    if (values.json) io.out(JSON.stringify(progressJson(torrent)) + "\n");
    else if (io.errIsTerminal) io.err(`\r${progressLine(torrent)}\x1b[K${final ? "\n" : ""}`);
    else io.err(progressLine(torrent) + "\n");
  };
  const timer = setInterval(() => show(), 250);
  try {
    show();
    await until;
  } finally {
    clearInterval(timer);
    show(true);
  }
}

/** One progress record for `--json`. */
export function progressJson(torrent: Torrent): Record<string, unknown> {
  return {
    type: "progress",
    state: torrent.state,
    progress: Number(torrent.progress.toFixed(4)),
    verified: torrent.verifiedBytes,
    length: torrent.meta.length,
    downloaded: torrent.downloaded,
    uploaded: torrent.uploaded,
    downloadSpeed: Math.round(torrent.downloadSpeed),
    uploadSpeed: Math.round(torrent.uploadSpeed),
    peers: torrent.peers.length,
    eta: eta(torrent),
  };
}

function progressLine(torrent: Torrent): string {
  const width = 24;
  const filled = Math.round(torrent.progress * width);
  const bar = "#".repeat(filled) + ".".repeat(width - filled);
  const seconds = eta(torrent);
  return `[${bar}] ${(torrent.progress * 100).toFixed(1)}% ` +
    `down ${humanSize(torrent.downloadSpeed)}/s up ${humanSize(torrent.uploadSpeed)}/s ` +
    `peers ${torrent.peers.length}` + (seconds === null ? "" : ` eta ${formatDuration(seconds)}`);
}

function eta(torrent: Torrent): number | null {
  const left = torrent.meta.length - torrent.verifiedBytes;
  if (left === 0) return 0;
  const speed = torrent.downloadSpeed;
  return speed > 0 ? Math.round(left / speed) : null;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
  }
  return `${Math.floor(seconds / 3600)}h${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}m`;
}

/**
 * A promise that settles on Ctrl-C (SIGINT) or SIGTERM; `dispose` removes
 * the handlers.
 */
export function interrupted(): { promise: Promise<string>; dispose(): void } {
  const { promise, resolve } = deferred<string>();
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  const signals = ["SIGINT", "SIGTERM"] as const;
  const handlers = signals.map((signal) => [signal, () => resolve(signal)] as const);
  if (deno) { for (const [signal, handler] of handlers) deno.addSignalListener(signal, handler); }
  const proc = (globalThis as unknown as {
    process?: { on(s: string, h: () => void): void; off(s: string, h: () => void): void };
  }).process;
  if (!deno && proc) { for (const [signal, handler] of handlers) proc.on(signal, handler); }
  return {
    promise,
    dispose() {
      for (const [signal, handler] of handlers) {
        if (deno) deno.removeSignalListener(signal, handler);
        else proc?.off(signal, handler);
      }
    },
  };
}
