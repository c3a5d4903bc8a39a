/**
 * Starts Debian's `opentracker` on a free loopback port (HTTP and UDP on the
 * same number) for interop tests, and stops it. Debian builds it in whitelist
 * mode, so the info hashes to track are written to a whitelist file first.
 *
 * {@link haveOpentracker} checks for the binary first: when it is missing it
 * prints `skipping: opentracker is not installed` and gives false, so tests
 * can be ignored; with `CI=true` a missing binary throws instead, because CI
 * must run every interop test.
 *
 * @example
 * ```ts ignore
 * const installed = await haveOpentracker();
 * Deno.test({ name: "…", ignore: !installed, async fn() {
 *   const tracker = await startOpentracker([infoHash]);
 *   try { … } finally { await tracker.stop(); }
 * } });
 * ```
 *
 * @module
 */

import { toHex } from "../../src/bytes.ts";
import { requireTool } from "../interop/_tools.ts";

/** A running opentracker. */
export interface OpenTracker {
  /** `http://127.0.0.1:PORT/announce` */
  http: string;
  /** `udp://127.0.0.1:PORT/announce` */
  udp: string;
  /** Stops the process and removes its files. */
  stop(): Promise<void>;
}

/**
 * Tells whether opentracker is installed; outside CI a missing one prints
 * `skipping: opentracker is not installed`.
 *
 * @throws {Error} When it is missing and `CI` is `"true"`.
 */
export function haveOpentracker(): Promise<boolean> {
  return requireTool("opentracker");
}

/**
 * Starts opentracker on a free port of 127.0.0.1, tracking `infoHashes`,
 * and waits until it answers.
 *
 * opentracker binds with `SO_REUSEPORT`, so two instances started on the same
 * port both run and share its traffic. To keep others off ours, the port is
 * picked and bound under a lock shared by every test process, and readiness
 * is probed with a random hash only this instance knows, over several fresh
 * connections: an answer from another instance means the port is shared, and
 * another is tried.
 *
 * @param infoHashes The 20-byte info hashes it will accept.
 * @throws {Error} When it will not start.
 */
export async function startOpentracker(infoHashes: readonly Uint8Array[]): Promise<OpenTracker> {
  const dir = await Deno.makeTempDir({ prefix: "opentracker-" });
  const canary = crypto.getRandomValues(new Uint8Array(20));
  // opentracker changes root to `dir` and drops privileges when run as root.
  await Deno.chmod(dir, 0o755);
  const whitelist = [canary, ...infoHashes].map((h) => `${toHex(h)}\n`).join("");
  await Deno.writeTextFile(`${dir}/whitelist`, whitelist);
  await Deno.chmod(`${dir}/whitelist`, 0o644);
  for (let attempt = 0; attempt < 5; attempt++) {
    const started = await underLock(`${dirname(dir)}/seed-opentracker.lock`, async () => {
      const port = freePort();
      const child = new Deno.Command("opentracker", {
        args: ["-i", "127.0.0.1", "-p", `${port}`, "-P", `${port}`, "-w", "whitelist", "-d", dir],
        cwd: dir,
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      const http = `http://127.0.0.1:${port}/announce`;
      if (await ready(http, canary, child.status)) return { child, http, port };
      try {
        child.kill("SIGKILL");
      } catch {
        // it had already exited (the port was taken)
      }
      await child.status;
      return null;
    });
    if (started === null) continue;
    const { child, http, port } = started;
    return {
      http,
      udp: `udp://127.0.0.1:${port}/announce`,
      async stop() {
        child.kill("SIGTERM");
        await child.status;
        await Deno.remove(dir, { recursive: true });
      },
    };
  }
  await Deno.remove(dir, { recursive: true });
  throw new Error("opentracker would not start");
}

/** Runs `fn` holding an exclusive lock on `path` (a file, created if needed). */
async function underLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  using file = await Deno.open(path, { create: true, write: true });
  await file.lock(true);
  try {
    return await fn();
  } finally {
    await file.unlock();
  }
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}

/** A port free for both TCP and UDP on 127.0.0.1 at the time of asking. */
function freePort(): number {
  for (;;) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr;
    listener.close();
    try {
      Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port }).close();
      return port;
    } catch {
      // taken for UDP: pick another
    }
  }
}

/** Probes answered by our own instance, each over a new connection, before it counts as ready. */
const PROBES = 8;

/**
 * Waits until the tracker answers and has read its whitelist, and checks
 * that no other instance shares the port: a `stopped` announce for the
 * canary hash, which only this instance accepts, must succeed {@link PROBES}
 * times in a row.
 */
async function ready(
  http: string,
  canary: Uint8Array,
  exited: Promise<Deno.CommandStatus>,
): Promise<boolean> {
  let gone = false;
  exited.then(() => (gone = true));
  const hash = Array.from(canary, (b) => `%${b.toString(16).padStart(2, "0")}`).join("");
  const probe = `${http}?info_hash=${hash}&peer_id=${"-probe-".padEnd(20, "0")}` +
    "&port=1&uploaded=0&downloaded=0&left=0&compact=1&event=stopped";
  const deadline = Date.now() + 5000;
  let answered = 0;
  while (!gone && Date.now() < deadline) {
    let text: string | null = null;
    try {
      // opentracker speaks HTTP/1.0 and closes: each probe is a new connection.
      text = await (await fetch(probe)).text();
    } catch {
      // not listening yet
    }
    if (text !== null && !text.includes("failure reason")) {
      if (++answered === PROBES) return true;
      continue;
    }
    // Not ready yet, or another instance answered: a shared port never becomes ours.
    if (answered > 0) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
