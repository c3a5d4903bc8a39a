/**
 * Transmission 3 as a swarm member: `transmission-daemon` in the foreground
 * with its own config folder, peers and RPC on 127.0.0.1 only, no DHT, LPD,
 * PEX, uTP or port mapping, no ratio limit, plain-text handshakes preferred
 * unless `encryption` says otherwise (message stream encryption preferred or required).
 * The torrent is added and watched through the RPC (JSON over HTTP, the
 * protocol `transmission-remote` speaks).
 *
 * Transmission never dials a peer on 127.0.0.1, from a tracker or anywhere
 * (127/8 is a "martian" address to it), and its RPC has no way to add a
 * peer: another client must dial it. It does accept such connections.
 *
 * @module
 */

import {
  defaultName,
  LOOPBACK,
  type PeerOptions,
  Progress,
  type SwarmPeer,
  swarmPeer,
} from "./_clients_peer.ts";
import { ChildProcess, freePort, pollUntilAborted, waitForHttp } from "./_clients_process.ts";

/** Transmission's torrent status codes. */
const STATUS = ["stopped", "check-wait", "checking", "download-wait", "downloading", "seed-wait"];
const SEEDING = 6;

interface TorrentFields {
  status: number;
  percentDone: number;
  leftUntilDone: number;
  recheckProgress: number;
  peersConnected: number;
  downloadedEver: number;
  uploadedEver: number;
  error: number;
  errorString: string;
}

/**
 * Starts Transmission seeding or leeching `options.torrentFile`.
 *
 * @param options Role, torrent, folder and port; `peers` is refused (see the module note).
 * @returns The running peer, once the torrent is added.
 */
