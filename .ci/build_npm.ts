/**
 * Builds the Node package from the same sources: `deno task build:npm`.
 *
 * - `esm/`: `mod.ts` and the CLI bundled by esbuild into ES modules for Node
 *   20+, split so that code loaded on demand (Deno's or Node's sockets and
 *   files) stays in chunks of its own. Source imports npm packages by full
 *   specifier (`npm:pkg@^1/sub`); the build rewrites them to `pkg/sub` and
 *   lists `pkg` with that range among the package's dependencies.
 * - `types/`: declarations emitted by TypeScript without type checking
 *   (`deno check` does that), relative `.ts` imports rewritten to `.js`.
 * - `bin/torrent.js`: the `torrent` command.
 * - `package.json`, `README.md`, `LICENSE`.
 *
 * ```sh
 * deno task build:npm              # into dist/npm
 * deno run -A .ci/build_npm.ts --out /tmp/pkg
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import * as esbuild from "npm:esbuild@^0.25";

const ROOT = new URL("../", import.meta.url).pathname;
const { values } = parseArgs({ args: Deno.args, options: { out: { type: "string" } } });
const OUT = values.out ?? `${ROOT}dist/npm`;

/** `npm:name@range/sub` (name possibly scoped) split into its parts. */
function parseNpmSpecifier(specifier: string): { name: string; range: string; sub: string } {
  const match = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)(?:@([^/]+))?(\/.*)?$/.exec(specifier);
  if (!match) throw new Error(`Cannot parse npm specifier "${specifier}"`);
  return { name: match[1]!, range: match[2] ?? "*", sub: match[3] ?? "" };
}

/** Rewrites `npm:` specifiers to bare names and records each package's range. */
function npmSpecifiers(dependencies: Map<string, string>): esbuild.Plugin {
  return {
    name: "npm-specifiers",
    setup(build) {
      build.onResolve({ filter: /^npm:/ }, (args) => {
        const { name, range, sub } = parseNpmSpecifier(args.path);
        const known = dependencies.get(name);
        if (known !== undefined && known !== range) {
          throw new Error(`${name} is imported with two ranges: ${known} and ${range}`);
        }
        dependencies.set(name, range);
        return { path: name + sub, external: true };
      });
    },
  };
}

async function bundle(dependencies: Map<string, string>): Promise<void> {
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { mod: "mod.ts", cli: "src/cli/main.ts" },
    outdir: `${OUT}/esm`,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    chunkNames: "chunks/[name]-[hash]",
    plugins: [npmSpecifiers(dependencies)],
    logLevel: "warning",
  });
  await esbuild.stop();
}

async function declarations(): Promise<void> {
  const tsc = new Deno.Command(Deno.execPath(), {
    cwd: ROOT,
    args: [
      ...["run", "-A", "npm:typescript@^5.9/tsc", "mod.ts", "src/cli/main.ts"],
      ...["--declaration", "--emitDeclarationOnly", "--noCheck", "--outDir", `${OUT}/types`],
      ...["--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext"],
      ...["--allowImportingTsExtensions", "--skipLibCheck", "--strict", "--rootDir", "."],
    ],
    stdout: "piped",
    stderr: "piped",
  });
  const { stdout, stderr } = await tsc.output();
  // Diagnostics about npm: and Deno types are expected without checking; a missing output is not.
  try {
    await Deno.stat(`${OUT}/types/mod.d.ts`);
  } catch {
    const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    throw new Error(`TypeScript wrote no declarations:\n${text}`);
  }
  for await (const path of walk(`${OUT}/types`)) {
    if (!path.endsWith(".d.ts")) continue;
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, rewriteSpecifiers(text));
  }
}

/** `./x.ts` becomes `./x.js`, `npm:pkg@^1/sub` becomes `pkg/sub`. */
function rewriteSpecifiers(text: string): string {
  return text
    .replace(/(["'])(\.{1,2}\/[^"']+)\.ts\1/g, "$1$2.js$1")
    .replace(/(["'])(npm:[^"']+)\1/g, (_, quote, specifier) => {
      const { name, sub } = parseNpmSpecifier(specifier);
      return quote + name + sub + quote;
    });
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else yield path;
  }
}

async function packageFiles(dependencies: Map<string, string>): Promise<void> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const pkg = {
    name: config.name,
    version: config.version,
    description: "BitTorrent for Deno, Node and browsers: TCP, uTP and WebRTC peers in one swarm",
    license: config.license,
    type: "module",
    engines: { node: ">=20" },
    exports: {
      ".": { types: "./types/mod.d.ts", import: "./esm/mod.js" },
      "./cli": { types: "./types/src/cli/main.d.ts", import: "./esm/cli.js" },
    },
    types: "./types/mod.d.ts",
    bin: { torrent: "./bin/torrent.js" },
    files: ["esm", "types", "bin", "README.md", "LICENSE"],
    dependencies: Object.fromEntries([...dependencies].sort()),
  };
  await Deno.writeTextFile(`${OUT}/package.json`, JSON.stringify(pkg, null, 2) + "\n");
  await Deno.mkdir(`${OUT}/bin`, { recursive: true });
  await Deno.writeTextFile(
    `${OUT}/bin/torrent.js`,
    [
      "#!/usr/bin/env node",
      'import { main } from "../esm/cli.js";',
      "process.exit(await main(process.argv.slice(2)));",
      "",
    ].join("\n"),
  );
  await Deno.chmod(`${OUT}/bin/torrent.js`, 0o755);
  await Deno.copyFile(`${ROOT}README.md`, `${OUT}/README.md`);
  await Deno.copyFile(`${ROOT}LICENSE`, `${OUT}/LICENSE`);
}

await Deno.remove(OUT, { recursive: true }).catch(() => {});
const dependencies = new Map<string, string>();
await bundle(dependencies);
await declarations();
await packageFiles(dependencies);
console.log(`Built ${OUT}`);
