/**
 * Which JavaScript runtime this is, and the runtime-specific pieces loaded on
 * demand: the core never imports them statically, so a browser bundle never
 * runs `node:` or `Deno` code.
 *
 * @module
 */

import type { FileSystem } from "./fs/types.ts";

/**
 * The runtimes the library knows.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { runtime, type RuntimeName } from "./runtime.ts";
 *
 * const storageFor: Record<RuntimeName, string> = { deno: "fs", node: "fs", browser: "idb" };
 * strictEqual(storageFor[runtime], "fs"); // doc tests run under Deno
 * ```
 */
export type RuntimeName = "deno" | "node" | "browser";

/**
 * The runtime the code is running on.
 *
 * @example
 * ```ts
 * import { runtime } from "./runtime.ts";
 * console.assert(["deno", "node", "browser"].includes(runtime));
 * ```
 */
export const runtime: RuntimeName = detect();

function detect(): RuntimeName {
  const global = globalThis as {
    Deno?: { version?: unknown };
    process?: { versions?: { node?: unknown } };
  };
  if (global.Deno?.version) return "deno";
  if (global.process?.versions?.node) return "node";
  return "browser";
}

let fsPromise: Promise<FileSystem> | undefined;

/**
 * The filesystem of this runtime (Deno's or Node's), loaded on first use.
 *
 * @throws {Error} In a browser, which has no filesystem.
 */
export function fileSystem(): Promise<FileSystem> {
  fsPromise ??= runtime === "deno"
    ? import("./fs/deno.ts").then((m) => m.denoFileSystem)
    : runtime === "node"
    ? import("./fs/node.ts").then((m) => m.nodeFileSystem)
    : Promise.reject(new Error("This runtime has no filesystem; use File objects or IndexedDB"));
  return fsPromise;
}
