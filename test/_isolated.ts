/**
 * WebRTC and browser tests run in a child process inside a private network
 * namespace that has only loopback (so libwebrtc cannot offer or reach any
 * other address), and that child ends with an explicit exit (wrtc may crash
 * a process at its normal teardown). The child registers its tests with
 * `Deno.test` as usual; {@link runRegisteredTests} runs them one by one.
 *
 * @module
 */

import { requireTool, run, type RunResult } from "./interop/_tools.ts";

/**
 * True when a loopback-only network namespace can be made here (`unshare -n`
 * as root); otherwise false with a printed reason, or an error in CI.
 */
export async function requireLoopbackNamespace(): Promise<boolean> {
  if (!(await requireTool("unshare")) || !(await requireTool("ip"))) return false;
  const probe = await run(["unshare", "-n", "sh", "-c", "ip link set lo up"]);
  if (probe.code === 0) return true;
  const reason = `cannot make a network namespace (${probe.stderr.trim()})`;
  if (Deno.env.get("CI") === "true") throw new Error(reason);
  console.log(`skipping: ${reason}`);
  return false;
}

/** Exit code of a process killed by SIGSEGV. */
const SEGFAULT = 128 + 11;

/**
 * Runs a Deno script in a loopback-only network namespace. Its npm packages
 * are cached first, outside (the namespace has no registry). A run that
 * dies of a segfault (wrtc's native code does, rarely, under load) is run
 * once more, saying so.
 *
 * @param script Path of the script.
 * @param args Its arguments.
 * @param env Extra environment variables.
 * @returns Its exit code and output.
 */
export async function runIsolated(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<RunResult> {
  const deno = Deno.execPath();
  const cached = await run([deno, "cache", script]);
  if (cached.code !== 0) throw new Error(`deno cache ${script} failed: ${cached.stderr}`);
  const first = await runInNamespace(deno, script, args, env);
  if (first.code !== SEGFAULT) return first;
  console.log(
    `${script} died of a segfault in native code; running it once more:\n${first.stdout}`,
  );
  return await runInNamespace(deno, script, args, env);
}

function runInNamespace(
  deno: string,
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<RunResult> {
  return run([
    "unshare",
    "-n",
    "sh",
    "-c",
    'ip link set lo up && exec "$@"',
    "sh",
    deno,
    "run",
    "-A",
    script,
    ...args,
  ], { env: { NO_COLOR: "1", ...env } });
}

interface Registered {
  name: string;
  fn: () => unknown;
}

/**
 * In the child: collects what `load` registers with `Deno.test`, runs each
 * in turn (those whose name contains `TEST_FILTER`, when set), prints one
 * line per test and `N passed, N failed`, and exits 1 if any failed.
 *
 * @param load Imports the test modules.
 */
export async function runRegisteredTests(load: () => Promise<unknown>): Promise<never> {
  const tests: Registered[] = [];
  const collect = (a: string | { name: string; fn: () => unknown }, b?: () => unknown) => {
    tests.push(typeof a === "string" ? { name: a, fn: b! } : a);
  };
  (Deno as unknown as { test: typeof collect }).test = collect;
  await load();
  const filter = Deno.env.get("TEST_FILTER");
  let passed = 0;
  let failed = 0;
  for (const test of tests) {
    if (filter && !test.name.includes(filter)) continue;
    const started = performance.now();
    try {
      await test.fn();
      passed++;
      console.log(`ok ${test.name} (${Math.round(performance.now() - started)} ms)`);
    } catch (error) {
      failed++;
      console.log(`FAILED ${test.name}: ${(error as Error)?.stack ?? error}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  Deno.exit(failed > 0 || passed === 0 ? 1 : 0);
}

/**
 * In the parent: asserts a child run passed, showing its output when not.
 *
 * @param result The child's outcome.
 */
export function assertChildPassed(result: RunResult): void {
  const summary = /(\d+) passed, (\d+) failed/.exec(result.stdout);
  if (result.code !== 0 || !summary || summary[2] !== "0") {
    throw new Error(
      `isolated tests failed (exit ${result.code}):\n${result.stdout}\n${
        result.stderr.slice(-4000)
      }`,
    );
  }
}