export async function startTransmission(options: PeerOptions): Promise<SwarmPeer> {
  if (options.peers?.length) {
    throw new TypeError("Transmission cannot be told to dial a peer: let the peer dial it");
  }
  const port = options.port ?? freePort();
  const rpcPort = freePort();
  const name = options.name ?? defaultName("transmission", options.role);
  const config = await Deno.makeTempDir({ prefix: "swarm-transmission-" });
  const encryption = options.encryption ?? "allow";
  if (encryption === "off") throw new TypeError("Transmission cannot turn encryption off");
  await Deno.writeTextFile(
    `${config}/settings.json`,
    JSON.stringify(settings(port, rpcPort, encryption)),
  );
  const child = new ChildProcess([
    "transmission-daemon",
    ...["--foreground", "--config-dir", config, "--log-error"],
    ...["--no-dht", "--no-lpd", "--no-utp", "--no-portmap", "--no-auth", ENCRYPTION[encryption]],
    ...["--bind-address-ipv4", LOOPBACK, "--rpc-bind-address", LOOPBACK, "--allowed", LOOPBACK],
    ...["--peerport", `${port}`, "--port", `${rpcPort}`, "--download-dir", options.dir],
  ], { guard: true });
  const progress = new Progress();
  const startedAt = performance.now();
  const polling = new AbortController();
  const stop = async () => {
    polling.abort();
    await child.stop();
    await Deno.remove(config, { recursive: true }).catch(() => {});
  };
  child.exited.then((status) => {
    progress.fail(new Error(`${name} exited (code ${status.code}): ${child.tail()}`));
  });
  try {
    const rpc = new TransmissionRpc(`http://${LOOPBACK}:${rpcPort}/transmission/rpc`);
    await waitForHttp(rpc.url, name, child.exited);
    const added = await rpc.call("torrent-add", {
      metainfo: encodeBase64(await Deno.readFile(options.torrentFile)),
      "download-dir": options.dir,
      paused: false,
    }) as { "torrent-added"?: { id: number }; "torrent-duplicate"?: { id: number } };
    const id = (added["torrent-added"] ?? added["torrent-duplicate"])!.id;
    pollUntilAborted(
      async () => {
        const { torrents } = await rpc.call("torrent-get", {
          ids: [id],
          fields: [
            ...["status", "percentDone", "leftUntilDone", "recheckProgress", "peersConnected"],
            ...["downloadedEver", "uploadedEver", "error", "errorString"],
          ],
        }) as { torrents: TorrentFields[] };
        const t = torrents[0];
        if (!t) throw new Error("the torrent is gone");
        if (t.error !== 0) progress.fail(new Error(`${name}: ${t.errorString}`));
        const checking = t.status === 1 || t.status === 2;
        if (options.role === "seed" && t.status === 0 && t.percentDone < 1) {
          progress.fail(new Error(`${name}: the data under ${options.dir} is not complete`));
        }
        progress.update({
          progress: checking ? t.recheckProgress : t.percentDone,
          state: STATUS[t.status] ?? "seeding",
          peers: t.peersConnected,
          downloaded: t.downloadedEver,
          uploaded: t.uploadedEver,
        }, t.status === SEEDING && t.leftUntilDone === 0 && t.percentDone === 1);
      },
      250,
      polling.signal,
      (error) => progress.fail(new Error(`${name}: RPC failed: ${error}`)),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return swarmPeer({
    kind: "transmission",
    options,
    name,
    port,
    startedAt,
    progress,
    detail: () => `output: ${child.tail() || "none"}`,
    stop,
  });
}

/** Transmission's flag for each encryption policy (it has no "off"). */
const ENCRYPTION = {
  allow: "--encryption-tolerated",
  prefer: "--encryption-preferred",
  require: "--encryption-required",
} as const;

/** settings.json: everything that could reach beyond loopback is off. */
function settings(
  port: number,
  rpcPort: number,
  encryption: keyof typeof ENCRYPTION,
): Record<string, unknown> {
  return {
    "bind-address-ipv4": LOOPBACK,
    "bind-address-ipv6": "::1",
    "peer-port": port,
    "peer-port-random-on-start": false,
    "port-forwarding-enabled": false,
    "dht-enabled": false,
    "lpd-enabled": false,
    "pex-enabled": false,
    "utp-enabled": false,
    "blocklist-enabled": false,
    "encryption": ["allow", "prefer", "require"].indexOf(encryption), // 0 tolerated ... 2 required
    "rpc-enabled": true,
    "rpc-bind-address": LOOPBACK,
    "rpc-port": rpcPort,
    "rpc-authentication-required": false,
    "rpc-whitelist-enabled": true,
    "rpc-whitelist": LOOPBACK,
    "rpc-host-whitelist-enabled": false,
    "start-added-torrents": true,
    "incomplete-dir-enabled": false,
    "rename-partial-files": false,
    "watch-dir-enabled": false,
    "trash-original-torrent-files": false,
    "script-torrent-done-enabled": false,
    "ratio-limit-enabled": false,
    "idle-seeding-limit-enabled": false,
    "speed-limit-down-enabled": false,
    "speed-limit-up-enabled": false,
    "alt-speed-enabled": false,
    "download-queue-enabled": false,
    "seed-queue-enabled": false,
    "queue-stalled-enabled": false,
    "peer-limit-global": 200,
    "peer-limit-per-torrent": 50,
    "upload-slots-per-torrent": 14,
    "cache-size-mb": 16,
    "message-level": 1,
  };
}

function encodeBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

/** Transmission's JSON RPC, with its session-id handshake (409 gives the id). */
class TransmissionRpc {
  readonly url: string;
  #session = "";

  constructor(url: string) {
    this.url = url;
  }

  async call(method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await fetch(this.url, {
        method: "POST",
        headers: { "X-Transmission-Session-Id": this.#session },
        body: JSON.stringify({ method, arguments: args }),
      });
      if (response.status === 409) {
        await response.body?.cancel();
        this.#session = response.headers.get("X-Transmission-Session-Id") ?? "";
        continue;
      }
      const reply = await response.json() as { result: string; arguments: Record<string, unknown> };
      if (reply.result !== "success") throw new Error(`${method}: ${reply.result}`);
      return reply.arguments;
    }
    throw new Error(`${method}: no session id from Transmission`);
  }
}
