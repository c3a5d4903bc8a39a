import { bundle } from "../../tools/bundle.ts";
import { assertChildPassed, requireLoopbackNamespace, runIsolated } from "../_isolated.ts";
import { requireTool } from "../interop/_tools.ts";
import { CHROMIUM } from "./_chromium.ts";

Deno.test("browser: Chromium pages over WebRTC, IndexedDB, hybrid swarms and web seeds (child, loopback-only namespace)", async () => {
  if (!(await requireTool(CHROMIUM)) || !(await requireTool("libtorrent"))) return;
  if (!(await requireLoopbackNamespace())) return;
  const out = `${await Deno.makeTempDir({ prefix: "bundle-" })}/torrent.browser.js`;
  await bundle(new URL("../../mod.ts", import.meta.url).pathname, out);
  const result = await runIsolated("test/browser/_browser_child.ts", [], { BUNDLE: out });
  console.log(result.stdout.trimEnd());
  assertChildPassed(result);
});
