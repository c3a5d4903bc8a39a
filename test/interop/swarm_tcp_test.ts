/**
 * Swarms over TCP on 127.0.0.1 with real clients (libtorrent 2.0,
 * Transmission 3, aria2) and ours, finding each other through opentracker:
 *
 * - each real client seeds a 64 MiB multi-file torrent and ours downloads
 *   it, and the other way round, announcing over HTTP and over UDP;
 * - one libtorrent seeder and four leechers (ours twice, Transmission,
 *   aria2) in one swarm;
 * - eight of ours (one seeder, seven leechers), trackers only.
 *
 * Every download is checked against the data: each file's size and SHA-256.
 * Each client starts once the tracker knows the ones before it, so its first
 * announce lists them; nobody is handed a peer address. Two clients cannot
 * do everything, and the tests work around it:
 *
 * - Transmission never dials 127.0.0.1 (a "martian" address to it), whoever
 *   names it, and cannot be handed a peer: it starts first and the others,
 *   learning of it from the tracker, dial it.
 * - aria2 uses UDP trackers only with its DHT on (with it off, it aborts the
 *   udp:// announce), and DHT stays off: in the UDP cases aria2 announces to
 *   the same opentracker over HTTP, while ours announces over UDP
 *   (opentracker keeps one swarm for both).
 *
 * The last test plays aria2's late bitfields and `have all` by hand, so that
 * what makes the aria2 downloads flaky when ours drops aria2 fails every time.
 *
 * Transfer rates are printed, for information.
 *
 * @module
 */

import assert from "node:assert/strict";
import { haveOpentracker, type OpenTracker, startOpentracker } from "../discovery/_opentracker.ts";
import {
  type Dataset,
  dataset,
  haveClients,
  type PeerKind,
  reportRate,
  Swarm,
  type SwarmPeer,
  verifyDownload,
  waitForTracker,
  withAnnounce,
} from "./_clients.ts";

type RealKind = Exclude<PeerKind, "ours">;
type AnnounceKind = "http" | "udp";

const REAL: readonly RealKind[] = ["libtorrent", "transmission", "aria2"];
/** Longest wait for one download of 64 MiB between two clients. */
const PAIR_TIMEOUT_MS = 60_000;
/** Longest wait for a whole swarm to complete. */
const SWARM_TIMEOUT_MS = 120_000;

const haveTracker = await haveOpentracker();
const have: Record<PeerKind, boolean> = {
  ours: true,
  libtorrent: await haveClients(["libtorrent"]),
  transmission: await haveClients(["transmission"]),
  aria2: await haveClients(["aria2"]),
};

/** A tracker, a scratch folder, the clients; all gone when the test ends, however it ends. */
async function withSwarm(
  fn: (s: { data: Dataset; tracker: OpenTracker; swarm: Swarm; work: string }) => Promise<void>,
): Promise<void> {
  const data = await dataset();
  const tracker = await startOpentracker([data.infoHash]);
  const work = await Deno.makeTempDir({ prefix: "swarm-tcp-" });
  try {
    await using swarm = new Swarm();
    await fn({ data, tracker, swarm, work });
  } finally {
    await tracker.stop();
    await Deno.remove(work, { recursive: true });
  }
}

/** Writes the torrent announcing to `url` into `work`, and gives its path. */
async function torrentFile(data: Dataset, work: string, url: string, label: string) {
  const path = `${work}/${label}.torrent`;
  await Deno.writeFile(path, withAnnounce(data.torrent, url));
  return path;
}

/** A fresh, empty download folder. */
async function folder(work: string, label: string): Promise<string> {
  const dir = `${work}/${label}`;
  await Deno.mkdir(dir);
  return dir;
}

for (const real of REAL) {
  for (const announce of ["http", "udp"] as const) {
    for (const direction of ["real seeds", "ours seeds"] as const) {
      const [seedKind, leechKind]: [PeerKind, PeerKind] = direction === "real seeds"
        ? [real, "ours"]
        : ["ours", real];
      Deno.test({
        name: `${seedKind} seeds 64 MiB, ${leechKind} downloads it (${announce} tracker)`,
        ignore: !haveTracker || !have[real],
        fn: () => pair(seedKind, leechKind, announce),
      });
    }
  }
}

