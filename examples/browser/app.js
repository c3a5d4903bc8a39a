// The browser example: opens a .torrent URL with the library's browser
// bundle, shows progress and peers, then shows each file: videos play in
// <video>, images show, anything else is a download link.
const { Client } = await import(new URL("./torrent.browser.js", import.meta.url).href);

const $ = (id) => document.getElementById(id);
const client = await Client.create();
const params = new URLSearchParams(location.search);

$("open").addEventListener("submit", (event) => {
  event.preventDefault();
  open($("source").value).catch((error) => ($("status").textContent = `failed: ${error.message}`));
});
if (params.has("torrent")) {
  $("source").value = params.get("torrent");
  open(params.get("torrent")).catch((
    error,
  ) => ($("status").textContent = `failed: ${error.message}`));
}

async function open(source) {
  if (source.startsWith("magnet:")) throw new Error("magnet links are not supported yet");
  const response = await fetch(source);
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${source}`);
  const torrent = await client.add(new Uint8Array(await response.arrayBuffer()));
  const show = () => {
    $("progress").value = torrent.progress;
    $("status").textContent = `${torrent.meta.name}: ${(torrent.progress * 100).toFixed(1)}%, ` +
      `${(torrent.downloadSpeed / 1048576).toFixed(2)} MiB/s, ${torrent.peers.length} peers`;
  };
  const timer = setInterval(show, 500);
  show();
  await torrent.done;
  clearInterval(timer);
  show();
  $("status").textContent += " (done)";
  for (const file of torrent.meta.files.filter((f) => !f.padding)) {
    $("files").append(await fileView(torrent, file));
  }
}

/** The bytes of one file, read piece by piece from the torrent's storage. */
async function fileBytes(torrent, file) {
  const out = new Uint8Array(file.length);
  const size = torrent.meta.pieceLength;
  for (let at = 0; at < file.length;) {
    const absolute = file.offset + at;
    const piece = Math.floor(absolute / size);
    const data = await torrent.readPiece(piece);
    const from = absolute - piece * size;
    const take = Math.min(data.length - from, file.length - at);
    out.set(data.subarray(from, from + take), at);
    at += take;
  }
  return out;
}

async function fileView(torrent, file) {
  const name = file.path.join("/");
  const type = /\.(mp4|webm)$/i.test(name)
    ? "video/" + name.split(".").pop().toLowerCase()
    : /\.(png|jpe?g|gif|webp|svg)$/i.test(name)
    ? "image/" +
      name.split(".").pop().toLowerCase().replace("jpg", "jpeg").replace("svg", "svg+xml")
    : "application/octet-stream";
  const url = URL.createObjectURL(new Blob([await fileBytes(torrent, file)], { type }));
  const box = document.createElement("div");
  box.className = "file";
  const link = document.createElement("a");
  link.href = url;
  link.download = file.path.at(-1);
  link.textContent = `${name} (${file.length} bytes)`;
  box.append(link);
  if (type.startsWith("video/")) {
    const video = document.createElement("video");
    video.controls = true;
    video.src = url;
    box.append(video);
  } else if (type.startsWith("image/")) {
    const image = document.createElement("img");
    image.alt = name;
    image.src = url;
    box.append(image);
  }
  return box;
}
