/**
 * WebTorrent for the benchmarks: installed once from npm into a cache
 * folder, to run on Node.
 *
 * @module
 */

import { run } from "../interop/_tools.ts";

/** The WebTorrent version the benchmarks compare with. */
export const WEBTORRENT_VERSION = "3.0.21";

/**
 * Installs webtorrent (npm, for Node) into a cache folder keyed by its version, once. npm
 * scripts are off: ip-set's preinstall insists on pnpm, and node-datachannel
 * (WebRTC, through webrtc-polyfill) fetches its binary from GitHub. WebRTC is
 * not used by the benchmarks, so webrtc-polyfill is overridden by a stub that throws if it
 * ever is; TCP is untouched.
 *
 * @param base The benchmarks' folder (`$TMPDIR/torrent-bench`).
 * @returns The folder holding `node_modules/webtorrent`, or why npm failed.
 */
export async function installWebTorrent(base: string): Promise<string | { error: string }> {
  const dir = `${base}/cache/webtorrent-${WEBTORRENT_VERSION}`;
  if (await exists(`${dir}/node_modules/webtorrent/package.json`)) return dir;
  const partial = `${dir}.partial-${Deno.pid}`;
  await Deno.mkdir(`${partial}/webrtc-stub`, { recursive: true });
  await Deno.writeTextFile(
    `${partial}/package.json`,
    JSON.stringify({
      private: true,
      dependencies: { webtorrent: WEBTORRENT_VERSION },
      overrides: { "webrtc-polyfill": "file:./webrtc-stub" },
    }),
  );
  await Deno.writeTextFile(
    `${partial}/webrtc-stub/package.json`,
    JSON.stringify({ name: "webrtc-polyfill", version: "0.0.0", type: "module", main: "index.js" }),
  );
  await Deno.writeTextFile(
    `${partial}/webrtc-stub/index.js`,
    [
      "class Unavailable {",
      '  constructor() { throw new Error("WebRTC is not available in the download benchmark"); }',
      "}",
      "export class RTCPeerConnection extends Unavailable {}",
      "export class RTCSessionDescription extends Unavailable {}",
      "export class RTCIceCandidate extends Unavailable {}",
      "export default { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate };",
      "",
    ].join("\n"),
  );
  console.log(`installing webtorrent@${WEBTORRENT_VERSION} into ${dir} ...`);
  const installed = await run(
    ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
    { cwd: partial },
  );
  if (installed.code !== 0) {
    await Deno.remove(partial, { recursive: true }).catch(() => {});
    return { error: installed.stderr.trim().split("\n").slice(-3).join(" ") };
  }
  try {
    await Deno.rename(partial, dir);
  } catch (err) {
    // Another run installed it meanwhile.
    await Deno.remove(partial, { recursive: true }).catch(() => {});
    if (!(await exists(`${dir}/node_modules/webtorrent/package.json`))) throw err;
  }
  return dir;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
