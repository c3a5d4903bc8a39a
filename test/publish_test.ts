/**
 * The package is ready for JSR: `deno publish --dry-run` finds no slow types
 * and `deno doc --lint` finds every export documented.
 *
 * @module
 */

import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;

async function deno(...args: string[]): Promise<{ code: number; output: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return { code, output: text.decode(stdout) + text.decode(stderr) };
}

Deno.test("deno publish --dry-run passes: no slow types, a licence, only the library", async () => {
  const { code, output } = await deno("publish", "--dry-run", "--allow-dirty");
  assert.equal(code, 0, output);
  assert.match(output, /Success Dry run complete/);
  assert.doesNotMatch(
    output,
    /file:\/\/\S*\/(test|\.ci)\//,
    "tests and CI files are not published",
  );
});

Deno.test("deno doc --lint mod.ts is clean", async () => {
  const { code, output } = await deno("doc", "--lint", "mod.ts");
  assert.equal(code, 0, output);
});