async function pair(seedKind: PeerKind, leechKind: PeerKind, announce: AnnounceKind) {
  await withSwarm(async ({ data, tracker, swarm, work }) => {
    const url = (kind: PeerKind) =>
      // aria2 reads UDP trackers only with DHT on: the same tracker over HTTP (see above).
      announce === "udp" && kind !== "aria2" ? tracker.udp : tracker.http;
    const seedTorrent = await torrentFile(data, work, url(seedKind), "seed");
    const leechTorrent = await torrentFile(data, work, url(leechKind), "leech");
    const out = await folder(work, "out");
    const startSeeder = async () => {
      const seeder = await swarm.start(seedKind, {
        role: "seed",
        torrentFile: seedTorrent,
        dir: data.root,
      });
      await swarm.waitComplete([seeder], PAIR_TIMEOUT_MS);
      await waitForTracker(tracker.http, data.infoHash, { complete: 1 });
      return seeder;
    };
    const startLeecher = () =>
      swarm.start(leechKind, { role: "leech", torrentFile: leechTorrent, dir: out });
    let seeder: SwarmPeer;
    let leecher: SwarmPeer;
    if (leechKind === "transmission") {
      // Transmission dials nobody on 127.0.0.1: it announces first, the seeder dials it.
      leecher = await startLeecher();
      await waitForTracker(tracker.http, data.infoHash, { incomplete: 1 });
      seeder = await startSeeder();
    } else {
      seeder = await startSeeder();
      leecher = await startLeecher();
    }
    await swarm.waitComplete([leecher], PAIR_TIMEOUT_MS);
    reportRate(leecher, data.length, `${seedKind} -> ${leechKind} (${announce})`);
    await swarm.stop();
    await verifyDownload(data, out, leecher.name);
    const ours = seedKind === "ours" ? seeder : leecher;
    const moved = seedKind === "ours" ? ours.status.uploaded : ours.status.downloaded;
    assert.ok(moved >= data.length, `${ours.name} moved ${moved} bytes, less than the torrent`);
  });
}

Deno.test({
  name: "one libtorrent seeder, four leechers (ours twice, Transmission, aria2): all complete",
  ignore: !haveTracker || !have.libtorrent || !have.transmission || !have.aria2,
  async fn() {
    await withSwarm(async ({ data, tracker, swarm, work }) => {
      // HTTP announces throughout: aria2 cannot use the UDP tracker with DHT off.
      const torrent = await torrentFile(data, work, tracker.http, "swarm");
      const leech = async (kind: PeerKind, label: string, leechers: number) => {
        const peer = await swarm.start(kind, {
          role: "leech",
          torrentFile: torrent,
          dir: await folder(work, label),
          name: `${label} leecher`,
        });
        await waitForTracker(tracker.http, data.infoHash, { incomplete: leechers });
        return peer;
      };
      // Transmission first: it dials nobody, so everyone after it must learn of it and dial it.
      const leechers = [
        await leech("transmission", "transmission", 1),
        await leech("aria2", "aria2", 2),
      ];
      const seeder = await swarm.start("libtorrent", {
        role: "seed",
        torrentFile: torrent,
        dir: data.root,
      });
      await swarm.waitComplete([seeder], SWARM_TIMEOUT_MS);
      await waitForTracker(tracker.http, data.infoHash, { complete: 1 });
      leechers.push(await leech("ours", "ours-1", 3), await leech("ours", "ours-2", 4));
      await swarm.waitComplete(leechers, SWARM_TIMEOUT_MS);
      for (const peer of leechers) reportRate(peer, data.length, "mixed swarm");
      await swarm.stop();
      for (const peer of leechers) await verifyDownload(data, peer.dir, peer.name);
    });
  },
});

Deno.test({
  name: "eight of ours (one seeder, seven leechers) through opentracker only: all complete",
  ignore: !haveTracker,
  async fn() {
    await withSwarm(async ({ data, tracker, swarm, work }) => {
      const torrent = await torrentFile(data, work, tracker.http, "ours");
      const seeder = await swarm.start("ours", {
        role: "seed",
        torrentFile: torrent,
        dir: data.root,
      });
      await waitForTracker(tracker.http, data.infoHash, { complete: 1 });
      const leechers: SwarmPeer[] = [];
      for (let i = 1; i <= 7; i++) {
        leechers.push(
          await swarm.start("ours", {
            role: "leech",
            torrentFile: torrent,
            dir: await folder(work, `ours-${i}`),
            name: `ours leecher ${i}`,
          }),
        );
        // Each one's first announce lists all before it; later ones dial it.
        await waitForTracker(tracker.http, data.infoHash, { incomplete: i });
      }
      await swarm.waitComplete(leechers, SWARM_TIMEOUT_MS);
      for (const peer of leechers) reportRate(peer, data.length, "ours x8");
      await swarm.stop();
      for (const peer of leechers) await verifyDownload(data, peer.dir, peer.name);
      assert.ok(seeder.status.uploaded > 0, "the seeder uploaded nothing");
      assert.ok(
        leechers.some((p) => p.status.uploaded > 0),
        "no leecher uploaded anything: the leechers never traded pieces",
      );
    });
  },
});

