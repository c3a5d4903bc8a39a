/**
 * Message stream encryption with real clients on 127.0.0.1, the 64 MiB data
 * set each way, every download checked file by file (size and SHA-256), and
 * what our client reports for each connection:
 *
 * - libtorrent 2.0 with MSE forced both ways (`out_enc_policy` and
 *   `in_enc_policy` = `pe_forced`), with `allowed_enc_level` RC4 (so RC4
 *   carries the data) or plaintext (only the handshake is obfuscated); over
 *   TCP, and over uTP with RC4;
 * - Transmission 3 with encryption required (it never dials 127.0.0.1, so
 *   ours dials it both when it seeds and when it downloads);
 * - WebTorrent 3 on Node with its defaults (it opens every outgoing TCP
 *   connection with MSE): it downloads from our seeder, and seeds to us.
 *
 * Ours runs with its default policy (`prefer`) unless a case says `require`.
 * Rates are printed for information.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { PeerEncryption } from "../../src/wire/mse/conn.ts";
import type { EncryptionPolicy } from "../../src/wire/mse/policy.ts";
import type { PeerAddress } from "../../transports/mod.ts";
import {
  haveClients,
  LOOPBACK,
  type PeerKind,
  type PeerOptions,
  reportRate,
  Swarm,
  type SwarmPeer,
  verifyDownload,
  withScratch,
} from "./_clients.ts";
import { ChildProcess } from "./_clients_process.ts";
import { requireTool } from "./_tools.ts";
import { installWebTorrent } from "./_webtorrent_install.ts";

const TIMEOUT_MS = 120_000;
const have = {
  libtorrent: await haveClients(["libtorrent"]),
  transmission: await haveClients(["transmission"]),
  node: (await requireTool("node")) && (await requireTool("npm")),
};

/** libtorrent settings: MSE forced both ways, with this level after the handshake. */
const forced = (level: "rc4" | "plaintext") => ({
  out_enc_policy: 0, // pe_forced
  in_enc_policy: 0,
  allowed_enc_level: level === "rc4" ? 2 : 1,
});

interface Case {
  real: "libtorrent" | "transmission";
  /** Options for the real client. */
  realOptions: Partial<PeerOptions>;
  /** Options for ours. */
  oursOptions?: Partial<PeerOptions>;
  /** What ours must report for every connection. */
  expected: PeerEncryption;
  label: string;
}

const CASES: Case[] = [
  {
    real: "libtorrent",
    realOptions: { libtorrentSettings: forced("rc4") },
    expected: "rc4",
    label: "libtorrent with MSE forced, RC4",
  },
  {
    real: "libtorrent",
    realOptions: { libtorrentSettings: forced("plaintext") },
    expected: "handshake",
    label: "libtorrent with MSE forced, plaintext after the handshake",
  },
  {
    real: "libtorrent",
    realOptions: { libtorrentSettings: forced("rc4"), transports: ["utp"] },
    oursOptions: { transports: ["utp"] },
    expected: "rc4",
    label: "libtorrent with MSE forced, RC4, over uTP",
  },
  {
    real: "transmission",
    realOptions: { encryption: "require" },
    expected: "rc4",
    label: "Transmission with encryption required",
  },
];

for (const c of CASES) {
  for (const direction of ["seeds", "downloads"] as const) {
    Deno.test({
      name: `MSE: ${c.label} ${direction}, ours the other side`,
      ignore: !have[c.real],
      fn: () => pair(c, direction === "seeds"),
    });
  }
}

function pair(c: Case, realSeeds: boolean): Promise<void> {
  return withScratch("mse-interop-", async ({ data, torrentFile, out }) => {
    await using swarm = new Swarm();
    const seedKind = realSeeds ? c.real : "ours";
    const leechKind = realSeeds ? "ours" : c.real;
    const options = (kind: PeerKind) => kind === "ours" ? c.oursOptions : c.realOptions;
    const start = (kind: PeerKind, role: "seed" | "leech", peers: SwarmPeer[]) =>
      swarm.start(kind, {
        role,
        torrentFile,
        dir: role === "seed" ? data.root : out,
        peers: peers.map((p) => ({ host: LOOPBACK, port: p.port })),
        ...options(kind),
      });
    let seeder: SwarmPeer, leecher: SwarmPeer;
    if (leechKind === "transmission") {
      // Transmission does not dial 127.0.0.1: it waits, and our seeder dials it.
      leecher = await start(leechKind, "leech", []);
      seeder = await start(seedKind, "seed", [leecher]);
    } else {
      seeder = await start(seedKind, "seed", []);
      await swarm.waitComplete([seeder], TIMEOUT_MS);
      leecher = await start(leechKind, "leech", [seeder]);
    }
    await swarm.waitComplete([leecher], TIMEOUT_MS);
    reportRate(leecher, data.length, `${c.label}: ${seeder.name} -> ${leecher.name}`);
    const ours = realSeeds ? leecher : seeder;
    await finish(swarm, ours, c.expected, () => verifyDownload(data, out, leecher.name));
  });
}

