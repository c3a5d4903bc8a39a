/**
 * The npm package under Node's own test runner: builds it with
 * `.ci/build_npm.ts`, packs it, installs the tarball into a scratch project
 * with npm, and runs `node --test` on test/node/package.node.mjs there.
 *
 * @module
 */

import assert from "node:assert/strict";
import { requireTool, run } from "../interop/_tools.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test({
  name: "the npm package passes its tests under node --test (Node 20+)",
  sanitizeResources: false,
  async fn() {
    if (!await requireTool("node") || !await requireTool("npm")) return;
    const { stdout: version } = await run(["node", "--version"]);
    assert.ok(Number(/^v(\d+)/.exec(version)?.[1]) >= 20, `Node ${version.trim()} is too old`);
    const work = await Deno.makeTempDir({ prefix: "seed-npm-" });
    try {
      const built = await run([
        Deno.execPath(),
        "run",
        "-A",
        `${ROOT}.ci/build_npm.ts`,
        "--out",
        `${work}/pkg`,
      ]);
      assert.equal(built.code, 0, built.stdout + built.stderr);
      const packed = await run(["npm", "pack", "--silent", "--pack-destination", work], {
        cwd: `${work}/pkg`,
      });
      assert.equal(packed.code, 0, packed.stderr);
      const tarball = `${work}/${packed.stdout.trim().split("\n").at(-1)}`;

      const project = `${work}/project`;
      await Deno.mkdir(project);
      await Deno.writeTextFile(
        `${project}/package.json`,
        JSON.stringify({ name: "scratch", private: true, type: "module" }),
      );
      const installed = await run(
        ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", tarball],
        { cwd: project },
      );
      assert.equal(installed.code, 0, installed.stdout + installed.stderr);
      await Deno.copyFile(`${ROOT}test/node/package.node.mjs`, `${project}/package.node.mjs`);

      const tested = await run(["node", "--test", "--test-reporter=spec", "package.node.mjs"], {
        cwd: project,
        env: { DENO: Deno.execPath(), REPO: ROOT, NO_COLOR: "1" },
        signal: AbortSignal.timeout(120_000),
      });
      console.log(tested.stdout.split("\n").filter((l) => /^\s*[✔✖ℹ]/.test(l)).join("\n"));
      assert.equal(tested.code, 0, tested.stdout + tested.stderr);
      assert.match(tested.stdout, /ℹ fail 0/);
      assert.doesNotMatch(tested.stdout, /ℹ pass 0\b/);
    } finally {
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});
