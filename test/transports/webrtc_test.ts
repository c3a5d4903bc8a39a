import { assertChildPassed, requireLoopbackNamespace, runIsolated } from "../_isolated.ts";

Deno.test("webrtc: transport conformance (child process, loopback-only namespace)", async () => {
  if (!(await requireLoopbackNamespace())) return;
  const result = await runIsolated("test/transports/_webrtc_child.ts");
  console.log(result.stdout.trimEnd());
  assertChildPassed(result);
});
