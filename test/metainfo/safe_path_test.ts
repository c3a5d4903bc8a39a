import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { MetainfoError } from "../../src/errors.ts";
import { assertDistinctPaths, safePath, safePathComponent } from "../../src/metainfo/safe_path.ts";

const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Asserts that `fn` throws a MetainfoError whose message contains every part. */
function throwsMetainfo(fn: () => unknown, ...parts: string[]): void {
  throws(fn, (error: unknown) => {
    ok(error instanceof MetainfoError, `not a MetainfoError: ${error}`);
    for (const part of parts) {
      ok(
        error.message.includes(part),
        `message ${JSON.stringify(error.message)} lacks ${part}`,
      );
    }
    return true;
  });
}

Deno.test("safePathComponent: '..' is rejected, as text and as bytes", () => {
  throwsMetainfo(
    () => safePathComponent(".."),
    `".."`,
    "escape the download folder",
  );
  throwsMetainfo(
    () => safePathComponent(new Uint8Array([0x2e, 0x2e])),
    `".."`,
  );
});

Deno.test("safePath: '..' is rejected, naming the component and the path", () => {
  throwsMetainfo(
    () => safePath(["a", "..", "b"]),
    `path component ".." in "a/../b" would escape the download folder`,
  );
  throwsMetainfo(() => safePath([".."]), `".." in ".."`);
});

Deno.test("safePath: '.' and empty components are dropped", () => {
  deepStrictEqual(safePath([".", "a", "", "b", "."]), ["a", "b"]);
  deepStrictEqual(safePath(["", "etc", "passwd"]), ["etc", "passwd"]);
  deepStrictEqual(
    safePath([new Uint8Array([0x2e]), new Uint8Array(), "x"]),
    ["x"],
  );
});

Deno.test("safePath: nothing left is rejected as an empty path", () => {
  throwsMetainfo(() => safePath([]), "empty path");
  throwsMetainfo(() => safePath([".", "", "."]), "empty path", `".//."`);
});

Deno.test("safePathComponent: '.' and '' alone become '_'", () => {
  strictEqual(safePathComponent("."), "_");
  strictEqual(safePathComponent(""), "_");
});

Deno.test("safePathComponent: bad UTF-8 becomes U+FFFD", () => {
  strictEqual(
    safePathComponent(new Uint8Array([0xff, 0xfe, 0x41])),
    "\uFFFD\uFFFDA",
  );
  // A byte order mark is kept as a character, not silently eaten.
  strictEqual(
    safePathComponent(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])),
    "\uFEFFa",
  );
  // Lone surrogates in text would not encode to valid UTF-8.
  strictEqual(safePathComponent("a\uD800b"), "a\uFFFDb");
});

Deno.test("safePathComponent: an absolute path as one component", () => {
  strictEqual(safePathComponent("/etc/passwd"), "_etc_passwd");
  deepStrictEqual(safePath(["/etc/passwd"]), ["_etc_passwd"]);
});

Deno.test("safePathComponent: backslashes become '_'", () => {
  strictEqual(safePathComponent("..\\..\\windows"), ".._.._windows");
  strictEqual(safePathComponent("..\\evil"), ".._evil");
  strictEqual(safePathComponent("../evil"), ".._evil");
});

Deno.test("safePathComponent: drive letters become '_'", () => {
  strictEqual(safePathComponent("C:"), "C_");
  strictEqual(safePathComponent("C:\\x"), "C__x");
  deepStrictEqual(safePath(["C:", "Windows"]), ["C_", "Windows"]);
});

Deno.test("safePathComponent: Windows-illegal characters become '_'", () => {
  strictEqual(safePathComponent('a<b>c:d"e|f?g*h'), "a_b_c_d_e_f_g_h");
  strictEqual(safePathComponent("file.txt:stream"), "file.txt_stream");
});

