/**
 * Our metainfo against real tools: mktorrent, Transmission (transmission-create,
 * transmission-show) and libtorrent 2.0 (through `_libtorrent.py`).
 *
 * - The committed corpus in test/fixtures/torrents/ parses to what the tools
 *   reported when it was made (test/fixtures/make_fixtures.sh).
 * - Torrents the tools make now, from data written here, parse to what the
 *   tools report about them.
 * - Torrents we make load in libtorrent and transmission-show with our info
 *   hashes, equal libtorrent's own for the same data, and libtorrent checks
 *   the data against them.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createTorrent, type SourceFile } from "../../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import type { Metainfo, TorrentVersion } from "../../src/metainfo/types.ts";
import { PYTHON, requireTool, run } from "./_tools.ts";

const FIXTURES = new URL("../fixtures/torrents/", import.meta.url);
const LT_CLI = fileURLToPath(new URL("./_libtorrent.py", import.meta.url));
const TRACKERS = [
  ["http://127.0.0.1:6969/announce", "http://127.0.0.1:6970/announce"],
  ["http://127.0.0.1:6971/announce"],
];
const WEB_SEEDS = ["http://127.0.0.1:8000/files/", "http://127.0.0.1:8001/mirror/"];
const KiB = 1024;
const PIECE_LENGTHS = [16 * KiB, 64 * KiB, 1024 * KiB];
/** Every combination made private in the live tests uses this piece length. */
const PRIVATE_PIECE_LENGTH = 64 * KiB;

const have = {
  mktorrent: await requireTool("mktorrent"),
  transmissionCreate: await requireTool("transmission-create"),
  transmissionShow: await requireTool("transmission-show"),
  libtorrent: await requireTool("libtorrent"),
};

// ---------------------------------------------------------------------------
// What the tools report

/** One file as libtorrent's file_storage reports it. */
interface LtFile {
  path: string;
  size: number;
  offset: number;
  pad: boolean;
}

/** `_libtorrent.py info`: libtorrent's torrent_info. */
interface LtInfo {
  name: string;
  v1: string | null;
  v2: string | null;
  num_pieces: number;
  piece_length: number;
  total_size: number;
  private: boolean;
  trackers: { url: string; tier: number }[];
  web_seeds: string[];
  comment: string;
  files: LtFile[];
}

/** What transmission-show prints, parsed. */
interface ShowInfo {
  hash: string;
  name: string;
  pieceCount: number;
  pieceSize: number;
  private: boolean;
  /** In transmission-show's display order. */
  files: string[];
  trackers: string[][];
  webSeeds: string[];
}

/** A fixture's `.json`. */
interface Reference {
  torrent: string;
  generator: string;
  libtorrent: LtInfo;
  transmissionShow: ShowInfo | null;
}

async function lt(args: string[]): Promise<string> {
  const result = await run([PYTHON, LT_CLI, ...args]);
  if (result.code !== 0) {
    throw new Error(`_libtorrent.py ${args.join(" ")} failed (${result.code}): ${result.stderr}`);
  }
  return result.stdout;
}

async function ltInfo(torrent: string): Promise<LtInfo> {
  return JSON.parse(await lt(["info", torrent]));
}

/** Parses transmission-show's report, or null when it cannot read the torrent. */
async function transmissionShow(torrent: string): Promise<ShowInfo | null> {
  const { code, stdout } = await run(["transmission-show", torrent], { env: { TZ: "UTC" } });
  if (code !== 0) return null;
  const units: Record<string, number> = { B: 1, KiB, MiB: KiB ** 2, GiB: KiB ** 3 };
  const show: ShowInfo = {
    hash: "",
    name: "",
    pieceCount: -1,
    pieceSize: -1,
    private: false,
    files: [],
    trackers: [],
    webSeeds: [],
  };
  let section = "";
  for (const line of stdout.split("\n")) {
    if (/^[A-Z]+$/.test(line)) {
      section = line;
      continue;
    }
    const text = line.trim();
    if (!text) continue;
    if (section === "GENERAL") {
      const [key, value = ""] = text.split(/: (.*)/s);
      if (key === "Hash") show.hash = value;
      if (key === "Name") show.name = value;
      if (key === "Piece Count") show.pieceCount = Number(value);
      if (key === "Piece Size") {
        const [number = "", unit = ""] = value.split(" ");
        show.pieceSize = Math.round(Number(number) * (units[unit] ?? NaN));
      }
      if (key === "Privacy") show.private = value === "Private torrent";
    } else if (section === "TRACKERS") {
      if (text.startsWith("Tier #")) show.trackers.push([]);
      else show.trackers.at(-1)?.push(text);
    } else if (section === "WEBSEEDS") {
      show.webSeeds.push(text);
    } else if (section === "FILES") {
      show.files.push(text.replace(/ \([^()]*\)$/, ""));
    }
  }
  return show;
}

