import assert from "node:assert/strict";
import { requireTool, run } from "../interop/_tools.ts";
import { makeSeedFile, startSeeder } from "../stream/_swarm.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MIB = 1024 * 1024;

/** Reads newline-delimited JSON from a process's stdout until `match` accepts a record. */
async function waitForRecord(
  lines: AsyncIterator<string>,
  match: (record: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    const record = JSON.parse(next.value);
    if (match(record)) return record;
  }
  throw new Error("the process ended first");
}

async function* splitLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    buffer += text;
    for (let at; (at = buffer.indexOf("\n")) >= 0;) {
      yield buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
    }
  }
}

Deno.test("torrent serve as a process from a fresh clone: curl --range gets the file's bytes while it downloads", async () => {
  if (!(await requireTool("curl"))) return;
  const seed = await makeSeedFile(32 * MIB, 256 * 1024, "movie.mp4");
  const seeder = await startSeeder(seed);
  const out = await Deno.makeTempDir({ prefix: "serve-out-" });
  await Deno.writeFile(`${out}/movie.torrent`, seed.torrent);
  // From a fresh clone: what `deno task torrent` runs (the task's own
  // process does not pass Ctrl-C on, so the test runs the command itself).
  const clone = await Deno.makeTempDir({ prefix: "serve-clone-" });
  assert.equal((await run(["git", "clone", "--quiet", ROOT, clone])).code, 0);
  const serve = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-net",
      "src/cli/main.ts",
      "serve",
      `${out}/movie.torrent`,
      "-o",
      `${out}/data`,
      "--port",
      "0",
      "--peer-port",
      "0",
      "--peer",
      `127.0.0.1:${seeder.port}`,
      "--no-dht",
      "--transports",
      "tcp",
      "--json",
    ],
    cwd: clone,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = splitLines(serve.stdout);
  let draining: Promise<void> | undefined;
  try {
    const { url } = await waitForRecord(lines, (r) => r.type === "listening") as { url: string };
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    // Keep reading progress records, so the process never blocks on a full pipe.
    let last = "";
    draining = (async () => {
      for await (const line of lines) last = line;
    })();
    const index = await run(["curl", "-sS", url]);
    assert.match(index.stdout, /href="\/0\/movie\.mp4"/);
    const file = `${url}0/movie.mp4`;
    const ranges: [number, number][] = [[20_000_000, 20_400_000], [5, 70_000], [
      33_000_000,
      33_554_431,
    ]];
    for (const [start, end] of ranges) {
      const got = await run([
        "curl",
        "-sS",
        "-m",
        "60",
        "--fail",
        "--range",
        `${start}-${end}`,
        file,
        "-o",
        `${out}/part`,
      ]);
      assert.equal(got.code, 0, `${got.stderr} ${last}`);
      assert.deepEqual(await Deno.readFile(`${out}/part`), seed.data.subarray(start, end + 1));
    }
    const head = await run(["curl", "-sS", "-I", "--range", "0-99", file]);
    assert.match(head.stdout, /^HTTP\/1\.1 206/);
    assert.match(head.stdout, /content-type: video\/mp4/i);
    assert.match(head.stdout, /accept-ranges: bytes/i);
    const unsatisfiable = await run([
      "curl",
      "-sS",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "--range",
      "40000000-",
      file,
    ]);
    assert.equal(unsatisfiable.stdout, "416");
  } finally {
    serve.kill("SIGINT");
    await draining;
    const status = await serve.status;
    await seeder.close();
    await Deno.remove(out, { recursive: true });
    await Deno.remove(seed.dir, { recursive: true });
    await Deno.remove(clone, { recursive: true });
    assert.equal(status.code, 0, "Ctrl-C ends serve cleanly");
  }
});
