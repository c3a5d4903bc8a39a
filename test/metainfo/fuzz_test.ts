/**
 * A seeded mutation fuzz of `parseTorrent` and `parseMagnet`.
 *
 * Each iteration takes an input from a corpus (every `*.torrent` under
 * `test/fixtures/`, plus torrents made here with `createTorrent`, and a set
 * of realistic magnet URIs), applies one to four mutations (bit flips,
 * interesting bytes, cuts, splices of two inputs, duplicated ranges, long
 * digit runs, number swaps, bencode-level value edits) and parses the result.
 * A parse may succeed or throw the domain error (`BencodeError` or
 * `MetainfoError` for torrents, `MagnetError` for magnets); anything else
 * (`TypeError`, `RangeError`, a plain `Error` from npm:bencode, a stack
 * overflow), a parse slower than {@link SLOW_PARSE_MS}, a hang, or a success
 * that breaks an invariant fails the test. A torrent that parses must have
 * consistent lengths, offsets and piece counts and safe, distinct paths; a
 * magnet that parses must hold well-formed hashes and survive
 * `formatMagnet` and `parseMagnet` unchanged.
 *
 * The parsing runs in a worker so that a hang is caught: the worker writes
 * the iteration it is on to shared memory, and the test ends it when that
 * stops moving for {@link HANG_MS}.
 *
 * Every iteration draws from its own generator, seeded from the run's seed
 * and the iteration number, so one failing iteration can be replayed alone.
 * Environment variables:
 *
 * - `FUZZ_SEED`: the seed (an integer, or `random`); printed at the start.
 * - `FUZZ_ITERATIONS`: iterations per target (default 10,000 each).
 * - `FUZZ_ONLY`: run just this iteration (to replay a failure).
 *
 * ```sh
 * FUZZ_SEED=1234 FUZZ_ITERATIONS=50000 deno test -A test/metainfo/fuzz_test.ts
 * ```
 *
 * @module
 */

import { deepStrictEqual, fail, ok, strictEqual } from "node:assert/strict";
import { BencodeError, MagnetError, MetainfoError } from "../../src/errors.ts";
import { decodeBencode, encodeBencode } from "../../src/metainfo/bencode.ts";
import { createTorrent, type SourceFile } from "../../src/metainfo/create_torrent.ts";
import { formatMagnet, type Magnet, parseMagnet } from "../../src/metainfo/magnet.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import type { BencodeValue, Metainfo } from "../../src/metainfo/types.ts";

const DEFAULT_SEED = 0x5eed;
const DEFAULT_ITERATIONS = 10_000;
/** A single parse slower than this fails (the inputs are at most a few hundred KiB). */
const SLOW_PARSE_MS = 2000;
/** No progress for this long is a hang. */
const HANG_MS = 10_000;
/** Corpus files larger than this are left out, to keep the run short. */
const MAX_CORPUS_BYTES = 1024 * 1024;
/** Failures collected before a run stops. */
const MAX_FAILURES = 5;
/** Longest input quoted in a failure message, in bytes. */
const MAX_QUOTED_BYTES = 64 * 1024;

const FIXTURES = new URL("../fixtures/", import.meta.url);

type Target = "torrent" | "magnet";

/** What the test asks a worker to run. */
interface Job {
  target: Target;
  seed: number;
  first: number;
  end: number;
  /** Int32Array view: [0] iteration being parsed, [1] iterations done. */
  progress: SharedArrayBuffer;
}

/** One broken rule, with what is needed to reproduce it. */
interface Failure {
  iteration: number;
  problem: string;
  input: string;
}

/** What a worker sends back. */
interface Report {
  failures: Failure[];
  outcomes: Record<string, number>;
  slowestMs: number;
  /** Corpus size, and how many of those parse unmutated. */
  corpus: number;
  valid: number;
}

// ------------------------------------------------------------------ random

/** mulberry32: a tiny, fast, well-mixed 32-bit generator. */
class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed | 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from nothing");
    return items[this.int(items.length)]!;
  }
}

/** The generator of one iteration: independent of every other iteration. */
function iterationRng(seed: number, target: Target, iteration: number): Rng {
  let h = (seed ^ Math.imul(iteration + 1, 0x9e3779b1) ^ (target === "torrent" ? 0 : 0x51ed270b)) |
    0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return new Rng(h ^ (h >>> 16));
}

// ------------------------------------------------------------------ corpus

