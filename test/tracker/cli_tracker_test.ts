import assert from "node:assert/strict";
import { announceHttp } from "../../src/discovery/http_tracker.ts";

Deno.test("cli: torrent tracker prints its URLs, serves, and stops on SIGINT", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "src/cli/main.ts", "tracker", "--port", "0", "--host", "127.0.0.1"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (text.split("\n").length < 4) text += (await lines.read()).value ?? "";
  const urls = text.split("\n");
  assert.match(urls[0]!, /^http:\/\/127\.0\.0\.1:\d+\/announce$/);
  assert.match(urls[1]!, /^udp:\/\/127\.0\.0\.1:\d+$/);
  assert.match(urls[2]!, /^ws:\/\/127\.0\.0\.1:\d+$/);
  const answer = await announceHttp(urls[0]!, {
    infoHash: new Uint8Array(20),
    peerId: new Uint8Array(20).fill(1),
    port: 1234,
    uploaded: 0,
    downloaded: 0,
    left: 0,
  });
  assert.equal(answer.complete, 1);
  child.kill("SIGINT");
  assert.equal((await child.status).code, 0);
  await lines.cancel();
});
