import assert from "node:assert/strict";

const root = new URL("..", import.meta.url).pathname;
const readme = await Deno.readTextFile(`${root}README.md`);
const commands = readme.split("\n").filter((line) => /^npx -y deno@\S+ task \w+$/.test(line));

Deno.test("the README's set-up is two commands on one pinned Deno version", async () => {
  assert.equal(commands.length, 2, commands.join("\n"));
  assert.match(commands[0]!, /^npx -y deno@\d+\.\d+\.\d+ task demo$/);
  assert.match(commands[1]!, /^npx -y deno@\d+\.\d+\.\d+ task test$/);
  const version = commands[0]!.split(" ")[2];
  assert.equal(commands[1]!.split(" ")[2], version);
  // Every other mention of a Deno version in the repository is the same one.
  const files = new TextDecoder().decode(
    (await new Deno.Command("git", { args: ["ls-files"], cwd: root, stdin: "null" }).output())
      .stdout,
  ).split("\n").filter((f) => f && !f.startsWith("test/fixtures/"));
  for (const file of files) {
    const text = await Deno.readTextFile(`${root}${file}`);
    for (const match of text.matchAll(/deno@(\d+\.\d+\.\d+)/g)) {
      assert.equal(`deno@${match[1]}`, version, `${file} names ${match[0]}`);
    }
  }
});

Deno.test("from a fresh clone, the README's demo command works", async () => {
  const clone = await Deno.makeTempDir({ prefix: "fresh-clone-" });
  const git = await new Deno.Command("git", {
    args: ["clone", "--quiet", root, clone],
    stdin: "null",
  }).output();
  assert.equal(git.code, 0, new TextDecoder().decode(git.stderr));
  const [npx, ...args] = commands[0]!.split(" ");
  const demo = await new Deno.Command(npx!, {
    args,
    cwd: clone,
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const out = new TextDecoder().decode(demo.stdout);
  assert.equal(demo.code, 0, new TextDecoder().decode(demo.stderr));
  assert.match(out, /info hash: +[0-9a-f]{40}/);
  assert.match(out, /info hash v2: +[0-9a-f]{64}/);
  assert.match(out, /the copy matches/);
  assert.match(out, /magnet: magnet:\?xt=urn:btih:[0-9a-f]{40}&xt=urn:btmh:1220[0-9a-f]{64}/);
  await Deno.remove(clone, { recursive: true });
});