function data(length: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length }, () => rng.int(256));
}

function source(path: string[], bytes: Uint8Array): SourceFile {
  return { path, length: bytes.length, stream: () => new Blob([bytes as BlobPart]).stream() };
}

/** Torrents made here: v1, v2 and hybrid, single and multi-file, with the optional keys. */
async function madeTorrents(): Promise<Uint8Array[]> {
  const common = { pieceLength: 16384, creationDate: new Date(1_700_000_000_000) };
  const single = [source(["movie.mkv"], data(50_000, 1))];
  const multi = [
    source(["disc", "track 01.flac"], data(40_000, 2)),
    source(["disc", "cover.jpg"], data(3_000, 3)),
    source(["empty.txt"], new Uint8Array()),
    source(["readme.txt"], data(100, 4)),
  ];
  const out: Uint8Array[] = [];
  for (const version of [1, 2, "hybrid"] as const) {
    out.push(
      await createTorrent(single, {
        ...common,
        version,
        announce: ["http://127.0.0.1:8000/announce"],
      }),
      await createTorrent(multi, {
        ...common,
        version,
        name: "album",
        announce: [["udp://127.0.0.1:6969"], ["http://127.0.0.1:8000/a", "http://[::1]:8000/b"]],
        urlList: ["http://127.0.0.1:8080/files/"],
        comment: "fuzz corpus",
        private: version === 1,
      }),
    );
  }
  return out;
}

/** Every `*.torrent` under test/fixtures/ (torrents/, bad/, paths/ ...) small enough, sorted. */
async function fixtureTorrents(): Promise<Uint8Array[]> {
  const found: string[] = [];
  const walk = async (dir: URL): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const entry of entries) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) await walk(url);
      else if (entry.isFile && entry.name.endsWith(".torrent")) found.push(url.href);
    }
  };
  await walk(FIXTURES);
  found.sort();
  const out: Uint8Array[] = [];
  for (const href of found) {
    const bytes = await Deno.readFile(new URL(href));
    if (bytes.length > 0 && bytes.length <= MAX_CORPUS_BYTES) out.push(bytes);
  }
  return out;
}

const V1 = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a";
const V2 = "1220caf1e1c30e81cb361b9ee167c4aa64228a7fa4fa9f6105232b28ad099f3a302e";

/** Realistic magnets: hex and base32 btih, btmh, hybrid, trackers, web seeds, x.pe, so, xl. */
const MAGNETS = [
  `magnet:?xt=urn:btih:${V1}`,
  `magnet:?xt=urn:btih:${V1.toUpperCase()}&dn=Ubuntu+24.04+Desktop&xl=6114656256` +
  `&tr=udp%3A%2F%2F127.0.0.1%3A6969%2Fannounce&tr=http://127.0.0.1:8000/announce`,
  "magnet:?xt=urn:btih:YNCKHTQCWBTRNJIV4WNAE52SJUQCZO5C&dn=base32%20hash",
  `magnet:?xt=urn:btmh:${V2}&dn=bittorrent-v2-test`,
  `magnet:?xt=urn:btih:631a31dd0a46257d5078c0dee4e66e26f73e42ac&xt=urn:btmh:${V2}` +
  `&dn=bittorrent-v1-v2-hybrid-test&tr=http://127.0.0.1:8000/announce`,
  `magnet:?xt=urn:btih:${V1}&x.pe=127.0.0.1:6881&x.pe=[::1]:51413&x.pe=peer.example:6882` +
  `&x.pe=[2001:db8::1]:1`,
  `magnet:?xt=urn:btih:${V1}&so=0,2,4-6,10-12&ws=http://127.0.0.1:8080/seed&dn=a%26b%3Dc`,
  `magnet:?xt.1=urn:btih:${V1}&xt.2=urn:btmh:${V2}&tr.1=http://127.0.0.1/a&tr.2=http://127.0.0.1/b`,
  `magnet:?dn=%E2%9C%93+caf%C3%A9&xt=urn:sha1:YNCKHTQCWBTRNJIV4WNAE52SJUQCZO5C` +
  `&xt=urn:btih:${V1}&kt=linux+iso&xs=http://127.0.0.1/x.torrent&as=http://127.0.0.1/y`,
  `MAGNET:?XT=urn:BTIH:${V1}&so=3&so=1-2&xl=0`,
];

// --------------------------------------------------------------- mutations

