/**
 * WebTorrent on Node seeding over TCP with its default protocol encryption
 * (`secure: 1`: MSE, plaintext preferred), for the MSE interop test.
 *
 * ```sh
 * node test/interop/_webtorrent_seed.mjs <webtorrent package dir> <torrent> <dir>
 * ```
 *
 * Checks the data under <dir>, then prints `{"type":"ready","port":N}` (its
 * TCP port: WebTorrent listens on every interface, the only choice it
 * offers) and, for each peer, `{"type":"wire","address":...,"encryption":N}`
 * (crypto_select: 1 plaintext, 2 RC4, null for a plain handshake). Runs until
 * killed (the tests start it under `_libtorrent.py guard`).
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import process from "node:process";
import { fail, loopbackWebTorrent } from "../bench/_webtorrent_client.mjs";

const [packageDir, torrentPath, dir] = process.argv.slice(2);
if (!packageDir || !torrentPath || !dir) {
  console.error("usage: _webtorrent_seed.mjs <webtorrent dir> <torrent> <dir>");
  process.exit(2);
}
const print = (record) => process.stdout.write(JSON.stringify(record) + "\n");
const client = await loopbackWebTorrent(packageDir);
const torrent = client.add(await readFile(torrentPath), { path: dir, announce: [], urlList: [] });
torrent.on("error", fail);
torrent.on("wire", (wire, address) => {
  print({ type: "wire", address, encryption: wire._encryptionMethod ?? null });
});
const once = (emitter, event, already) =>
  new Promise((resolve) => already ? resolve() : emitter.once(event, resolve));
await once(torrent, "ready", torrent.ready);
await once(torrent, "done", torrent.done); // every piece found and checked
await once(client, "listening", client.listening);
print({ type: "ready", port: client.address().port });
process.on("SIGTERM", () => process.exit(0));
