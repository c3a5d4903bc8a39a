/**
 * The npm package under Node's own test runner: builds it with
 * `.ci/build_npm.ts`, packs it, installs the tarball into a scratch project
 * with npm, and runs `node --test` there on test/node/package.node.mjs (TCP
 * and uTP), then on test/node/webrtc.node.mjs (WebRTC through @roamhq/wrtc)
 * inside a loopback-only network namespace.
 *
 * @module
 */

import assert from "node:assert/strict";
import { requireLoopbackNamespace } from "../_isolated.ts";
import { requireTool, run, type RunResult } from "../interop/_tools.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test({
  name: "the npm package passes its tests under node --test (Node 20+)",
  sanitizeResources: false,
  async fn(t) {
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
      for await (const entry of Deno.readDir(`${ROOT}test/node`)) {
        if (entry.name.endsWith(".mjs")) {
          await Deno.copyFile(`${ROOT}test/node/${entry.name}`, `${project}/${entry.name}`);
        }
      }
      const env = { DENO: Deno.execPath(), REPO: ROOT, NO_COLOR: "1" };
      const nodeTest = ["node", "--test", "--test-reporter=spec"];

      await t.step("create, parse, TCP and uTP downloads (package.node.mjs)", async () => {
        const tested = await run([...nodeTest, "package.node.mjs"], {
          cwd: project,
          env,
          signal: AbortSignal.timeout(120_000),
        });
        assertNodeTestPassed(tested);
      });

      await t.step("WebRTC through @roamhq/wrtc (webrtc.node.mjs, loopback-only)", async () => {
        if (!await requireLoopbackNamespace()) return;
        // The namespace has no registry: the CLI's npm packages (wrtc too) are cached first.
        const cached = await run([Deno.execPath(), "cache", `${ROOT}src/cli/main.ts`]);
        assert.equal(cached.code, 0, cached.stderr);
        const tested = await run([
          ...["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"],
          ...nodeTest,
          "webrtc.node.mjs",
        ], { cwd: project, env, signal: AbortSignal.timeout(120_000) });
        assertNodeTestPassed(tested);
      });
    } finally {
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});

/** Shows a `node --test` run's results and asserts it ran tests and all passed. */
function assertNodeTestPassed(tested: RunResult): void {
  console.log(tested.stdout.split("\n").filter((l) => /^\s*[✔✖ℹ]/.test(l)).join("\n"));
  assert.equal(tested.code, 0, tested.stdout + tested.stderr);
  assert.match(tested.stdout, /ℹ fail 0/);
  assert.doesNotMatch(tested.stdout, /ℹ pass 0\b/);
}
