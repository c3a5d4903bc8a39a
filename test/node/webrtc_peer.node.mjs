// One Node client of the built package that seeds or downloads a torrent over
// WebRTC only (@roamhq/wrtc), meeting its peers through a ws:// tracker, with
// no ICE servers. test/node/webrtc.node.mjs runs it as a child process in a
// loopback-only network namespace; it ends with an explicit process.exit(),
// as a process that used wrtc may crash at its normal teardown.
//
//   node webrtc_peer.node.mjs seed|download FILE.torrent DIR WS_URL
//
// `seed` prints "ready" once its data is verified and seeds until stdin ends;
// `download` exits once every piece is verified. Both then print one JSON
// line: { "transports": [...] }, the transports of the peers they had.

import { readFile } from "node:fs/promises";
import { Client } from "@seed/torrent";

const [role, torrentPath, dir, wsUrl] = process.argv.slice(2);
if ((role !== "seed" && role !== "download") || !torrentPath || !dir || !wsUrl) {
  console.error("usage: webrtc_peer.node.mjs seed|download FILE.torrent DIR WS_URL");
  process.exit(2);
}

try {
  const client = await Client.create({
    host: "127.0.0.1",
    port: 0,
    listen: false,
    transports: [],
    webrtc: { config: { iceServers: [] } },
  });
  const torrent = await client.add(await readFile(torrentPath), { dir, announce: [wsUrl] });
  const transports = new Set();
  torrent.addEventListener("peer", (event) => {
    if (!event.detail.connected) return;
    const peer = torrent.peers.find((p) => p.address === event.detail.address);
    if (peer) transports.add(peer.transport);
  });
  torrent.addEventListener("warning", (event) => console.error(`warning: ${event.detail}`));
  if (role === "seed") {
    if (torrent.progress !== 1) throw new Error(`only ${torrent.progress} of the data is there`);
    console.log("ready");
    process.stdin.resume();
    await new Promise((resolve) => process.stdin.once("end", resolve));
  } else {
    await torrent.done;
  }
  await client.close();
  console.log(JSON.stringify({ transports: [...transports] }));
  process.exit(0);
} catch (error) {
  console.error(error?.stack ?? error);
  process.exit(1);
}