const INTERESTING_BYTES = [
  0x00,
  0xff,
  0x3a,
  0x65,
  0x64,
  0x6c,
  0x69,
  0x2d,
  0x30,
  0x39,
  0x31,
  0x7f,
  0x80,
];
const INTERESTING_NUMBERS = [
  "0",
  "1",
  "-1",
  "00",
  "-0",
  "20",
  "32",
  "16384",
  "16383",
  "4294967296",
  "9007199254740991",
  "9007199254740992",
  "99999999999999999999",
  "536870912",
];
const INTERESTING_TOKENS = [
  "e",
  "le",
  "de",
  "i0e",
  "0:",
  "1:/",
  "2:..",
  "d0:de",
  "d0:d6:lengthi1eee",
  "9:__proto__",
  "11:constructor",
  "4:path",
  "6:lengthi-1e",
  "l".repeat(150),
  "d1:a".repeat(60),
];

const encoder = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One random byte-level mutation of `input`; `others` feeds splices. */
function mutateBytes(rng: Rng, input: Uint8Array, others: readonly Uint8Array[]): Uint8Array {
  const n = input.length;
  const at = rng.int(n + 1);
  switch (rng.int(10)) {
    case 0: { // flip a bit
      if (n === 0) return input;
      const out = input.slice();
      out[rng.int(n)]! ^= 1 << rng.int(8);
      return out;
    }
    case 1: { // set a byte to an interesting value
      if (n === 0) return Uint8Array.of(rng.pick(INTERESTING_BYTES));
      const out = input.slice();
      out[rng.int(n)] = rng.pick(INTERESTING_BYTES);
      return out;
    }
    case 2: // truncate
      return input.slice(0, at);
    case 3: { // cut a range out
      const end = Math.min(n, at + rng.range(1, 64));
      return concat(input.subarray(0, at), input.subarray(end));
    }
    case 4: { // splice: our head, another input's tail
      const other = rng.pick(others);
      return concat(input.subarray(0, at), other.subarray(rng.int(other.length + 1)));
    }
    case 5: { // duplicate a range somewhere
      const start = rng.int(n + 1);
      const piece = input.subarray(start, Math.min(n, start + rng.range(1, 128)));
      return concat(input.subarray(0, at), piece, input.subarray(at));
    }
    case 6: { // insert a long run of digits
      const digit = rng.chance(0.5) ? "9" : String(rng.int(10));
      const run = encoder.encode(digit.repeat(rng.range(1, 40)));
      return concat(input.subarray(0, at), run, input.subarray(at));
    }
    case 7: { // replace the number nearest `at` with an interesting one
      const text = new TextDecoder("latin1").decode(input);
      const match = /-?\d+/g;
      match.lastIndex = at;
      const found = match.exec(text) ?? /-?\d+/.exec(text);
      if (!found) return input;
      const start = found.index;
      return concat(
        input.subarray(0, start),
        encoder.encode(rng.pick(INTERESTING_NUMBERS)),
        input.subarray(start + found[0].length),
      );
    }
    case 8: { // insert a token
      const token = encoder.encode(rng.pick(INTERESTING_TOKENS));
      return concat(input.subarray(0, at), token, input.subarray(at));
    }
    default: // an edit of the decoded value
      return mutateValue(rng, input) ?? input;
  }
}

const INTERESTING_VALUES: (() => BencodeValue)[] = [
  () => 0,
  () => -1,
  () => 1,
  () => 2 ** 31,
  () => 2 ** 32,
  () => Number.MAX_SAFE_INTEGER,
  () => -Number.MAX_SAFE_INTEGER,
  () => 16384,
  () => new Uint8Array(),
  () => encoder.encode(".."),
  () => encoder.encode("."),
  () => encoder.encode("a/b"),
  () => encoder.encode("CON"),
  () => new Uint8Array(20),
  () => new Uint8Array(32),
  () => [],
  () => ({}),
  () => [encoder.encode("..")],
  () => ({ "": { length: 1 } }),
];

