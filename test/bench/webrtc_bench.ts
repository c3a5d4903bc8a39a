/**
 * WebRTC into a page: MB/s of Chromium downloading from one Deno seeder over
 * WebRTC (through our tracker), with our browser bundle and with WebTorrent
 * 3 in the same page setup, in turns, in the same run. A measurement, not a
 * test. Runs in a loopback-only network namespace (root, `unshare`).
 *
 * ```sh
 * deno run -A test/bench/webrtc_bench.ts [--mib 64] [--rounds 3]
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { bundle } from "../../.ci/bundle.ts";
import { runIsolated } from "../_isolated.ts";
import { installWebTorrent } from "../interop/_webtorrent_install.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { mib: { type: "string" }, rounds: { type: "string" } },
});
const out = `${await Deno.makeTempDir({ prefix: "bench-bundle-" })}/torrent.browser.js`;
await bundle(new URL("../../mod.ts", import.meta.url).pathname, out);
const webtorrent = await installWebTorrent("wrtc");
if (typeof webtorrent !== "string") {
  throw new Error(`cannot install webtorrent: ${webtorrent.error}`);
}
const result = await runIsolated("test/bench/_webrtc_bench_child.ts", [], {
  BUNDLE: out,
  WEBTORRENT_DIST: `${webtorrent}/node_modules/webtorrent/dist/webtorrent.min.js`,
  MIB: values.mib ?? "64",
  ROUNDS: values.rounds ?? "3",
});
console.log(result.stdout.trimEnd());
if (result.code !== 0) console.error(result.stderr.slice(-3000));
Deno.exit(result.code);
