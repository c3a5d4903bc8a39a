/**
 * Runs `parseTorrent` over the generated fixtures (see
 * `test/fixtures/make_bad.ts`):
 *
 * - every torrent in `test/fixtures/bad/` is rejected with the error class and
 *   message its `expected.json` entry names;
 * - every torrent in `test/fixtures/paths/` parses to exactly the sanitised
 *   name and file paths its `expected.json` entry lists, and no component of
 *   any path is unsafe.
 *
 * @module
 */

import { deepStrictEqual, fail, match, ok, rejects, strictEqual } from "node:assert/strict";
import { BencodeError, MetainfoError } from "../../src/errors.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import type { BadExpectation, PathExpectation } from "../fixtures/_expectations.ts";

const BAD_DIR = new URL("../fixtures/bad/", import.meta.url);
const PATHS_DIR = new URL("../fixtures/paths/", import.meta.url);

const CLASSES = { BencodeError, MetainfoError } as const;

async function readExpected<T>(dir: URL): Promise<Record<string, T>> {
  return JSON.parse(await Deno.readTextFile(new URL("expected.json", dir)));
}

async function torrentsIn(dir: URL): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".torrent")) names.push(entry.name);
  }
  return names.sort();
}

// deno-lint-ignore no-control-regex
const FORBIDDEN_CHARS = /[/\\\u0000-\u001f\u007f]/;

/**
 * What is unsafe about a parsed path, or `[]`: empty, `.` and `..`
 * components, separators, NUL and control characters, components over 255
 * UTF-8 bytes.
 */
function unsafeParts(path: readonly string[]): string[] {
  const problems: string[] = [];
  if (path.length === 0) problems.push("empty path");
  for (const c of path) {
    if (c === "" || c === "." || c === "..") problems.push(`component ${JSON.stringify(c)}`);
    if (FORBIDDEN_CHARS.test(c)) problems.push(`separator or control char in ${JSON.stringify(c)}`);
    if (new TextEncoder().encode(c).length > 255) problems.push(`over 255 bytes: ${c.length}`);
  }
  return problems;
}

const badExpected = await readExpected<BadExpectation>(BAD_DIR);
const pathsExpected = await readExpected<PathExpectation>(PATHS_DIR);

/** The defects every run must cover, whatever else make_bad.ts adds. */
const REQUIRED = [
  "truncated",
  "nesting-100000-deep",
  "huge-string-length-prefix",
  "huge-integer",
  "negative-file-length",
  "negative-piece-length",
  "zero-piece-length",
  "pieces-not-multiple-of-20",
  "piece-count-mismatch",
  "info-not-a-dictionary",
  "missing-info",
  "missing-name",
  "missing-piece-length",
  "both-length-and-files",
  "empty-files-list",
  "path-dotdot",
  "path-empty",
  "duplicate-paths",
  "file-and-folder-conflict",
  "v2-piece-layers-mismatch",
  "v2-piece-layer-missing",
  "v2-piece-layer-wrong-size",
  "v2-bad-piece-length",
  "v2-pieces-root-wrong-size",
  "hybrid-v1-v2-mismatch",
  "leading-zero-integer",
  "duplicate-dict-key",
  "trailing-garbage",
  "not-bencode",
  "empty-file",
  "unsupported-meta-version",
  "total-length-zero",
  "proto-key",
];

Deno.test("bad fixtures: the folder holds exactly the files expected.json lists", async () => {
  const onDisk = await torrentsIn(BAD_DIR);
  deepStrictEqual(onDisk, Object.keys(badExpected).sort());
  const missing = REQUIRED.filter((name) => !onDisk.includes(`${name}.torrent`));
  deepStrictEqual(missing, [], "required defects without a fixture");
});

Deno.test("bad fixtures: every expected.json entry is well-formed", () => {
  for (const [file, expect] of Object.entries(badExpected)) {
    ok(expect.class in CLASSES, `${file}: unknown class ${expect.class}`);
    ok(expect.message.length > 0, `${file}: empty message pattern`);
    new RegExp(expect.message); // throws on a bad pattern
    ok(expect.defect.length > 0, `${file}: no defect description`);
  }
});

for (const [file, expect] of Object.entries(badExpected)) {
  Deno.test(`bad fixture ${file}: ${expect.defect}`, async () => {
    const bytes = await Deno.readFile(new URL(file, BAD_DIR));
    await rejects(() => parseTorrent(bytes), (error: unknown) => {
      const cls = CLASSES[expect.class];
      ok(
        error instanceof cls,
        `expected a ${expect.class}, got ${error instanceof Error ? error.name : typeof error}: ` +
          String(error instanceof Error ? error.message : error),
      );
      strictEqual(error.name, expect.class);
      ok(error instanceof SyntaxError, "domain errors are SyntaxErrors");
      match(error.message, new RegExp(expect.message));
      if (error instanceof BencodeError) {
        ok(
          Number.isInteger(error.offset) && error.offset >= 0 && error.offset <= bytes.length,
          `offset ${error.offset} outside 0..${bytes.length}`,
        );
      }
      return true;
    });
  });
}

Deno.test("path fixtures: the folder holds exactly the files expected.json lists", async () => {
  const onDisk = await torrentsIn(PATHS_DIR);
  deepStrictEqual(onDisk, Object.keys(pathsExpected).sort());
  ok(onDisk.length >= 8, `only ${onDisk.length} path fixtures`);
});

Deno.test("path fixtures: the safety check itself flags unsafe components", () => {
  deepStrictEqual(unsafeParts(["a", "b.txt"]), []);
  strictEqual(unsafeParts([]).length, 1);
  strictEqual(unsafeParts(["", ".", ".."]).length, 3);
  strictEqual(unsafeParts(["a/b", "a\\b", "a\0b", "a\nb"]).length, 4);
  strictEqual(unsafeParts(["x".repeat(256)]).length, 1);
});

for (const [file, expect] of Object.entries(pathsExpected)) {
  Deno.test(`path fixture ${file}: ${expect.about}`, async () => {
    const meta = await parseTorrent(await Deno.readFile(new URL(file, PATHS_DIR)));
    strictEqual(meta.name, expect.name);
    deepStrictEqual(
      meta.files.filter((f) => !f.padding).map((f) => f.path),
      expect.files,
    );
    for (const f of meta.files) {
      const problems = unsafeParts(f.path);
      if (problems.length > 0) fail(`${JSON.stringify(f.path)}: ${problems.join("; ")}`);
    }
    deepStrictEqual(unsafeParts([meta.name]), [], `name ${JSON.stringify(meta.name)}`);
  });
}