/** Decodes, edits one value somewhere in the tree, re-encodes; `null` if not bencode. */
function mutateValue(rng: Rng, input: Uint8Array): Uint8Array | null {
  let root: BencodeValue;
  try {
    root = decodeBencode(input).value;
  } catch (error) {
    if (error instanceof BencodeError) return null;
    throw error;
  }
  // Pick a container by walking down at random.
  let node: BencodeValue = root;
  for (let depth = 0; depth < 8; depth++) {
    const children: BencodeValue[] = Array.isArray(node)
      ? node
      : isDict(node)
      ? Object.values(node)
      : [];
    const containers = children.filter((c) => Array.isArray(c) || isDict(c));
    if (containers.length === 0 || rng.chance(0.25)) break;
    node = rng.pick(containers);
  }
  const value = rng.pick(INTERESTING_VALUES)();
  if (Array.isArray(node)) {
    const i = rng.int(node.length);
    const action = rng.int(4);
    if (action === 0 || node.length === 0) node.splice(rng.int(node.length + 1), 0, value);
    else if (action === 1) node.splice(i, 1);
    else if (action === 2) node.splice(i, 0, structuredClone(node[rng.int(node.length)]!));
    else node[i] = tweak(rng, node[i]!);
  } else if (isDict(node)) {
    const keys = Object.keys(node);
    const action = rng.int(4);
    if (action === 0 || keys.length === 0) {
      node[keys.length > 0 && rng.chance(0.7) ? rng.pick(keys) : rng.pick(["length", "x", ""])] =
        value;
    } else if (action === 1) delete node[rng.pick(keys)];
    else if (action === 2) node[`${rng.pick(keys)}${rng.pick([".utf-8", "_", "\u00e9"])}`] = value;
    else {
      const key = rng.pick(keys);
      node[key] = tweak(rng, node[key]!);
    }
  } else {
    root = tweak(rng, root);
  }
  return encodeBencode(root);
}

/** A small change to a value: a number off by a little, a string a hash longer or shorter. */
function tweak(rng: Rng, value: BencodeValue): BencodeValue {
  if (typeof value === "number") {
    const options = [value + 1, value - 1, value * 2, -value, 0, Math.floor(value / 2)];
    return rng.pick(options.filter((n) => Number.isSafeInteger(n)));
  }
  if (value instanceof Uint8Array) {
    const delta = rng.pick([-32, -20, -1, 1, 20, 32]);
    if (delta < 0) return value.subarray(0, Math.max(0, value.length + delta));
    return concat(value, new Uint8Array(delta).fill(rng.int(256)));
  }
  return rng.pick(INTERESTING_VALUES)();
}

function isDict(value: BencodeValue | undefined): value is Record<string, BencodeValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Uint8Array);
}

const INTERESTING_CHARS = [
  "%",
  "&",
  "=",
  "+",
  ":",
  "?",
  ",",
  "-",
  "[",
  "]",
  ".",
  "#",
  "0",
  "9",
  "\0",
  "\ud800",
  "\ufffd",
  "\u00e9",
  " ",
];
const INTERESTING_FRAGMENTS = [
  "&so=",
  "&so=0-",
  "&so=1-0",
  "&so=0-999999999",
  "&x.pe=",
  "&x.pe=[",
  "&x.pe=[::1]:",
  "&x.pe=host:0",
  "%",
  "%E0%A4%A",
  "%ED%A0%80",
  "%00",
  "%2",
  "&xt=urn:btih:",
  "&xt=urn:btmh:1220",
  `&xt=urn:btih:${"0".repeat(40)}`,
  "&xl=",
  "&xl=-1",
  "&xl=9007199254740993",
  "&tr=",
  "&dn=",
  "&dn",
  "&&",
  "&=",
  "magnet:?",
  ".1",
];

/** One random mutation of a magnet URI. */
function mutateMagnet(rng: Rng, input: string, others: readonly string[]): string {
  const n = input.length;
  const at = rng.int(n + 1);
  switch (rng.int(8)) {
    case 0: { // replace a character
      if (n === 0) return rng.pick(INTERESTING_CHARS);
      const i = rng.int(n);
      return input.slice(0, i) + rng.pick(INTERESTING_CHARS) + input.slice(i + 1);
    }
    case 1: // truncate
      return input.slice(0, at);
    case 2: { // cut a range
      return input.slice(0, at) + input.slice(Math.min(n, at + rng.range(1, 40)));
    }
    case 3: { // splice with another magnet
      const other = rng.pick(others);
      return input.slice(0, at) + other.slice(rng.int(other.length + 1));
    }
    case 4: { // duplicate a range
      const start = rng.int(n + 1);
      return input.slice(0, at) + input.slice(start, start + rng.range(1, 80)) + input.slice(at);
    }
    case 5: { // a long digit run
      const digit = rng.chance(0.5) ? "9" : String(rng.int(10));
      return input.slice(0, at) + digit.repeat(rng.range(1, 40)) + input.slice(at);
    }
    case 6: // insert a fragment
      return input.slice(0, at) + rng.pick(INTERESTING_FRAGMENTS) + input.slice(at);
    default: { // flip the case of a character
      if (n === 0) return input;
      const i = rng.int(n);
      const c = input[i]!;
      const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
      return input.slice(0, i) + flipped + input.slice(i + 1);
    }
  }
}

