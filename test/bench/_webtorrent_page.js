// WebTorrent in a page, for the WebRTC benchmark: downloads the torrent in
// the query through its ws:// tracker (no STUN), times it from `add` to
// `done`, hashes the file and reports through `window.result`.
const { default: WebTorrent } = await import(
  new URL("./webtorrent.min.js", import.meta.url).href
);

const params = new URLSearchParams(location.search);
try {
  const bytes = new Uint8Array(await (await fetch(params.get("torrent"))).arrayBuffer());
  const client = new WebTorrent({ tracker: { rtcConfig: { iceServers: [] } }, dht: false });
  client.on("error", (error) => (globalThis.result = { error: String(error) }));
  const started = performance.now();
  const torrent = client.add(bytes);
  await new Promise((resolve, reject) => {
    torrent.on("done", resolve);
    torrent.on("error", reject);
  });
  const seconds = (performance.now() - started) / 1000;
  const whole = new Uint8Array(await torrent.files[0].arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", whole));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  globalThis.result = {
    seconds,
    length: torrent.length,
    downloaded: torrent.downloaded,
    sha256,
    verified: sha256 === params.get("sha256"),
  };
} catch (error) {
  globalThis.result = { error: String(error?.stack ?? error) };
}