/** transmission-show's major version (3.00 cannot read torrents with a v2 file tree). */
async function transmissionMajor(): Promise<number> {
  const { stdout, stderr } = await run(["transmission-show", "-V"]);
  return Number(/transmission-show (\d+)\./.exec(stdout + stderr)?.[1] ?? NaN);
}

// ---------------------------------------------------------------------------
// Comparisons

function realFiles(meta: Metainfo): { path: string; size: number; offset: number }[] {
  return meta.files.filter((f) => !f.padding).map((f) => ({
    path: f.path.join("/"),
    size: f.length,
    offset: f.offset,
  }));
}

function padFiles(meta: Metainfo): { path: string; size: number; offset: number }[] {
  return meta.files.filter((f) => f.padding).map((f) => ({
    path: f.path.join("/"),
    size: f.length,
    offset: f.offset,
  }));
}

function ltFiles(info: LtInfo, pad: boolean): { path: string; size: number; offset: number }[] {
  return info.files.filter((f) => f.pad === pad).map((f) => ({
    path: f.path,
    size: f.size,
    offset: f.offset,
  }));
}

/** Our parse of a torrent equals libtorrent's torrent_info of it. */
function assertMatchesLibtorrent(meta: Metainfo, ref: LtInfo, what: string): void {
  assert.equal(meta.name, ref.name, `${what}: name`);
  assert.equal(meta.infoHash, ref.v1, `${what}: v1 info hash`);
  assert.equal(meta.infoHashV2, ref.v2, `${what}: v2 info hash`);
  const version = ref.v1 && ref.v2 ? "hybrid" : ref.v2 ? 2 : 1;
  assert.equal(meta.version, version, `${what}: version`);
  assert.equal(meta.pieceLength, ref.piece_length, `${what}: piece length`);
  assert.equal(meta.pieceCount, ref.num_pieces, `${what}: piece count`);
  assert.equal(meta.private, ref.private, `${what}: private flag`);
  assert.deepEqual(realFiles(meta), ltFiles(ref, false), `${what}: files`);
  // libtorrent lays v2-only torrents out with pads too, but they are not in the torrent.
  if (ref.v1 !== null) assert.deepEqual(padFiles(meta), ltFiles(ref, true), `${what}: pad files`);
  else assert.deepEqual(padFiles(meta), [], `${what}: a v2-only torrent has no pad files`);
  const total = ltFiles(ref, false).reduce((sum, f) => sum + f.size, 0);
  assert.equal(meta.length, total, `${what}: length`);
}

/** Our trackers, web seeds and comment equal libtorrent's. */
function assertSameExtras(meta: Metainfo, ref: LtInfo, what: string): void {
  const tiers: string[][] = [];
  for (const { url, tier } of ref.trackers) (tiers[tier] ??= []).push(url);
  assert.deepEqual(
    meta.announce.map((tier) => [...tier].sort()),
    tiers.map((tier) => [...tier].sort()),
    `${what}: tracker tiers`,
  );
  assert.deepEqual(meta.urlList, ref.web_seeds, `${what}: web seeds`);
  assert.equal(meta.comment ?? "", ref.comment, `${what}: comment`);
}

