/**
 * Our client killed with SIGKILL mid-download and restarted into the same
 * folder: the CLI `download --json` runs in a subprocess against a seeder in
 * this process; once more than a fifth is verified it is killed, then run
 * again. The second run must start from what the first verified and fetch
 * only the rest, measured by its own progress records and by the bytes the
 * seeder sent; the file must end byte for byte right.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Client } from "../../src/client.ts";
import {
  addressOf,
  assertDownloaded,
  loopbackClient,
  makeFixture,
  removeDirs,
  type Throttle,
  throttledTransport,
  waitFor,
  within,
} from "./_helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A record of `download --json`. */
interface Progress {
  type: string;
  state?: string;
  verified?: number;
  downloaded?: number;
  length?: number;
}

/** A running `torrent download --json`, its records collected as they come. */
class Download {
  readonly child: Deno.ChildProcess;
  readonly records: Progress[] = [];
  #stderr = "";
  #reading: Promise<void>;

  constructor(torrentPath: string, out: string, seeder: Client) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        "--quiet",
        `${ROOT}src/cli/main.ts`,
        "download",
        torrentPath,
        "-o",
        out,
        "--peer",
        `127.0.0.1:${addressOf(seeder).port}`,
        "--port",
        "0",
        "--json",
        "--no-dht",
      ],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#reading = Promise.all([this.#readRecords(), this.#readStderr()]).then(() => {});
  }

  /** The progress records so far. */
  get progress(): Progress[] {
    return this.records.filter((r) => r.type === "progress");
  }

  /** Standard error so far, for failure messages. */
  get stderr(): string {
    return this.#stderr;
  }

  /** Waits for the process to end and its output to be read. */
  async finished(): Promise<Deno.CommandStatus> {
    const status = await this.child.status;
    await this.#reading;
    return status;
  }

  /** Kills it if it still runs, and waits. */
  async stop(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await this.finished();
  }

  async #readRecords(): Promise<void> {
    let pending = "";
    for await (const text of this.child.stdout.pipeThrough(new TextDecoderStream())) {
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) if (line.trim() !== "") this.records.push(JSON.parse(line));
    }
  }

  async #readStderr(): Promise<void> {
    for await (const text of this.child.stderr.pipeThrough(new TextDecoderStream())) {
      this.#stderr += text;
    }
  }
}

Deno.test("SIGKILL mid-download, then a restart into the same folder resumes without fetching verified pieces again", async () => {
  const fixture = await makeFixture({ length: 4 * 1024 * 1024, pieceLength: 65536, seed: 61 });
  const length = fixture.data.length;
  const work = await Deno.makeTempDir({ prefix: "faults-kill-" });
  const torrentPath = `${work}/data.torrent`;
  await Deno.writeFile(torrentPath, fixture.torrent);
  const out = `${work}/out`;
  await Deno.mkdir(out);
  // 1 MiB/s: the first run takes about four seconds, so it is killed midway.
  const throttle: Throttle = { bytesPerSecond: 1024 * 1024 };
  const seeder = await loopbackClient({ transports: [throttledTransport(throttle)] });
  let first: Download | null = null;
  let second: Download | null = null;
  try {
    const seeding = await seeder.add(fixture.torrent, { dir: fixture.seedDir });

    first = new Download(torrentPath, out, seeder);
    const run1 = first;
    await waitFor(() => run1.progress.some((r) => r.verified! > length / 5), {
      timeoutMs: 20_000,
      what: `more than a fifth verified (records: ${JSON.stringify(run1.records)}; ` +
        `stderr: ${run1.stderr})`,
    });
    run1.child.kill("SIGKILL");
    const killed = await run1.finished();
    assert.equal(killed.signal, "SIGKILL");
    const before = run1.progress.at(-1)!.verified!;
    assert.ok(before > length / 5 && before < length, `verified before the kill: ${before}`);
    assert.ok(
      !run1.records.some((r) => r.type === "done"),
      "the first run finished before the kill",
    );

    // The seeder sees the dead leecher go; from here every byte it sends is the second run's.
    await waitFor(() => seeding.peers.length === 0, { timeoutMs: 5_000, what: "the kill noticed" });
    const sentBefore = seeding.uploaded;
    // Still throttled, so the second run lasts long enough to report progress before the end.
    throttle.bytesPerSecond = 2 * 1024 * 1024;

    second = new Download(torrentPath, out, seeder);
    const status = await within(second.finished(), 30_000, "the second run to finish");
    assert.equal(status.code, 0, `the second run failed: ${second.stderr}`);
    const records = second.progress;
    assert.ok(records.length >= 2, `progress records: ${JSON.stringify(second.records)}`);
    assert.ok(second.records.some((r) => r.type === "done"), "no done record");
    const resumedAt = records[0]!.verified!;
    assert.ok(resumedAt >= before, `resumed at ${resumedAt}, had ${before} verified before`);
    const last = records.at(-1)!;
    assert.equal(last.verified, length);
    const missing = length - before;
    const slack = fixture.meta.pieceLength; // a piece in flight to the one peer
    assert.ok(
      last.downloaded! <= missing + slack,
      `the second run downloaded ${last.downloaded} bytes; ${missing} were missing`,
    );
    const sent = seeding.uploaded - sentBefore;
    assert.ok(
      sent <= missing + slack,
      `the seeder sent the second run ${sent} bytes; ${missing} were missing`,
    );
    await assertDownloaded(fixture, out);
  } finally {
    await first?.stop();
    await second?.stop();
    await seeder.close();
    await removeDirs(work, fixture.seedDir);
  }
});

// The first JSON record ("checked") comes after the data on disk is checked
// and before any peer is contacted.
Deno.test("download --json: the first record shows the data found on disk, before anything is fetched", async () => {
  const fixture = await makeFixture({ length: 2 * 1024 * 1024, pieceLength: 65536, seed: 62 });
  const half = fixture.data.length / 2;
  const work = await Deno.makeTempDir({ prefix: "faults-kill-" });
  const torrentPath = `${work}/data.torrent`;
  await Deno.writeFile(torrentPath, fixture.torrent);
  const out = `${work}/out`;
  await Deno.mkdir(out);
  await Deno.writeFile(`${out}/${fixture.name}`, fixture.data.subarray(0, half));
  const seeder = await loopbackClient({
    transports: [throttledTransport({ bytesPerSecond: 512 * 1024 })],
  });
  let run: Download | null = null;
  try {
    await seeder.add(fixture.torrent, { dir: fixture.seedDir });
    run = new Download(torrentPath, out, seeder);
    const started = run;
    await waitFor(() => started.progress.length > 0, {
      timeoutMs: 10_000,
      what: `a progress record (stderr: ${started.stderr})`,
    });
    const first = started.progress[0]!;
    assert.deepEqual(
      { verified: first.verified, downloaded: first.downloaded },
      { verified: half, downloaded: 0 },
      "the first record should show the half on disk and nothing fetched yet",
    );
  } finally {
    await run?.stop();
    await seeder.close();
    await removeDirs(work, fixture.seedDir);
  }
});