/** Torrents to start from: all of them, and those that parse, picked more often. */
interface Corpus {
  all: Uint8Array[];
  valid: Uint8Array[];
}

/** Iteration `i`'s input: a corpus entry with one to four mutations. */
function torrentInput(seed: number, i: number, corpus: Corpus): Uint8Array {
  const rng = iterationRng(seed, "torrent", i);
  let input = rng.pick(rng.chance(0.75) ? corpus.valid : corpus.all);
  if (rng.chance(0.6)) {
    // Edits of the decoded value keep the bencode valid and reach the torrent rules.
    for (let k = rng.range(1, 3); k > 0; k--) input = mutateValue(rng, input) ?? input;
    if (rng.chance(0.75)) return input;
  }
  for (let k = rng.range(1, 4); k > 0; k--) input = mutateBytes(rng, input, corpus.all);
  return input;
}

function magnetInput(seed: number, i: number): string {
  const rng = iterationRng(seed, "magnet", i);
  let input = rng.pick(MAGNETS);
  for (let k = rng.range(1, 4); k > 0; k--) input = mutateMagnet(rng, input, MAGNETS);
  return input;
}

// -------------------------------------------------------------- invariants

// deno-lint-ignore no-control-regex
const FORBIDDEN_CHARS = /[/\\\u0000-\u001f\u007f]/;

/** What is wrong with a path component, or `null`. */
function componentProblem(c: string): string | null {
  if (c === "" || c === "." || c === "..") return `component ${JSON.stringify(c)}`;
  if (FORBIDDEN_CHARS.test(c)) return `separator or control character in ${JSON.stringify(c)}`;
  if (encoder.encode(c).length > 255) return `component of ${c.length} chars over 255 bytes`;
  return null;
}

/** The rules a successfully parsed torrent must keep; returns what is broken. */
function torrentProblems(meta: Metainfo): string[] {
  const problems: string[] = [];
  const check = (cond: boolean, what: string) => {
    if (!cond) problems.push(what);
  };
  const pl = meta.pieceLength;
  check(Number.isSafeInteger(pl) && pl > 0, `piece length ${pl}`);
  const real = meta.files.filter((f) => !f.padding);
  check(real.length > 0, "no real files");
  const sum = real.reduce((s, f) => s + f.length, 0);
  check(meta.length === sum, `length ${meta.length} but real files sum to ${sum}`);
  check(Number.isSafeInteger(meta.length) && meta.length > 0, `length ${meta.length}`);
  for (const f of meta.files) {
    check(Number.isSafeInteger(f.length) && f.length >= 0, `file length ${f.length}`);
    check(Number.isSafeInteger(f.offset) && f.offset >= 0, `file offset ${f.offset}`);
  }
  const v1 = meta.version !== 2;
  const v2 = meta.version !== 1;
  if (v1) {
    let offset = 0;
    for (const f of meta.files) {
      check(f.offset === offset, `v1 file ${f.path.join("/")} at ${f.offset}, expected ${offset}`);
      offset += f.length;
    }
    check(meta.pieces.length % 20 === 0, `pieces length ${meta.pieces.length}`);
    const expected = Math.ceil(offset / pl);
    check(
      meta.pieces.length === expected * 20,
      `${meta.pieces.length / 20} v1 hashes for ${offset} bytes in pieces of ${pl}`,
    );
    check(
      meta.pieceCount === meta.pieces.length / 20,
      `pieceCount ${meta.pieceCount} but ${meta.pieces.length / 20} v1 hashes`,
    );
  } else {
    check(meta.pieces.length === 0, "v2-only torrent with v1 pieces");
  }
  if (v2) {
    const count = real.reduce((n, f) => n + Math.ceil(f.length / pl), 0);
    check(meta.pieceCount === count, `pieceCount ${meta.pieceCount}, v2 files make ${count}`);
    for (const f of real) {
      if (f.length > 0) check(f.offset % pl === 0, `v2 file at ${f.offset} not piece-aligned`);
      check((f.piecesRoot?.length ?? 32) === 32, "pieces root not 32 bytes");
    }
  }
  check(
    v1 ? /^[0-9a-f]{40}$/.test(meta.infoHash ?? "") : meta.infoHash === null,
    `infoHash ${meta.infoHash} for version ${meta.version}`,
  );
  check(
    v2 ? /^[0-9a-f]{64}$/.test(meta.infoHashV2 ?? "") : meta.infoHashV2 === null,
    `infoHashV2 ${meta.infoHashV2} for version ${meta.version}`,
  );
  for (const c of [meta.name, ...meta.files.flatMap((f) => f.path)]) {
    const problem = componentProblem(c);
    if (problem !== null) problems.push(problem);
  }
  // Distinct: no two real files share a path, no real file is another's folder.
  const files = new Set<string>();
  const folders = new Set<string>();
  for (const f of real) {
    const key = f.path.join("/");
    check(!files.has(key) && !folders.has(key), `path ${JSON.stringify(key)} used twice`);
    files.add(key);
    for (let i = 1; i < f.path.length; i++) folders.add(f.path.slice(0, i).join("/"));
  }
  for (const key of files) check(!folders.has(key), `${JSON.stringify(key)} is file and folder`);
  // What was parsed is what was hashed.
  try {
    deepStrictEqual(decodeBencode(meta.infoBytes).value, meta.info);
  } catch {
    problems.push("info differs from the decoded infoBytes the hashes cover");
  }
  return problems;
}

