/**
 * Safe file paths from torrents: a name read from a `.torrent` file or from
 * a peer's metadata must never address anything outside the download
 * folder, on any operating system.
 *
 * Paths arrive as lists of components (the v1 `path` list, v2 `file tree`
 * keys, the `name`), as raw bytes or as text. Each component is sanitised
 * where that keeps the file usable and rejected with a {@link MetainfoError}
 * where it cannot be:
 *
 * | Input                                                      | Decision   | Example                          |
 * | ---------------------------------------------------------- | ---------- | -------------------------------- |
 * | a component that is exactly `..`                           | reject     | `a/../b` throws                  |
 * | `.` and empty components (in a whole path)                 | drop       | `["", "etc", "."]` -> `["etc"]`  |
 * | nothing left after dropping                                | reject     | `["."]` throws "empty path"      |
 * | bytes that are not UTF-8 (and lone surrogates in text)     | U+FFFD     | `ff fe 41` -> `"\uFFFD\uFFFDA"`  |
 * | `/` and `\` inside a component                             | `_`        | `/etc/passwd` -> `_etc_passwd`   |
 * | `< > : " \| ? *` (drive letters, Windows-illegal)          | `_`        | `C:` -> `C_`                     |
 * | NUL and control characters U+0000-U+001F, U+007F           | `_`        | `a\0b` -> `a_b`                  |
 * | Windows device names, any case, with or without extension | prefix `_` | `con.txt` -> `_con.txt`          |
 * | trailing dots and spaces                                   | strip      | `name. . ` -> `name`             |
 * | nothing left after stripping                               | `_`        | `...` -> `_`                     |
 * | more than `maxPathComponentBytes` UTF-8 bytes (255)        | shorten    | keeps an extension of <= 16 bytes|
 * | two files with one path, or a file that is another's folder | reject    | see {@link assertDistinctPaths}  |
 *
 * The device names are `CON`, `PRN`, `AUX`, `NUL`, `COM1`-`COM9`,
 * `LPT1`-`LPT9` and `COM¹²³`/`LPT¹²³` with superscript digits; the name is
 * the part before the first `.`, trailing spaces ignored (`COM0` is not
 * reserved). `safePathComponent` on its own maps `.` and the empty string to
 * `_`, so no output component is ever empty, `.` or `..`. Paths are compared
 * exactly (case and Unicode normalisation matter).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { safePath } from "./safe_path.ts";
 *
 * deepStrictEqual(safePath(["", "etc", "passwd"]), ["etc", "passwd"]);
 * deepStrictEqual(safePath(["C:\\x", "con.txt"]), ["C__x", "_con.txt"]);
 * ```
 *
 * @module
 */

import { MetainfoError } from "../errors.ts";
import { defaultLimits, type Limits } from "../limits.ts";

/** Longest extension, in UTF-8 bytes, kept when shortening a component. */
const MAX_EXTENSION_BYTES = 16;

/** Longest quoted path shown in an error message, in characters. */
const MAX_SHOWN = 200;

const lenientUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });

// deno-lint-ignore no-control-regex
const UNSAFE_CHARS = /[/\\<>:"|?*\u0000-\u001f\u007f]/g;
const TRAILING_DOTS_AND_SPACES = /[. ]+$/;
const DEVICE_NAME = /^(?:CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³]) *(?:\.|$)/i;

/**
 * Sanitises one path component (see the module rules): decodes bytes as
 * UTF-8 with U+FFFD for bad sequences, replaces separators, Windows-illegal
 * and control characters by `_`, strips trailing dots and spaces, prefixes
 * Windows device names with `_` and shortens over-long names at a character
 * boundary, keeping a short extension. The result is never empty, `.` or
 * `..`.
 *
 * @param raw The component as bytes or text.
 * @param limits Bounds; `maxPathComponentBytes` (default 255) is used.
 * @returns The component, safe to use as one file or folder name.
 * @throws {MetainfoError} When the component is exactly `..`.
 * @throws {RangeError} When `maxPathComponentBytes` is not a positive integer.
 *
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert/strict";
 * import { safePathComponent } from "./safe_path.ts";
 *
 * strictEqual(safePathComponent("/etc/passwd"), "_etc_passwd");
 * strictEqual(safePathComponent("NUL.tar.gz"), "_NUL.tar.gz");
 * strictEqual(safePathComponent(new Uint8Array([0x61, 0x2e, 0x20])), "a");
 * throws(() => safePathComponent(".."), SyntaxError);
 * ```
 */
export function safePathComponent(
  raw: Uint8Array | string,
  limits?: Partial<Limits>,
): string {
  const max = maxComponentBytes(limits);
  const text = decode(raw);
  if (text === "..") {
    throw new MetainfoError(
      `path component ".." would escape the download folder`,
    );
  }
  return sanitise(text, max);
}

/**
 * Sanitises a whole relative path: drops `.` and empty components and
 * sanitises the rest with {@link safePathComponent}.
 *
 * @param components The path's components as bytes or text.
 * @param limits Bounds; `maxPathComponentBytes` (default 255) is used.
 * @returns The safe components, at least one.
 * @throws {MetainfoError} When a component is `..`, or when nothing is left.
 * @throws {RangeError} When `maxPathComponentBytes` is not a positive integer.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { safePath } from "./safe_path.ts";
 *
 * deepStrictEqual(safePath([".", "a", "", "b."]), ["a", "b"]);
 * throws(() => safePath(["a", "..", "b"]), /"\.\." in "a\/\.\.\/b"/);
 * ```
 */
