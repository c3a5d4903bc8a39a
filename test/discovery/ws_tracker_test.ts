import { assertChildPassed, requireLoopbackNamespace, runIsolated } from "../_isolated.ts";

Deno.test("ws tracker: WebRTC swarms through WebSocket signalling (child, loopback-only namespace)", async () => {
  if (!(await requireLoopbackNamespace())) return;
  const result = await runIsolated("test/discovery/_ws_child.ts");
  console.log(result.stdout.trimEnd());
  assertChildPassed(result);
});