/** Our parse of a torrent equals transmission-show's report of it. */
function assertMatchesTransmission(meta: Metainfo, show: ShowInfo, what: string): void {
  assert.equal(show.hash, meta.infoHash, `${what}: transmission-show hash`);
  assert.equal(show.name, meta.name, `${what}: transmission-show name`);
  assert.equal(show.pieceCount, meta.pieceCount, `${what}: transmission-show piece count`);
  assert.equal(show.pieceSize, meta.pieceLength, `${what}: transmission-show piece size`);
  assert.equal(show.private, meta.private, `${what}: transmission-show privacy`);
  assert.deepEqual(
    show.files.filter((p) => !/(^|\/)\.pad\//.test(p)).sort(),
    realFiles(meta).map((f) => f.path).sort(),
    `${what}: transmission-show files`,
  );
  assert.deepEqual(show.trackers, meta.announce, `${what}: transmission-show trackers`);
  assert.deepEqual(show.webSeeds, meta.urlList, `${what}: transmission-show web seeds`);
}

// ---------------------------------------------------------------------------
// a. The committed corpus

const fixtureNames = [...Deno.readDirSync(FIXTURES)]
  .map((entry) => entry.name)
  .filter((name) => name.endsWith(".torrent"))
  .sort();

async function loadFixture(name: string): Promise<{ meta: Metainfo; ref: Reference }> {
  const bytes = await Deno.readFile(new URL(name, FIXTURES));
  const json = await Deno.readTextFile(new URL(name.replace(/\.torrent$/, ".json"), FIXTURES));
  return { meta: await parseTorrent(bytes), ref: JSON.parse(json) };
}

for (const name of fixtureNames) {
  Deno.test(`fixture ${name} parses to what libtorrent and transmission-show report`, async () => {
    const { meta, ref } = await loadFixture(name);
    assert.equal(ref.torrent, name);
    assertMatchesLibtorrent(meta, ref.libtorrent, name);
    assertSameExtras(meta, ref.libtorrent, name);
    if (ref.transmissionShow) assertMatchesTransmission(meta, ref.transmissionShow, name);
    else assert.notEqual(meta.version, 1, `${name}: transmission-show reads every v1 torrent`);
  });
}

Deno.test("fixture corpus covers every generator, version and feature", async () => {
  const all = await Promise.all(fixtureNames.map(loadFixture));
  const generators = new Set(all.map(({ ref }) => ref.generator.split(" ")[0]));
  assert.deepEqual([...generators].sort(), ["libtorrent", "mktorrent", "transmission-create"]);
  const has = (test: (meta: Metainfo) => boolean) => all.some(({ meta }) => test(meta));
  for (const version of [1, 2, "hybrid"] as const) {
    assert.ok(has((m) => m.version === version), `a version ${version} torrent`);
  }
  assert.ok(has((m) => m.private), "a private torrent");
  assert.ok(has((m) => m.singleFile) && has((m) => !m.singleFile), "single and multi-file");
  assert.ok(has((m) => m.files.some((f) => f.padding)), "pad files");
  assert.ok(has((m) => m.files.some((f) => !f.padding && f.length === 0)), "an empty file");
  assert.ok(has((m) => m.files.some((f) => f.path.length > 3)), "nested folders");
  assert.ok(has((m) => m.files.some((f) => /[^ -~]/.test(f.path.join("/")))), "UTF-8 names");
  assert.ok(has((m) => m.urlList.length > 1), "web seeds");
  assert.ok(has((m) => m.announce.length > 1), "tracker tiers");
  assert.ok(has((m) => m.comment !== null), "a comment");
  const pieceLengths = new Set(all.map(({ meta }) => meta.pieceLength));
  assert.ok(pieceLengths.size >= 4, `several piece lengths: ${[...pieceLengths]}`);
  assert.ok(pieceLengths.has(16 * KiB) && pieceLengths.has(1024 * KiB), "16 KiB and 1 MiB");
});

// ---------------------------------------------------------------------------
// Data for the live tests

/** Files written for the live tests: [path, size]. */
const DATA: readonly (readonly [string, number])[] = [
  ["single.bin", 200_000],
  ["folder/B-upper.bin", 16_384],
  ["folder/a.txt", 5],
  ["folder/b.bin", 70_000],
  ["folder/sub-x.bin", 1_000],
  ["folder/sub/empty.txt", 0],
  ["folder/sub/deep/c.bin", 140_000],
  ["folder/z/ünï-名.dat", 33_333],
];

/** Writes {@link DATA} under a new temporary folder, from a fixed xorshift generator. */
async function makeData(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "metainfo_tools_" });
  let state = 0x9e3779b9;
  for (const [path, size] of DATA) {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      bytes[i] = state & 0xff;
    }
    await Deno.mkdir(`${dir}/${path.slice(0, path.lastIndexOf("/") + 1)}`, { recursive: true });
    await Deno.writeFile(`${dir}/${path}`, bytes);
  }
  return dir;
}

