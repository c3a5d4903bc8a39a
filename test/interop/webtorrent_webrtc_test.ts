import { assertChildPassed, requireLoopbackNamespace, runIsolated } from "../_isolated.ts";
import { installWebTorrent } from "./_webtorrent_install.ts";
import { requireTool } from "./_tools.ts";

Deno.test("webtorrent interop over WebRTC, our tracker and bittorrent-tracker's (child, loopback-only namespace)", async () => {
  if (!(await requireTool("node")) || !(await requireTool("npm"))) return;
  if (!(await requireLoopbackNamespace())) return;
  const dir = await installWebTorrent("wrtc");
  if (typeof dir !== "string") throw new Error(`cannot install webtorrent: ${dir.error}`);
  const result = await runIsolated("test/interop/_webtorrent_webrtc_child.ts", [], {
    WEBTORRENT_DIR: dir,
  });
  console.log(result.stdout.trimEnd());
  assertChildPassed(result);
});
