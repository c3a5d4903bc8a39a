/**
 * Installs WebTorrent (and bittorrent-tracker) for Node into a cache folder
 * outside the repository, once per variant. npm scripts are off: ip-set's
 * preinstall insists on pnpm, and node-datachannel (WebRTC, through
 * webrtc-polyfill) fetches its binary from GitHub. So webrtc-polyfill is
 * overridden: by a stub that throws (`"stub"`, TCP only), or by
 * `@roamhq/wrtc`, whose binary comes from the npm registry (`"wrtc"`).
 *
 * `deno run -A test/interop/_webtorrent_install.ts` installs the `wrtc`
 * variant ahead of the tests (CI does, so the tests find it cached).
 *
 * @module
 */

import { run } from "./_tools.ts";

/** The WebTorrent version every test and benchmark uses. */
export const WEBTORRENT_VERSION = "3.0.21";
const TRACKER_VERSION = "11.2.2";
const WRTC_VERSION = "0.10.0";

/** How WebTorrent gets WebRTC. */
export type WebRtcVariant = "stub" | "wrtc";

const STUB = [
  "class Unavailable {",
  '  constructor() { throw new Error("WebRTC is not available in this install"); }',
  "}",
  "export class RTCPeerConnection extends Unavailable {}",
  "export class RTCSessionDescription extends Unavailable {}",
  "export class RTCIceCandidate extends Unavailable {}",
  "export default { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate };",
  "",
].join("\n");

/**
 * wrtc never fires `bufferedamountlow`, on which WebTorrent's simple-peer
 * waits to send more: each data channel gets it from a poll instead.
 */
const WRTC = `import wrtc from "@roamhq/wrtc";
const polled = (channel) => {
  const timer = setInterval(() => {
    if (channel.readyState === "closed") return clearInterval(timer);
    const low = channel.bufferedAmount <= channel.bufferedAmountLowThreshold;
    if (low && !channel._wasLow) channel.onbufferedamountlow?.({ type: "bufferedamountlow" });
    channel._wasLow = low;
  }, 2);
  return channel;
};
export class RTCPeerConnection extends wrtc.RTCPeerConnection {
  constructor(config) {
    super(config);
    this.addEventListener("datachannel", (event) => polled(event.channel));
  }
  createDataChannel(...args) {
    return polled(super.createDataChannel(...args));
  }
}
export const { RTCSessionDescription, RTCIceCandidate } = wrtc;
export default { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate };
`;

/**
 * Installs the variant once into `$TMPDIR/torrent-test/webtorrent-VERSION-VARIANT`.
 *
 * @returns The folder (its `node_modules` holds webtorrent and bittorrent-tracker),
 *   or the error npm gave.
 */
export async function installWebTorrent(
  variant: WebRtcVariant,
): Promise<string | { error: string }> {
  const base = `${Deno.env.get("TMPDIR") ?? "/tmp"}/torrent-test`;
  const dir = `${base}/webtorrent-${WEBTORRENT_VERSION}-${variant}`;
  if (await exists(`${dir}/node_modules/webtorrent/package.json`)) return dir;
  const partial = `${dir}.partial-${Deno.pid}`;
  await Deno.mkdir(`${partial}/webrtc-shim`, { recursive: true });
  await Deno.writeTextFile(
    `${partial}/package.json`,
    JSON.stringify({
      private: true,
      dependencies: {
        webtorrent: WEBTORRENT_VERSION,
        "bittorrent-tracker": TRACKER_VERSION,
        ...(variant === "wrtc" ? { "@roamhq/wrtc": WRTC_VERSION } : {}),
      },
      overrides: { "webrtc-polyfill": "file:./webrtc-shim" },
    }),
  );
  await Deno.writeTextFile(
    `${partial}/webrtc-shim/package.json`,
    JSON.stringify({ name: "webrtc-polyfill", version: "0.0.0", type: "module", main: "index.js" }),
  );
  await Deno.writeTextFile(`${partial}/webrtc-shim/index.js`, variant === "wrtc" ? WRTC : STUB);
  console.log(`installing webtorrent@${WEBTORRENT_VERSION} (${variant}) into ${dir} ...`);
  const installed = await run(
    ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
    { cwd: partial },
  );
  if (installed.code !== 0) {
    await Deno.remove(partial, { recursive: true }).catch(() => {});
    return { error: installed.stderr.trim().split("\n").slice(-3).join(" ") };
  }
  try {
    await Deno.mkdir(base, { recursive: true });
    await Deno.rename(partial, dir);
  } catch (err) {
    // Another run installed it meanwhile.
    await Deno.remove(partial, { recursive: true }).catch(() => {});
    if (!(await exists(`${dir}/node_modules/webtorrent/package.json`))) throw err;
  }
  return dir;
}

/** True when the path exists. */
function exists(path: string): Promise<boolean> {
  return Deno.stat(path).then(() => true, () => false);
}

if (import.meta.main) {
  const dir = await installWebTorrent("wrtc");
  if (typeof dir !== "string") {
    console.error(dir.error);
    Deno.exit(1);
  }
  console.log(dir);
}
