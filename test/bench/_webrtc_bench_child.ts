/**
 * Child of `webrtc_bench.ts`, in a loopback-only namespace: one Deno seeder
 * (WebRTC, our tracker), and Chromium pages downloading from it in turns,
 * our bundle and WebTorrent's, each in a fresh profile. Prints one line per
 * download and a summary.
 *
 * Environment: `BUNDLE`, `WEBTORRENT_DIST` (webtorrent.min.js), `MIB`, `ROUNDS`.
 *
 * @module
 */

import { toHex } from "../../src/bytes.ts";
import { Client } from "../../src/client.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { sha256 } from "../../src/metainfo/hash.ts";
import { sourcesFromPath } from "../../src/metainfo/sources.ts";
import { startTracker } from "../../src/tracker/server.ts";
import { pseudoRandomBytes } from "../_data.ts";
import { serveFolder } from "../_range_server.ts";
import { launch, openPage, pageResult } from "../browser/_chromium.ts";

const HERE = new URL(".", import.meta.url).pathname;
const MIB = Number(Deno.env.get("MIB") ?? 64);
const ROUNDS = Number(Deno.env.get("ROUNDS") ?? 3);

const root = await Deno.makeTempDir({ prefix: "webrtc-bench-" });
await Deno.copyFile(Deno.env.get("BUNDLE")!, `${root}/torrent.browser.js`);
await Deno.copyFile(Deno.env.get("WEBTORRENT_DIST")!, `${root}/webtorrent.min.js`);
await Deno.copyFile(`${HERE}../browser/_page.js`, `${root}/ours.js`);
await Deno.copyFile(`${HERE}_webtorrent_page.js`, `${root}/webtorrent.js`);
for (const name of ["ours", "webtorrent"]) {
  await Deno.writeTextFile(
    `${root}/${name}.html`,
    `<!doctype html><meta charset="utf-8"><p id="status"></p><script type="module" src="./${name}.js"></script>`,
  );
}
await Deno.mkdir(`${root}/data`);
const data = pseudoRandomBytes(MIB * 1024 * 1024, 31);
await Deno.writeFile(`${root}/data/file.bin`, data);
const tracker = await startTracker({ host: "127.0.0.1", port: 0 });
const { name, files } = await sourcesFromPath(`${root}/data/file.bin`);
const torrent = await createTorrent(files, {
  name,
  pieceLength: 256 * 1024,
  announce: [tracker.wsUrl],
});
await Deno.writeFile(`${root}/file.torrent`, torrent);
const server = await serveFolder(root);
const seeder = await Client.create({
  host: "127.0.0.1",
  port: 0,
  listen: false,
  webrtc: { config: { iceServers: [] } },
});
await seeder.add(torrent, { dir: `${root}/data` });
const query = `?torrent=/file.torrent&sha256=${toHex(await sha256(data))}`;

const rates: Record<string, number[]> = { ours: [], webtorrent: [] };
let failed = 0;
for (let round = 1; round <= ROUNDS; round++) {
  for (const page of ["ours", "webtorrent"] as const) {
    const browser = await launch();
    try {
      const opened = await openPage(browser.context, `${server.url}${page}.html${query}`);
      const result = await pageResult(opened, 300_000);
      if (!result.verified) throw new Error("the page's bytes differ from the file");
      const rate = (MIB * 1024 * 1024) / 1e6 / result.seconds!;
      rates[page]!.push(rate);
      console.log(
        `round ${round} ${page.padEnd(10)} ${result.seconds!.toFixed(2)} s  ${
          rate.toFixed(1)
        } MB/s`,
      );
    } catch (error) {
      failed++;
      console.log(`round ${round} ${page.padEnd(10)} failed: ${(error as Error).message}`);
    } finally {
      await browser.close();
    }
  }
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ours = median(rates.ours!);
const theirs = median(rates.webtorrent!);
console.log(`\n${MIB} MiB from a Deno seeder over WebRTC into Chromium, median of ${ROUNDS}:`);
console.log(`  our bundle      ${ours?.toFixed(1) ?? "-"} MB/s`);
console.log(`  WebTorrent 3    ${theirs?.toFixed(1) ?? "-"} MB/s`);
if (ours && theirs) console.log(`  ratio (ours / WebTorrent) ${(ours / theirs).toFixed(2)}`);
await seeder.close();
await server.close();
await tracker.close();
Deno.exit(failed > 0 ? 1 : 0);