/** Stops the swarm, checks the download, and checks that ours saw only `expected`. */
async function finish(
  swarm: Swarm,
  ours: SwarmPeer,
  expected: PeerEncryption,
  verify: () => Promise<void>,
): Promise<void> {
  const seen = [...ours.encryptions!()];
  await swarm.stop();
  await verify();
  assert.ok(seen.length > 0, "ours saw no connection");
  assert.deepEqual(new Set(seen), new Set([expected]), `ours saw ${seen.join(", ")}`);
}

// ------------------------------------------------------------------ WebTorrent

const HERE = new URL(".", import.meta.url).pathname;

for (const policy of ["prefer", "require"] as const) {
  const expected: PeerEncryption = policy === "require" ? "rc4" : "handshake";
  Deno.test({
    name: `MSE: WebTorrent (defaults) downloads from ours (${policy}): ${expected}`,
    ignore: !have.node,
    fn: () => webTorrent(false, policy, expected),
  });
  Deno.test({
    name: `MSE: WebTorrent (defaults) seeds to ours (${policy}): ${expected}`,
    ignore: !have.node,
    fn: () => webTorrent(true, policy, expected),
  });
}

async function webTorrent(
  webTorrentSeeds: boolean,
  policy: EncryptionPolicy,
  expected: PeerEncryption,
): Promise<void> {
  const installed = await installWebTorrent("stub");
  if (typeof installed !== "string") {
    throw new Error(`cannot install webtorrent: ${installed.error}`);
  }
  const pkg = `${installed}/node_modules/webtorrent`;
  const lines: Record<string, unknown>[] = [];
  const onLine = (line: string) => {
    if (line.startsWith("{")) lines.push(JSON.parse(line));
  };
  let child: ChildProcess | null = null;
  try {
    await withScratch("mse-webtorrent-", async ({ data, torrentFile, out }) => {
      await using swarm = new Swarm();
      const started = performance.now();
      const ours = (role: "seed" | "leech", peers: PeerAddress[]) =>
        swarm.start("ours", {
          role,
          torrentFile,
          dir: role === "seed" ? data.root : out,
          transports: ["tcp"],
          encryption: policy,
          peers,
        });
      let peer: SwarmPeer;
      if (webTorrentSeeds) {
        child = new ChildProcess(
          ["node", `${HERE}_webtorrent_seed.mjs`, pkg, torrentFile, data.root],
          { guard: true, onLine },
        );
        const ready = await waitFor(() => lines.find((l) => l.type === "ready"), child);
        peer = await ours("leech", [{ host: LOOPBACK, port: ready.port as number }]);
        await swarm.waitComplete([peer], TIMEOUT_MS);
        reportRate(peer, data.length, `WebTorrent -> ours (${policy})`);
      } else {
        peer = await ours("seed", []);
        await swarm.waitComplete([peer], TIMEOUT_MS);
        const leech = `${HERE}../bench/_webtorrent_leech.mjs`;
        child = new ChildProcess(
          ["node", leech, pkg, torrentFile, out, `${LOOPBACK}:${peer.port}`],
          { guard: true, onLine },
        );
        const status = await withTimeout(child.exited, TIMEOUT_MS, "WebTorrent's download");
        assert.equal(status.code, 0, `WebTorrent failed: ${child.tail()}`);
        const seconds = (performance.now() - started) / 1000;
        console.log(
          `  ours (${policy}) -> WebTorrent: ${(data.length / 1e6 / seconds).toFixed(1)} MB/s`,
        );
      }
      const who = webTorrentSeeds ? "ours" : "WebTorrent";
      await finish(swarm, peer, expected, () => verifyDownload(data, out, who));
    });
    const wire = lines.find((l) => l.type === "wire");
    if (wire) assert.equal(wire.encryption, expected === "rc4" ? 2 : 1);
  } finally {
    await (child as ChildProcess | null)?.stop();
  }
}

/** Polls `find` until it gives something, or the child exits first. */
async function waitFor<T>(find: () => T | undefined, child: ChildProcess): Promise<T> {
  let exited = false;
  child.exited.then(() => exited = true);
  const deadline = performance.now() + TIMEOUT_MS;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (exited) throw new Error(`WebTorrent exited: ${child.tail()}`);
    if (performance.now() > deadline) {
      throw new Error(`WebTorrent never got ready: ${child.tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