Deno.test("safePathComponent: NUL and control characters become '_'", () => {
  strictEqual(safePathComponent(new Uint8Array([0x61, 0x00, 0x62])), "a_b");
  strictEqual(safePathComponent("a\0b"), "a_b");
  strictEqual(safePathComponent("\x1b[31mred"), "_[31mred");
  strictEqual(safePathComponent("a\tb\nc\x1fd\x7fe"), "a_b_c_d_e");
  // Ordinary non-ASCII text is kept.
  strictEqual(safePathComponent("Ünïcödé 日本"), "Ünïcödé 日本");
});

Deno.test("safePathComponent: Windows device names get a '_' prefix", () => {
  strictEqual(safePathComponent("CON"), "_CON");
  strictEqual(safePathComponent("con.txt"), "_con.txt");
  strictEqual(safePathComponent("NUL.tar.gz"), "_NUL.tar.gz");
  strictEqual(safePathComponent("LPT9.log"), "_LPT9.log");
  strictEqual(safePathComponent("prn"), "_prn");
  strictEqual(safePathComponent("Aux"), "_Aux");
  strictEqual(safePathComponent("COM1"), "_COM1");
  strictEqual(safePathComponent("com\u00b9.txt"), "_com\u00b9.txt");
  strictEqual(safePathComponent("LPT\u00b3"), "_LPT\u00b3");
  strictEqual(safePathComponent("CON .txt"), "_CON .txt");
  // Trailing dots are stripped first, then the name is still a device.
  strictEqual(safePathComponent("CON."), "_CON");
});

Deno.test("safePathComponent: names that only look like devices are kept", () => {
  strictEqual(safePathComponent("COM0"), "COM0");
  strictEqual(safePathComponent("LPT0.log"), "LPT0.log");
  strictEqual(safePathComponent("CONSOLE"), "CONSOLE");
  strictEqual(safePathComponent("icon.txt"), "icon.txt");
  strictEqual(safePathComponent("COM10"), "COM10");
  strictEqual(safePathComponent("NULL.txt"), "NULL.txt");
});

Deno.test("safePathComponent: trailing dots and spaces are stripped", () => {
  strictEqual(safePathComponent("name. . "), "name");
  strictEqual(safePathComponent("a.b."), "a.b");
  strictEqual(safePathComponent(" lead stays"), " lead stays");
  strictEqual(safePathComponent(".hidden"), ".hidden");
  strictEqual(safePathComponent(" . "), "_");
});

Deno.test("safePathComponent: '...' is not '..' and becomes '_'", () => {
  strictEqual(safePathComponent("..."), "_");
  strictEqual(safePathComponent(". ."), "_");
  strictEqual(safePathComponent(".. "), "_");
  deepStrictEqual(safePath(["...", "a"]), ["_", "a"]);
});

Deno.test("safePathComponent: no output is ever '', '.' or '..'", () => {
  const inputs = [
    "",
    ".",
    "...",
    "....",
    ". .",
    " ",
    ". ",
    "..\\",
    "./",
    "\\..",
  ];
  for (const input of inputs) {
    const out = safePathComponent(input);
    ok(out !== "" && out !== "." && out !== "..", `${input} -> ${out}`);
    ok(!out.includes("/") && !out.includes("\\"), `${input} -> ${out}`);
  }
  strictEqual(safePathComponent("..\\"), ".._");
  strictEqual(safePathComponent("\\.."), "_");
});

Deno.test("safePathComponent: a 300-byte ASCII name keeps its extension", () => {
  const name = "a".repeat(296) + ".mkv";
  const out = safePathComponent(name);
  strictEqual(out, "a".repeat(251) + ".mkv");
  strictEqual(encoder.encode(out).length, 255);
});

Deno.test("safePathComponent: a long extension is not kept", () => {
  const name = "a".repeat(200) + "." + "b".repeat(99);
  const out = safePathComponent(name);
  strictEqual(out, name.slice(0, 255));
});

