import assert from "node:assert/strict";
import { main } from "../../src/cli/main.ts";
import { parseMagnet } from "../../src/metainfo/magnet.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { pseudoRandomBytes } from "../_data.ts";

/** Runs the CLI in-process and captures what it writes. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, {
    out: (t) => out += t,
    err: (t) => err += t,
    errIsTerminal: false,
  });
  return { code, out, err };
}

async function folder(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "cli-test-" });
  await Deno.mkdir(`${dir}/album/disc 2`, { recursive: true });
  await Deno.writeFile(`${dir}/album/01.flac`, pseudoRandomBytes(300_000, 1));
  await Deno.writeFile(`${dir}/album/disc 2/02.flac`, pseudoRandomBytes(200_000, 2));
  return dir;
}

Deno.test("create, info --json and magnet agree on one torrent", async () => {
  const dir = await folder();
  const out = `${dir}/album.torrent`;
  const created = await run(
    "create",
    `${dir}/album`,
    "-o",
    out,
    "--announce",
    "http://127.0.0.1:6969/announce",
    "--announce",
    "udp://127.0.0.1:6969",
    "--webseed",
    "http://127.0.0.1:8080/",
    "--piece-length",
    "32K",
    "--private",
    "--comment",
    "test",
    "--hybrid",
  );
  assert.equal(created.code, 0, created.err);
  assert.match(created.err, /hashing 100%/);
  assert.match(created.out, /info hash v2: [0-9a-f]{64}/);

  const info = await run("info", out, "--json");
  assert.equal(info.code, 0, info.err);
  const json = JSON.parse(info.out);
  assert.deepEqual(Object.keys(json), [
    "name",
    "infoHash",
    "infoHashV2",
    "pieceLength",
    "pieceCount",
    "length",
    "files",
    "announce",
    "urlList",
    "private",
  ]);
  const meta = await parseTorrent(await Deno.readFile(out));
  assert.equal(json.name, "album");
  assert.equal(json.infoHash, meta.infoHash);
  assert.equal(json.infoHashV2, meta.infoHashV2);
  assert.equal(json.pieceLength, 32768);
  assert.equal(json.pieceCount, meta.pieceCount);
  assert.equal(json.length, 500_000);
  assert.deepEqual(json.files, [
    { path: "album/01.flac", length: 300_000 },
    { path: "album/disc 2/02.flac", length: 200_000 },
  ]);
  assert.deepEqual(json.announce, ["http://127.0.0.1:6969/announce", "udp://127.0.0.1:6969"]);
  assert.deepEqual(json.urlList, ["http://127.0.0.1:8080/"]);
  assert.equal(json.private, true);
  assert.equal(meta.comment, "test");

  const human = await run("info", out);
  assert.match(human.out, /version: +hybrid/);
  assert.match(human.out, /pieces: +17\n/);
  assert.match(human.out, /files \(2\):\n +300000 {2}album\/01\.flac/);

  const magnet = await run("magnet", out);
  assert.equal(magnet.code, 0);
  const parsed = parseMagnet(magnet.out.trim());
  assert.equal(parsed.infoHash, meta.infoHash);
  assert.equal(parsed.infoHashV2, meta.infoHashV2);
  assert.equal(parsed.name, "album");
  assert.equal(parsed.length, 500_000);
  assert.deepEqual(parsed.trackers, json.announce);

  const fromMagnet = await run("info", magnet.out.trim(), "--json", "--offline");
  assert.equal(JSON.parse(fromMagnet.out).infoHash, meta.infoHash);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("create: single file v1 by default, --v2", async () => {
  const dir = await folder();
  const single = await run("create", `${dir}/album/01.flac`, "-o", `${dir}/one.torrent`);
  assert.equal(single.code, 0, single.err);
  const meta = await parseTorrent(await Deno.readFile(`${dir}/one.torrent`));
  assert.equal(meta.version, 1);
  assert.equal(meta.singleFile, true);
  assert.equal(meta.name, "01.flac");
  const v2 = await run("create", `${dir}/album`, "-o", `${dir}/v2.torrent`, "--v2");
  assert.equal(v2.code, 0, v2.err);
  assert.equal((await parseTorrent(await Deno.readFile(`${dir}/v2.torrent`))).version, 2);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bad usage exits 2 with the usage; bad input exits 1 with one line", async () => {
  const dir = await folder();
  const usage: string[][] = [
    [],
    ["frobnicate"],
    ["info"],
    ["info", "a", "b"],
    ["info", "x.torrent", "--bogus"],
    ["create", `${dir}/album`],
    ["create", `${dir}/album`, "-o", `${dir}/x.torrent`, "--v2", "--hybrid"],
    ["create", `${dir}/album`, "-o", `${dir}/x.torrent`, "--piece-length", "lots"],
    ["create", `${dir}/album`, "-o", `${dir}/x.torrent`, "--announce", "not a url"],
    ["magnet"],
  ];
  for (const args of usage) {
    const result = await run(...args);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.err}`);
    assert.match(result.err + result.out, /Usage: torrent/);
  }
  await Deno.writeFile(`${dir}/garbage.torrent`, new TextEncoder().encode("d4:infoi1ee"));
  const input: [string[], RegExp][] = [
    [["info", `${dir}/missing.torrent`], /Cannot read .*missing\.torrent/],
    [["info", `${dir}/garbage.torrent`], /Cannot parse torrent: "info" is not a dictionary/],
    [["info", "magnet:?xt=urn:btih:xyz"], /Cannot parse magnet URI/],
    [["magnet", `${dir}/album/01.flac`], /Cannot decode bencode at byte 0/],
    [["create", `${dir}/nothing`, "-o", `${dir}/x.torrent`], /nothing/],
    [
      ["create", `${dir}/album`, "-o", `${dir}/x.torrent`, "--piece-length", "1000"],
      /not a power of two/,
    ],
  ];
  for (const [args, message] of input) {
    const result = await run(...args);
    assert.equal(result.code, 1, `${args.join(" ")}: ${result.err}`);
    assert.match(result.err, message);
    assert.equal(result.err.trim().split("\n").length, 1, result.err);
  }
  const help = await run("create", "--help");
  assert.equal(help.code, 0);
  assert.match(help.out, /--piece-length BYTES/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the deno task runs the CLI as a process with its exit codes", async () => {
  const dir = await folder();
  const task = (...args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "torrent", ...args],
      cwd: new URL("../..", import.meta.url).pathname,
      stdin: "null",
      env: { NO_COLOR: "1" },
    }).output();
  const created = await task("create", `${dir}/album`, "-o", `${dir}/t.torrent`);
  assert.equal(created.code, 0, new TextDecoder().decode(created.stderr));
  const info = await task("info", `${dir}/t.torrent`, "--json");
  assert.equal(info.code, 0);
  assert.equal(JSON.parse(new TextDecoder().decode(info.stdout)).name, "album");
  assert.equal((await task("info", `${dir}/none.torrent`)).code, 1);
  assert.equal((await task("info")).code, 2);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bencode prints any bencoded file as JSON, binary strings as hex", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli-bencode-" });
  const file = `${dir}/reply.bencode`;
  const bytes = new Uint8Array([
    ...new TextEncoder().encode("d8:intervali1800e5:peers6:"),
    127,
    0,
    0,
    1,
    0x1a,
    0xe1,
    ...new TextEncoder().encode("1:"),
    0xff,
    ...new TextEncoder().encode("li-1e0:ee"),
  ]);
  await Deno.writeFile(file, bytes);
  const result = await run("bencode", file);
  assert.equal(result.code, 0, result.err);
  assert.deepEqual(JSON.parse(result.out), {
    interval: 1800,
    peers: { hex: "7f0000011ae1" },
    "hex:ff": [-1, ""],
  });
  await Deno.writeFile(file, new TextEncoder().encode("d1:ai1e"));
  const bad = await run("bencode", file);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /Cannot decode bencode at byte 7: truncated/);
  await Deno.remove(dir, { recursive: true });
});