/** The files of `single.bin` or of `folder/` as libtorrent names them. */
function expectedFiles(source: "single.bin" | "folder"): { path: string; size: number }[] {
  return DATA.filter(([path]) => source === "folder" ? path.startsWith("folder/") : path === source)
    .map(([path, size]) => ({ path, size }));
}

/** Asserts that we list exactly the data's files, less empty ones where the tool omits them. */
function assertListsData(
  meta: Metainfo,
  source: "single.bin" | "folder",
  what: string,
  omitsEmpty: boolean,
): void {
  const ours = realFiles(meta).map(({ path, size }) => ({ path, size }));
  const byPath = (a: { path: string }, b: { path: string }) => a.path < b.path ? -1 : 1;
  assert.deepEqual(
    ours.sort(byPath),
    expectedFiles(source).filter((f) => !omitsEmpty || f.size > 0).sort(byPath),
    `${what}: the data's files`,
  );
}

function compareUtf8(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

/**
 * Our sources for `single.bin` or `folder/`, in Python's sorted os.walk order
 * (a folder's files, then its subfolders), the order `_libtorrent.py` gives
 * libtorrent for v1 torrents.
 */
async function sourcesOf(dir: string, source: "single.bin" | "folder"): Promise<SourceFile[]> {
  const sources: SourceFile[] = [];
  const add = async (path: string[]) => {
    const bytes = await Deno.readFile([dir, source, ...path].join("/"));
    sources.push({
      path: path.length === 0 ? [source] : path,
      length: bytes.length,
      stream: () => new Blob([bytes]).stream(),
    });
  };
  if (source === "single.bin") {
    await add([]);
    return sources;
  }
  const walk = async (path: string[]) => {
    const entries = [...Deno.readDirSync([dir, source, ...path].join("/"))];
    entries.sort((a, b) => compareUtf8(a.name, b.name));
    for (const entry of entries) if (entry.isFile) await add([...path, entry.name]);
    for (const entry of entries) if (entry.isDirectory) await walk([...path, entry.name]);
  };
  await walk([]);
  return sources;
}

const SOURCES = ["single.bin", "folder"] as const;
const VERSIONS: readonly TorrentVersion[] = [1, 2, "hybrid"];
const LT_VERSION = { 1: "v1", 2: "v2", hybrid: "hybrid" } as const;

/** Every version, piece length and source, as one list of cases. */
const GRID = VERSIONS.flatMap((version) =>
  PIECE_LENGTHS.flatMap((pieceLength) =>
    SOURCES.map((source) => ({ version, pieceLength, source }))
  )
);

/** Creates a torrent with libtorrent and returns its path. */
async function ltCreate(
  dir: string,
  source: string,
  version: TorrentVersion,
  pieceLength: number,
): Promise<string> {
  const out = `${dir}/lt-${source}-${version}-${pieceLength}.torrent`;
  const args = ["create", `${dir}/${source}`, out, LT_VERSION[version], String(pieceLength)];
  if (pieceLength === PRIVATE_PIECE_LENGTH) args.push("--private");
  await lt(args);
  return out;
}

async function withData(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await makeData();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Parses a tool's torrent and holds it against libtorrent and transmission-show. */
async function crossCheck(
  path: string,
  source: "single.bin" | "folder",
  what: string,
  omitsEmpty = false,
): Promise<Metainfo> {
  const meta = await parseTorrent(await Deno.readFile(path));
  assertListsData(meta, source, what, omitsEmpty);
  const ref = await ltInfo(path);
  assertMatchesLibtorrent(meta, ref, what);
  assertSameExtras(meta, ref, what);
  if (meta.version !== 2) {
    const show = await transmissionShow(path);
    if (show) assertMatchesTransmission(meta, show, what);
    else {
      assert.equal(meta.version, "hybrid", `${what}: transmission-show reads every v1 torrent`);
      assert.equal(await transmissionMajor(), 3, `${what}: only Transmission 3 rejects hybrids`);
    }
  }
  return meta;
}

// ---------------------------------------------------------------------------
// b. Torrents the tools make now

Deno.test({
  name: "mktorrent torrents parse to what libtorrent and transmission-show report",
  ignore: !(have.mktorrent && have.transmissionShow && have.libtorrent),
  fn: () =>
    withData(async (dir) => {
      // mktorrent 1.1 takes piece sizes from 2^15: 32 KiB instead of 16 KiB.
      for (const log of [15, 16, 20]) {
        for (const source of SOURCES) {
          const out = `${dir}/mk-${source}-${log}.torrent`;
          const args = ["mktorrent", "-d", "-l", String(log), "-o", out];
          args.push("-a", TRACKERS[0]!.join(","), "-a", TRACKERS[1]![0]!, "-w", WEB_SEEDS[0]!);
          if (2 ** log === PRIVATE_PIECE_LENGTH) args.push("-p", "-c", "private one");
          const result = await run([...args, source], { cwd: dir });
          assert.equal(result.code, 0, result.stderr);
          const meta = await crossCheck(out, source, `mktorrent -l ${log} ${source}`);
          assert.equal(meta.pieceLength, 2 ** log);
          assert.equal(meta.private, 2 ** log === PRIVATE_PIECE_LENGTH);
          assert.deepEqual(meta.announce, TRACKERS);
        }
      }
    }),
});

Deno.test({
  name: "transmission-create torrents parse to what libtorrent and transmission-show report",
  ignore: !(have.transmissionCreate && have.transmissionShow && have.libtorrent),
  fn: () =>
    withData(async (dir) => {
      for (const pieceLength of PIECE_LENGTHS) {
        for (const source of SOURCES) {
          const out = `${dir}/tr-${source}-${pieceLength}.torrent`;
          const args = ["transmission-create", "-o", out, "-s", String(pieceLength / KiB)];
          args.push("-t", TRACKERS[0]![0]!, "-t", TRACKERS[1]![0]!, "-c", "a comment");
          if (pieceLength === PRIVATE_PIECE_LENGTH) args.push("-p");
          const result = await run([...args, source], { cwd: dir });
          assert.equal(result.code, 0, result.stderr);
          const what = `transmission-create -s ${pieceLength / KiB} ${source}`;
          // Transmission 3 leaves empty files out of the torrents it makes.
          const meta = await crossCheck(out, source, what, true);
          assert.equal(meta.pieceLength, pieceLength);
          assert.equal(meta.private, pieceLength === PRIVATE_PIECE_LENGTH);
          assert.equal(meta.comment, "a comment");
        }
      }
    }),
});

Deno.test({
  name: "libtorrent v1, v2 and hybrid torrents parse to what libtorrent reports",
  ignore: !(have.libtorrent && have.transmissionShow),
  fn: () =>
    withData(async (dir) => {
      for (const { version, pieceLength, source } of GRID) {
        const out = await ltCreate(dir, source, version, pieceLength);
        const what = `libtorrent ${LT_VERSION[version]} ${pieceLength} ${source}`;
        const meta = await crossCheck(out, source, what);
        assert.equal(meta.version, version, `${what}: version`);
        assert.equal(meta.pieceLength, pieceLength);
        assert.equal(meta.private, pieceLength === PRIVATE_PIECE_LENGTH);
      }
    }),
});

// ---------------------------------------------------------------------------
// c. Torrents we make

async function ourTorrent(
  dir: string,
  source: "single.bin" | "folder",
  version: TorrentVersion,
  pieceLength: number,
): Promise<string> {
  const bytes = await createTorrent(await sourcesOf(dir, source), {
    name: source,
    version,
    pieceLength,
    announce: TRACKERS,
    urlList: WEB_SEEDS,
    comment: `ours ${version} ${pieceLength}`,
    private: pieceLength === PRIVATE_PIECE_LENGTH,
    creationDate: new Date(1_700_000_000_000),
  });
  const out = `${dir}/ours-${source}-${version}-${pieceLength}.torrent`;
  await Deno.writeFile(out, bytes);
  return out;
}

Deno.test({
  name: "our torrents load in libtorrent and transmission-show with our info hashes",
  ignore: !(have.libtorrent && have.transmissionShow),
  fn: () =>
    withData(async (dir) => {
      for (const { version, pieceLength, source } of GRID) {
        const out = await ourTorrent(dir, source, version, pieceLength);
        const what = `ours ${version} ${pieceLength} ${source}`;
        // `_libtorrent.py info` fails for piece layers that do not hash to the pieces roots.
        const meta = await crossCheck(out, source, what);
        assert.equal(meta.version, version, `${what}: version`);
        assert.deepEqual(meta.announce, TRACKERS);
        assert.deepEqual(meta.urlList, WEB_SEEDS);
      }
    }),
});

Deno.test({
  name: "our torrents have libtorrent's info hashes for the same data and piece length",
  ignore: !have.libtorrent,
  fn: () =>
    withData(async (dir) => {
      const mismatches: string[] = [];
      for (const { version, pieceLength, source } of GRID) {
        const theirs = await ltInfo(await ltCreate(dir, source, version, pieceLength));
        const ours = await parseTorrent(
          await Deno.readFile(await ourTorrent(dir, source, version, pieceLength)),
        );
        const what = `${LT_VERSION[version]} ${pieceLength} ${source}`;
        if (ours.infoHash !== theirs.v1 || ours.infoHashV2 !== theirs.v2) {
          mismatches.push(
            `${what}: ours ${ours.infoHash}/${ours.infoHashV2}, libtorrent ${theirs.v1}/${theirs.v2}`,
          );
        }
      }
      assert.deepEqual(mismatches, [], "info hashes differ from libtorrent's");
    }),
});

Deno.test({
  name: "libtorrent checks the data against our v1, v2 and hybrid torrents",
  ignore: !have.libtorrent,
  fn: () =>
    withData(async (dir) => {
      const cases = [
        ["folder", 1, 16 * KiB],
        ["folder", 2, 16 * KiB],
        ["folder", "hybrid", 64 * KiB],
        ["single.bin", 2, 64 * KiB],
        ["single.bin", "hybrid", 16 * KiB],
      ] as const;
      const failed: string[] = [];
      for (const [source, version, pieceLength] of cases) {
        const torrent = await ourTorrent(dir, source, version, pieceLength);
        const status = JSON.parse(await lt(["check", torrent, dir]));
        if (status.error !== "" || status.progress !== 1 || status.seeding !== true) {
          failed.push(`${version} ${pieceLength} ${source}: ${JSON.stringify(status)}`);
        }
      }
      assert.deepEqual(failed, [], "libtorrent did not find complete data");
    }),
});

Deno.test({
  name: "libtorrent finds a corrupted byte and a corrupted piece layer in our v2 torrent",
  ignore: !have.libtorrent,
  fn: () =>
    withData(async (dir) => {
      // The controls: the checks above would fail for bad data or bad torrents.
      const torrent = await ourTorrent(dir, "folder", 2, 16 * KiB);
      const data = await Deno.readFile(`${dir}/folder/sub/deep/c.bin`);
      data[100_000] = data[100_000]! ^ 0xff;
      await Deno.writeFile(`${dir}/folder/sub/deep/c.bin`, data);
      const status = JSON.parse(await lt(["check", torrent, dir]));
      assert.equal(status.seeding, false);
      assert.ok(status.progress > 0.5 && status.progress < 1, `progress ${status.progress}`);

      const bytes = await Deno.readFile(torrent);
      const meta = await parseTorrent(bytes);
      const layer = [...meta.pieceLayers.values()][0];
      assert.ok(layer, "the torrent has a piece layer");
      const at = indexOf(bytes, layer);
      assert.ok(at > meta.infoBytes.length, "the piece layer is outside the info dictionary");
      bytes[at + 5] = bytes[at + 5]! ^ 0xff;
      const bad = `${dir}/bad-layer.torrent`;
      await Deno.writeFile(bad, bytes);
      await assert.rejects(ltInfo(bad), /a piece layer is invalid/);
      const refused = JSON.parse(await lt(["check", bad, dir]));
      assert.equal(refused.error, "a piece layer is invalid");
      await assert.rejects(parseTorrent(bytes), /piece layer/);
    }),
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
