import { bundle } from "../../.ci/bundle.ts";
import { assertChildPassed, requireLoopbackNamespace, runIsolated } from "../_isolated.ts";
import { requireTool } from "../interop/_tools.ts";
import { CHROMIUM } from "./_chromium.ts";

Deno.test("browser: Chromium pages over WebRTC, IndexedDB, hybrid swarms and web seeds (child, loopback-only namespace)", async () => {
  if (!(await requireTool(CHROMIUM)) || !(await requireTool("libtorrent"))) return;
  if (!(await requireLoopbackNamespace())) return;
  const dir = await Deno.makeTempDir({ prefix: "bundle-" });
  const here = (path: string) => new URL(path, import.meta.url).pathname;
  await bundle(here("../../mod.ts"), `${dir}/torrent.browser.js`);
  await bundle(here("./_storage_entry.ts"), `${dir}/storage_suite.js`, {
    "node:assert/strict": here("./_assert_shim.ts"),
  });
  const result = await runIsolated("test/browser/_browser_child.ts", [], {
    BUNDLE: `${dir}/torrent.browser.js`,
    STORAGE_BUNDLE: `${dir}/storage_suite.js`,
  });
  console.log(result.stdout.trimEnd());
  assertChildPassed(result);
});