export function safePath(
  components: readonly (Uint8Array | string)[],
  limits?: Partial<Limits>,
): string[] {
  const max = maxComponentBytes(limits);
  const texts = components.map(decode);
  const out: string[] = [];
  for (const text of texts) {
    if (text === "..") {
      throw new MetainfoError(
        `path component ".." in ${show(texts.join("/"))} would escape the download folder`,
      );
    }
    if (text !== "." && text !== "") out.push(sanitise(text, max));
  }
  if (out.length === 0) {
    throw new MetainfoError(
      `empty path ${show(texts.join("/"))}: nothing is left after dropping "." and "" components`,
    );
  }
  return out;
}

/**
 * Checks that no two files share a path and that no file's path is a folder
 * of another file (`a` and `a/b`). Components are compared exactly and must
 * not contain `/` (true of every {@link safePath} result). Runs in time
 * linear in the total number of components.
 *
 * @param paths Every file's path, as returned by {@link safePath}.
 * @throws {MetainfoError} Naming the first path that clashes, or an empty path.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { assertDistinctPaths } from "./safe_path.ts";
 *
 * assertDistinctPaths([["a", "b"], ["a", "c"], ["d"]]);
 * throws(() => assertDistinctPaths([["a"], ["a", "b"]]), /"a"/);
 * ```
 */
export function assertDistinctPaths(
  paths: readonly (readonly string[])[],
): void {
  // A tree of folders; `null` marks a file. Walking it costs one map look-up
  // per component and builds no joined strings on the happy path.
  const root: Folder = new Map();
  for (const path of paths) {
    if (path.length === 0) throw new MetainfoError(`empty path ""`);
    const last = path.length - 1;
    let folder = root;
    for (let i = 0; i < last; i++) {
      const name = path[i]!;
      const child = folder.get(name);
      if (child === null) {
        throw new MetainfoError(
          `path ${show(path.slice(0, i + 1).join("/"))} is a file and also ` +
            `the folder of ${show(path.join("/"))}`,
        );
      }
      if (child === undefined) {
        const created: Folder = new Map();
        folder.set(name, created);
        folder = created;
      } else folder = child;
    }
    const name = path[last]!;
    const existing = folder.get(name);
    if (existing === null) {
      throw new MetainfoError(`duplicate file path ${show(path.join("/"))}`);
    }
    if (existing !== undefined) {
      throw new MetainfoError(
        `path ${show(path.join("/"))} is a file and also the folder of ${
          show([...path, ...someFileIn(existing)].join("/"))
        }`,
      );
    }
    folder.set(name, null);
  }
}

/** A folder in {@link assertDistinctPaths}: names to sub-folders, or `null` for files. */
type Folder = Map<string, Folder | null>;

/** The path, relative to `folder`, of the first file found inside it. */
function someFileIn(folder: Folder): string[] {
  const out: string[] = [];
  for (let at: Folder | null = folder; at !== null;) {
    const first: [string, Folder | null] | undefined = at.entries().next().value;
    if (first === undefined) break;
    out.push(first[0]);
    at = first[1];
  }
  return out;
}

/** Reads `maxPathComponentBytes`, checking that it is usable. */
function maxComponentBytes(limits: Partial<Limits> | undefined): number {
  const max = limits?.maxPathComponentBytes ??
    defaultLimits.maxPathComponentBytes;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new RangeError(
      `maxPathComponentBytes must be a positive integer, got ${max}`,
    );
  }
  return max;
}

/** Bytes as lenient UTF-8; text with lone surrogates made well-formed. */
function decode(raw: Uint8Array | string): string {
  return typeof raw === "string" ? raw.toWellFormed() : lenientUtf8.decode(raw);
}

/** Every rule but `..` and dropping, on decoded text. */
function sanitise(text: string, max: number): string {
  let name = text.replace(UNSAFE_CHARS, "_");
  name = name.replace(TRAILING_DOTS_AND_SPACES, "") || "_";
  if (DEVICE_NAME.test(name)) name = `_${name}`;
  if (name.length * 3 <= max || utf8Length(name) <= max) return name;
  name = shorten(name, max).replace(TRAILING_DOTS_AND_SPACES, "") || "_";
  // Only a tiny limit can cut a name down to a device name; its first
  // character is then an ASCII letter, so "_" keeps the byte length.
  if (DEVICE_NAME.test(name)) name = `_${name.slice(1)}`;
  return name;
}

/** Cuts a name to at most `max` UTF-8 bytes, keeping a short extension. */
function shorten(name: string, max: number): string {
  const dot = name.lastIndexOf(".");
  if (dot > 0) {
    const extension = name.slice(dot);
    const extensionBytes = utf8Length(extension);
    if (extensionBytes <= MAX_EXTENSION_BYTES) {
      const stem = prefixOfBytes(name.slice(0, dot), max - extensionBytes);
      if (stem !== "") return stem + extension;
    }
  }
  return prefixOfBytes(name, max);
}

/** The longest prefix of whole characters that fits in `max` UTF-8 bytes. */
function prefixOfBytes(text: string, max: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += utf8Length(char);
    if (bytes > max) break;
    end += char.length;
  }
  return text.slice(0, end);
}

/** UTF-8 length of well-formed text, without encoding it. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Quotes a path for an error message, cut to a readable length. */
function show(path: string): string {
  return JSON.stringify(
    path.length > MAX_SHOWN ? `${path.slice(0, MAX_SHOWN)}…` : path,
  );
}