Deno.test("safePathComponent: 300 bytes of multi-byte characters", () => {
  // 100 three-byte characters: 300 bytes, cut to 85 whole characters.
  const out = safePathComponent("日".repeat(100));
  const bytes = encoder.encode(out);
  ok(bytes.length <= 255, `${bytes.length} bytes`);
  strictEqual(strictUtf8.decode(bytes), out);
  strictEqual(out, "日".repeat(85));
  // Four-byte characters with an extension: 251 bytes of stem allow 62.
  const emoji = safePathComponent("😀".repeat(75) + ".txt");
  strictEqual(emoji, "😀".repeat(62) + ".txt");
  const emojiBytes = encoder.encode(emoji);
  ok(emojiBytes.length <= 255, `${emojiBytes.length} bytes`);
  strictEqual(strictUtf8.decode(emojiBytes), emoji);
});

Deno.test("safePathComponent: the limit is taken from limits", () => {
  strictEqual(
    safePathComponent("abcdefghij.txt", { maxPathComponentBytes: 8 }),
    "abcd.txt",
  );
  // Cut, then trailing dots and spaces stripped again.
  strictEqual(
    safePathComponent("ab . cdefghijklmnopqrstu", { maxPathComponentBytes: 5 }),
    "ab",
  );
  // A name cut down to a device name is still made safe.
  strictEqual(
    safePathComponent("CONSOLE.txt", { maxPathComponentBytes: 7 }),
    "_ON.txt",
  );
  deepStrictEqual(
    safePath(["abcdef", "ghijkl"], { maxPathComponentBytes: 3 }),
    [
      "abc",
      "ghi",
    ],
  );
  throws(
    () => safePathComponent("a", { maxPathComponentBytes: 0 }),
    RangeError,
  );
});

Deno.test("assertDistinctPaths: distinct paths pass", () => {
  assertDistinctPaths([["a", "b"], ["a", "c"], ["b"], ["a", "d", "e"]]);
  assertDistinctPaths([]);
  // Compared exactly: case differs, so these are distinct.
  assertDistinctPaths([["A"], ["a"]]);
  // Reaching here without a throw is the assertion; this one must throw.
  throws(() => assertDistinctPaths([["a"], ["a"]]), MetainfoError);
});

Deno.test("assertDistinctPaths: duplicate paths are rejected", () => {
  throwsMetainfo(
    () => assertDistinctPaths([["x", "y"], ["z"], ["x", "y"]]),
    "duplicate",
    `"x/y"`,
  );
  // Two raw paths that sanitise to the same one.
  const paths = [safePath(["a", "b."]), safePath([".", "a", "b"])];
  throwsMetainfo(() => assertDistinctPaths(paths), `"a/b"`);
});

Deno.test("assertDistinctPaths: a file that is also a folder is rejected", () => {
  throwsMetainfo(
    () => assertDistinctPaths([["a"], ["a", "b"]]),
    `path "a" is a file and also the folder of "a/b"`,
  );
  throwsMetainfo(
    () => assertDistinctPaths([["a", "b", "c"], ["a", "b"]]),
    `path "a/b" is a file and also the folder of "a/b/c"`,
  );
  throwsMetainfo(
    () => assertDistinctPaths([["d", "e"], ["a", "b", "c"], ["a"]]),
    `path "a" is a file and also the folder of "a/b/c"`,
  );
});

Deno.test("assertDistinctPaths: an empty path is rejected", () => {
  throwsMetainfo(() => assertDistinctPaths([["a"], []]), "empty path");
});

Deno.test("assertDistinctPaths: a million distinct paths", () => {
  const paths: string[][] = [];
  for (let i = 0; i < 1_000_000; i++) {
    paths.push(["dir" + (i % 1000), "sub" + (i % 7), "file" + i]);
  }
  assertDistinctPaths(paths);
  // One clash at the very end is still found.
  paths.push(["dir999", "sub3"]);
  throwsMetainfo(() => assertDistinctPaths(paths), `"dir999/sub3"`);
});