/** The rules a successfully parsed magnet must keep; returns what is broken. */
function magnetProblems(m: Magnet): string[] {
  const problems: string[] = [];
  const check = (cond: boolean, what: string) => {
    if (!cond) problems.push(what);
  };
  check(m.infoHash !== null || m.infoHashV2 !== null, "no info hash");
  check(m.infoHash === null || /^[0-9a-f]{40}$/.test(m.infoHash), `infoHash ${m.infoHash}`);
  check(
    m.infoHashV2 === null || /^[0-9a-f]{64}$/.test(m.infoHashV2),
    `infoHashV2 ${m.infoHashV2}`,
  );
  check(m.length === null || (Number.isSafeInteger(m.length) && m.length >= 0), `xl ${m.length}`);
  if (m.select !== null) {
    check(m.select.length > 0, "empty select");
    m.select.forEach((n, i) => {
      check(Number.isSafeInteger(n) && n >= 0, `select index ${n}`);
      if (i > 0) check(n > m.select![i - 1]!, "select not strictly increasing");
    });
  }
  for (const [what, list] of [["tr", m.trackers], ["ws", m.webSeeds], ["x.pe", m.peers]] as const) {
    check(new Set(list).size === list.length, `${what} has duplicates`);
    check(!list.includes(""), `${what} has an empty value`);
  }
  let again: Magnet | null = null;
  try {
    again = parseMagnet(formatMagnet(m));
  } catch (error) {
    problems.push(`format-then-parse threw ${describe(error)}`);
  }
  if (again !== null) {
    try {
      deepStrictEqual(again, m);
    } catch {
      problems.push(`format-then-parse changed it: ${JSON.stringify(again)}`);
    }
  }
  return problems;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function base64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

function quoteTorrent(bytes: Uint8Array): string {
  return bytes.length <= MAX_QUOTED_BYTES
    ? `base64 ${base64(bytes)}`
    : `${bytes.length} bytes (too long to quote; replay with FUZZ_ONLY)`;
}

// ------------------------------------------------------------------ runner

async function buildCorpus(target: Target): Promise<Corpus> {
  if (target === "magnet") return { all: [], valid: [] };
  const all = [...await madeTorrents(), ...await fixtureTorrents()];
  const valid: Uint8Array[] = [];
  for (const bytes of all) {
    if (await parseTorrent(bytes).then(() => true, () => false)) valid.push(bytes);
  }
  return { all, valid };
}

/** Runs iterations [first, end) of one target; records progress in shared memory. */
async function run(job: Job): Promise<Report> {
  const progress = new Int32Array(job.progress);
  const corpus = await buildCorpus(job.target);
  const report: Report = {
    failures: [],
    outcomes: {},
    slowestMs: 0,
    corpus: corpus.all.length,
    valid: corpus.valid.length,
  };
  const count = (outcome: string) => report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
  for (let i = job.first; i < job.end && report.failures.length < MAX_FAILURES; i++) {
    Atomics.store(progress, 0, i);
    const input: Uint8Array | string = job.target === "torrent"
      ? torrentInput(job.seed, i, corpus)
      : magnetInput(job.seed, i);
    const problems: string[] = [];
    const started = performance.now();
    try {
      if (typeof input === "string") {
        problems.push(...magnetProblems(parseMagnet(input)));
      } else {
        const meta = await parseTorrent(input);
        problems.push(...torrentProblems(meta));
      }
      count("parsed");
    } catch (error) {
      const expected = typeof input === "string"
        ? error instanceof MagnetError
        : error instanceof BencodeError || error instanceof MetainfoError;
      if (!expected) problems.push(`threw ${describe(error)}`);
      else if (
        error instanceof BencodeError && typeof input !== "string" &&
        !(Number.isInteger(error.offset) && error.offset >= 0 && error.offset <= input.length)
      ) {
        problems.push(`BencodeError offset ${error.offset} outside 0..${input.length}`);
      }
      count(error instanceof Error ? error.name : typeof error);
    }
    const ms = performance.now() - started;
    report.slowestMs = Math.max(report.slowestMs, ms);
    if (ms > SLOW_PARSE_MS) problems.push(`parse took ${ms.toFixed(0)} ms`);
    if (problems.length > 0) {
      const quoted = typeof input === "string"
        ? `JSON ${JSON.stringify(input)}`
        : quoteTorrent(input);
      report.failures.push({ iteration: i, problem: problems.join("; "), input: quoted });
    }
    Atomics.store(progress, 1, i - job.first + 1);
  }
  return report;
}

/** True inside the worker this file starts for itself. */
const IN_WORKER = "WorkerGlobalScope" in globalThis;

if (IN_WORKER) {
  const scope = globalThis as unknown as {
    postMessage(message: unknown): void;
    addEventListener(type: "message", listener: (event: MessageEvent<Job>) => void): void;
  };
  scope.addEventListener("message", async (event) => {
    try {
      scope.postMessage({ report: await run(event.data) });
    } catch (error) {
      scope.postMessage({ crash: describe(error) + "\n" + (error as Error)?.stack });
    }
  });
}

function envText(name: string): string | undefined {
  const allowed = Deno.permissions.querySync({ name: "env", variable: name }).state === "granted";
  return allowed ? Deno.env.get(name) : undefined;
}

function envInt(name: string): number | undefined {
  const text = envText(name);
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be an integer, got ${text}`);
  return n;
}

function chooseSeed(): number {
  return envText("FUZZ_SEED") === "random"
    ? crypto.getRandomValues(new Uint32Array(1))[0]!
    : envInt("FUZZ_SEED") ?? DEFAULT_SEED;
}

/** Runs a target in a worker, watching for hangs; returns the report. */
async function fuzz(target: Target, seed: number): Promise<Report> {
  const only = envInt("FUZZ_ONLY");
  const first = only ?? 0;
  const end = only === undefined ? envInt("FUZZ_ITERATIONS") ?? DEFAULT_ITERATIONS : only + 1;
  console.log(
    `fuzz ${target}: FUZZ_SEED=${seed} iterations ${first}..${end - 1}` +
      " (set FUZZ_SEED, FUZZ_ITERATIONS or FUZZ_ONLY to change)",
  );
  const progress = new SharedArrayBuffer(8);
  const view = new Int32Array(progress);
  view[0] = -1;
  const worker = new Worker(import.meta.url, { type: "module" });
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    const outcome = await new Promise<{ report?: Report; crash?: string; hang?: number }>(
      (resolve) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.onerror = (event) => {
          event.preventDefault();
          resolve({ crash: `worker error: ${event.message}` });
        };
        let last = -2;
        let lastDone = -1;
        let since = performance.now();
        timer = setInterval(() => {
          const now = Atomics.load(view, 0);
          const done = Atomics.load(view, 1);
          if (now !== last || done !== lastDone) {
            last = now;
            lastDone = done;
            since = performance.now();
          } else if (performance.now() - since > HANG_MS) {
            resolve({ hang: now });
          }
        }, 100);
        worker.postMessage({ target, seed, first, end, progress } satisfies Job);
      },
    );
    if (outcome.hang !== undefined) {
      const i = outcome.hang;
      const input = target === "torrent"
        ? quoteTorrent(torrentInput(seed, i, await buildCorpus(target)))
        : `JSON ${JSON.stringify(magnetInput(seed, i))}`;
      fail(
        `${target} parse hung for ${HANG_MS} ms: FUZZ_SEED=${seed} FUZZ_ONLY=${i} input ${input}`,
      );
    }
    if (outcome.crash !== undefined) fail(`fuzz worker crashed: ${outcome.crash}`);
    return outcome.report!;
  } finally {
    clearInterval(timer);
    worker.terminate();
  }
}

function assertClean(target: Target, seed: number, report: Report, iterations: number): void {
  console.log(
    `fuzz ${target}: ${
      target === "torrent" ? `corpus ${report.corpus} (${report.valid} valid), ` : ""
    }outcomes ${JSON.stringify(report.outcomes)}, ` +
      `slowest parse ${report.slowestMs.toFixed(1)} ms`,
  );
  if (report.failures.length > 0) {
    fail(
      `${report.failures.length} ${target} failure(s) with FUZZ_SEED=${seed}:\n` +
        report.failures.map((f) =>
          `- iteration ${f.iteration} (FUZZ_ONLY=${f.iteration}): ${f.problem}\n  input ${f.input}`
        ).join("\n"),
    );
  }
  const total = Object.values(report.outcomes).reduce((a, b) => a + b, 0);
  strictEqual(total, iterations, "every iteration ran");
}

if (!IN_WORKER) {
  const seed = chooseSeed();
  const iterations = () => {
    const only = envInt("FUZZ_ONLY");
    return only === undefined ? envInt("FUZZ_ITERATIONS") ?? DEFAULT_ITERATIONS : 1;
  };

  Deno.test("fuzz: the generator is deterministic per seed and iteration", () => {
    const a = iterationRng(7, "torrent", 3);
    const b = iterationRng(7, "torrent", 3);
    const c = iterationRng(7, "torrent", 4);
    const xs = [a.next(), a.next(), a.next()];
    deepStrictEqual([b.next(), b.next(), b.next()], xs);
    ok(c.next() !== xs[0], "iterations draw different numbers");
    strictEqual(magnetInput(7, 11), magnetInput(7, 11));
    ok(xs.every((x) => x >= 0 && x < 1));
  });

  Deno.test("fuzz: the invariant checks catch broken results", async () => {
    const data = new Uint8Array(20000);
    const bytes = await createTorrent([source(["a"], data), source(["b"], data)], {
      name: "t",
      pieceLength: 16384,
      creationDate: null,
    });
    const meta = await parseTorrent(bytes);
    deepStrictEqual(torrentProblems(meta), []);
    ok(torrentProblems({ ...meta, length: 1 }).length > 0, "length");
    ok(torrentProblems({ ...meta, pieceCount: 1 }).length > 0, "piece count");
    const dup = meta.files.map((f) => ({ ...f, path: ["t", "a"] }));
    ok(torrentProblems({ ...meta, files: dup }).length > 0, "duplicate paths");
    const dots = meta.files.map((f, i) => ({ ...f, path: i === 0 ? ["t", ".."] : f.path }));
    ok(torrentProblems({ ...meta, files: dots }).length > 0, "dot-dot");
    const slash = meta.files.map((f, i) => ({ ...f, path: i === 0 ? ["t", "x\\y"] : f.path }));
    ok(torrentProblems({ ...meta, files: slash }).length > 0, "backslash");
    ok(torrentProblems({ ...meta, info: { other: 1 } }).length > 0, "info vs infoBytes");
    const m = parseMagnet(MAGNETS[6]!);
    deepStrictEqual(magnetProblems(m), []);
    ok(magnetProblems({ ...m, infoHash: "XYZ" }).length > 0, "bad hash");
    ok(magnetProblems({ ...m, select: [2, 1] }).length > 0, "unsorted select");
  });

  Deno.test(`fuzz: parseTorrent on mutated torrents (FUZZ_SEED=${seed})`, async () => {
    const report = await fuzz("torrent", seed);
    assertClean("torrent", seed, report, iterations());
    ok(report.valid >= 6, `corpus of ${report.corpus}, ${report.valid} valid`);
  });

  Deno.test(`fuzz: parseMagnet on mutated magnets (FUZZ_SEED=${seed})`, async () => {
    const report = await fuzz("magnet", seed);
    assertClean("magnet", seed, report, iterations());
  });
}
