/**
 * `deno task bundle`: one ESM file for browsers from `mod.ts`, at
 * `dist/torrent.browser.js` (or the path given), with esbuild.
 *
 * `npm:` specifiers resolve to the packages in Deno's npm cache (simple-peer
 * to its prebuilt browser build, which carries its own Node shims); the
 * runtime-specific modules that only Deno and Node load (`node:*`, the
 * Deno and Node filesystem, UDP and TCP edges, wrtc, ws, the DHT) become
 * stubs that throw if ever imported, so no `node:` module is in the bundle.
 *
 * ```sh
 * deno task bundle [out.js] [--entry file.ts]
 * ```
 *
 * @module
 */

import * as esbuild from "npm:esbuild@^0.25";
import { parseArgs } from "node:util";

const ROOT = new URL("..", import.meta.url).pathname;

/** Files under these names are for Deno or Node only. */
const RUNTIME_ONLY =
  /(^node:|^npm:@roamhq\/wrtc|^npm:bittorrent-dht|^npm:ws@|\/fs\/(deno|node)\.ts$|\/net\/udp_(deno|node)\.ts$|\/tcp_(deno|node)\.ts$)/;

/** Where each npm package of the source is taken from, inside its package folder. */
const ENTRY_FILES: Record<string, string> = {
  "simple-peer": "simplepeer.min.js",
  "idb-keyval": "dist/index.js",
};

/**
 * Bundles an entry module for browsers.
 *
 * @param entry The module to bundle (default `mod.ts`).
 * @param outfile Where to write the bundle.
 * @param aliases Specifiers to take from other files (tests: `node:assert/strict` to a shim).
 * @returns The bundle's size in bytes.
 */
export async function bundle(
  entry: string,
  outfile: string,
  aliases: Record<string, string> = {},
): Promise<number> {
  const npmCache = await npmCacheDir(entry);
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    define: { global: "globalThis" },
    logLevel: "warning",
    plugins: [{
      name: "deno-npm-and-runtime-stubs",
      setup(build) {
        build.onResolve({ filter: /.*/ }, (args) => {
          if (Object.hasOwn(aliases, args.path)) return { path: aliases[args.path]! };
          const path = args.path.startsWith(".")
            ? new URL(args.path, `file://${args.resolveDir}/`).pathname
            : args.path;
          if (RUNTIME_ONLY.test(path)) return { path, namespace: "runtime-only" };
          const npm = /^npm:(@?[^@/]+(?:\/[^@/]+)?)@([^/]+)(\/.*)?$/.exec(args.path);
          if (!npm) return undefined;
          const [, name, range, sub] = npm;
          const folder = `${npmCache}/${name}/${pickVersion(npmCache, name!, range!)}`;
          return { path: `${folder}/${sub ? sub.slice(1) : ENTRY_FILES[name!] ?? "index.js"}` };
        });
        build.onLoad({ filter: /.*/, namespace: "runtime-only" }, (args) => ({
          contents: `throw new Error(${JSON.stringify(`${args.path} is not for browsers`)});`,
          loader: "js",
        }));
      },
    }],
  });
  await esbuild.stop();
  return (await Deno.stat(outfile)).size;
}

/** Caches the entry's npm packages and returns Deno's npm registry cache folder. */
async function npmCacheDir(entry: string): Promise<string> {
  const deno = Deno.execPath();
  const cached = await new Deno.Command(deno, {
    args: ["cache", entry, "npm:simple-peer@^9", "npm:idb-keyval@^6"],
    stdout: "null",
  }).output();
  if (!cached.success) throw new Error(`deno cache ${entry} failed`);
  const info = await new Deno.Command(deno, { args: ["info", "--json"] }).output();
  const { npmCache } = JSON.parse(new TextDecoder().decode(info.stdout));
  return `${npmCache}/registry.npmjs.org`;
}

/** The highest cached version of a package matching a `^major` (or exact) range. */
function pickVersion(cache: string, name: string, range: string): string {
  const versions = [...Deno.readDirSync(`${cache}/${name}`)]
    .map((entry) => entry.name)
    .filter((v) => /^\d+\.\d+\.\d+$/.test(v))
    .filter((v) =>
      range.startsWith("^") ? v.split(".")[0] === range.slice(1).split(".")[0] : v === range
    )
    .sort((a, b) => {
      const [x, y] = [a.split(".").map(Number), b.split(".").map(Number)];
      return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
    });
  if (versions.length === 0) throw new Error(`npm:${name}@${range} is not in Deno's cache`);
  return versions.at(-1)!;
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { entry: { type: "string" } },
    allowPositionals: true,
  });
  const outfile = positionals[0] ?? `${ROOT}dist/torrent.browser.js`;
  const size = await bundle(values.entry ?? `${ROOT}mod.ts`, outfile);
  console.log(`${outfile}: ${(size / 1024).toFixed(0)} KiB`);
}
