// The test page: downloads the torrent named in the query with the browser
// bundle (WebRTC through the torrent's ws:// tracker, or web seeds), into
// IndexedDB (the default storage in a browser), then reads every piece back
// and hashes the whole content. `window.result` reports to the test.
// Imported by URL: the bundle exists only where the test serves it.
const { Client } = await import(new URL("./torrent.browser.js", import.meta.url).href);

const params = new URLSearchParams(location.search);
const status = document.getElementById("status");
try {
  const response = await fetch(params.get("torrent"));
  const bytes = new Uint8Array(await response.arrayBuffer());
  const client = await Client.create({ webrtc: { config: { iceServers: [] } } });
  const started = performance.now();
  const torrent = await client.add(bytes);
  const checked = torrent.verifiedBytes;
  torrent.addEventListener("piece", () => {
    status.textContent = `${(torrent.progress * 100).toFixed(1)}%`;
  });
  await torrent.done;
  const seconds = (performance.now() - started) / 1000;
  const whole = new Uint8Array(torrent.meta.length);
  for (let piece = 0, at = 0; piece < torrent.meta.pieceCount; piece++) {
    const data = await torrent.readPiece(piece);
    whole.set(data, at);
    at += data.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", whole));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  globalThis.result = {
    checked,
    downloaded: torrent.downloaded,
    length: torrent.meta.length,
    seconds,
    sha256,
    verified: sha256 === params.get("sha256"),
  };
  status.textContent = "done";
} catch (error) {
  globalThis.result = { error: String(error?.stack ?? error) };
}