/**
 * aria2 1.36 (`DefaultBtInteractive::checkHave`) sends a bitfield in place of
 * three or more `have` messages at once, and `have all` once it holds
 * everything: any number of times, long after its first message (`have
 * none`, with BEP 6). A peer that closes on that drops aria2 mid-way, and
 * with only a tracker to find peers again aria2 then stalls. This is that
 * exchange, played by hand so that it happens every time.
 */
Deno.test("ours keeps serving a peer that sends bitfields and have-all late, as aria2 does", async () => {
  const data = await dataset();
  const work = await Deno.makeTempDir({ prefix: "swarm-tcp-" });
  try {
    await using swarm = new Swarm();
    const torrent = `${work}/plain.torrent`;
    await Deno.writeFile(torrent, data.torrent);
    const seeder = await swarm.start("ours", {
      role: "seed",
      torrentFile: torrent,
      dir: data.root,
    });
    using conn = await Deno.connect({ hostname: "127.0.0.1", port: seeder.port });
    const handshake = new Uint8Array(68);
    handshake.set([19, ...new TextEncoder().encode("BitTorrent protocol")]);
    handshake[27] = 0x04; // BEP 6
    handshake.set(data.infoHash, 28);
    handshake.set(new TextEncoder().encode("A2-1-36-0-emulated00"), 48);
    await conn.write(handshake);
    const frames = frameReader(conn);
    assert.equal((await frames.raw(68))[0], 19, "no handshake back");
    await conn.write(frame(0x0f)); // have none
    await conn.write(frame(2)); // interested
    await frames.until(1, 5000); // unchoke
    const file = await Deno.readFile(`${data.root}/${data.name}/big.bin`);
    const bits = new Uint8Array(Math.ceil(data.length / (512 * 1024) / 8));
    // Pieces 0-2 done, then 3-5: each time a bitfield rather than three haves.
    for (const [mask, next] of [[0b1110_0000, 3], [0b1111_1100, 6]] as const) {
      bits[0] = mask;
      await conn.write(frame(5, bits));
      const request = new Uint8Array(12);
      new DataView(request.buffer).setUint32(0, next);
      new DataView(request.buffer).setUint32(8, 16384);
      await conn.write(frame(6, request));
      const piece = await frames.until(7, 5000).catch((error) => {
        throw new Error(`after a bitfield of ${mask.toString(2)}: ${error.message}`);
      });
      assert.equal(new DataView(piece.buffer, piece.byteOffset).getUint32(0), next);
      const at = next * 512 * 1024;
      assert.deepEqual(piece.subarray(8), file.subarray(at, at + 16384), `piece ${next}`);
    }
    await conn.write(frame(0x0e)); // have all: it got the rest elsewhere
    assert.ok(await frames.staysOpen(1000), "ours closed the connection after a late have-all");
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

/** A peer wire message: length, id, payload. */
function frame(id: number, payload: Uint8Array = new Uint8Array()): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  new DataView(out.buffer).setUint32(0, 1 + payload.length);
  out[4] = id;
  out.set(payload, 5);
  return out;
}

/** Reads raw bytes and peer wire messages from a connection. */
function frameReader(conn: Deno.Conn) {
  let buffer = new Uint8Array(0);
  const fill = async (need: number, until: number) => {
    while (buffer.length < need) {
      const chunk = new Uint8Array(65536);
      const left = until - Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        conn.read(chunk).catch(() => null),
        new Promise<"late">((resolve) => timer = setTimeout(() => resolve("late"), left)),
      ]).finally(() => clearTimeout(timer));
      if (n === "late") throw new Error("ours sent nothing more in time");
      if (n === null) throw new Error("ours closed the connection");
      const next = new Uint8Array(buffer.length + n);
      next.set(buffer);
      next.set(chunk.subarray(0, n), buffer.length);
      buffer = next;
    }
  };
  const take = (n: number) => {
    const out = buffer.slice(0, n);
    buffer = buffer.subarray(n);
    return out;
  };
  return {
    async raw(n: number, timeoutMs = 5000): Promise<Uint8Array> {
      await fill(n, Date.now() + timeoutMs);
      return take(n);
    },
    /** Reads and drops whatever comes for `ms`: false if the connection closes meanwhile. */
    async staysOpen(ms: number): Promise<boolean> {
      const deadline = Date.now() + ms;
      try {
        for (;;) {
          await fill(buffer.length + 1, deadline);
          buffer = new Uint8Array(0);
        }
      } catch (error) {
        return (error as Error).message !== "ours closed the connection";
      }
    },
    /** Skips messages until one with `id` arrives; gives its payload. */
    async until(id: number, timeoutMs: number): Promise<Uint8Array> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await fill(4, deadline);
        const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(0);
        await fill(4 + length, deadline);
        const message = take(4 + length);
        if (length > 0 && message[4] === id) return message.subarray(5);
      }
    },
  };
}
