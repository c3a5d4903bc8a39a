/**
 * Child of `browser_test.ts`, in a loopback-only namespace: real Chromium
 * pages running the browser bundle download from Deno over WebRTC (through
 * our tracker), resume from IndexedDB after a reload, take pieces relayed
 * from libtorrent by a hybrid Deno client, and complete from web seeds alone.
 *
 * Environment: `BUNDLE`, the browser bundle built before entering the namespace.
 *
 * @module
 */

import assert from "node:assert/strict";
import { toHex } from "../../src/bytes.ts";
import { Client } from "../../src/client.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { sha256 } from "../../src/metainfo/hash.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { sourcesFromPath } from "../../src/metainfo/sources.ts";
import { startTracker } from "../../src/tracker/server.ts";
import { pseudoRandomBytes } from "../_data.ts";
import { runRegisteredTests } from "../_isolated.ts";
import { serveFolder } from "../_range_server.ts";
import { startLibtorrent } from "../interop/_clients_libtorrent.ts";
import { launch, openPage, pageResult } from "./_chromium.ts";

const HERE = new URL(".", import.meta.url).pathname;
const webrtc = { config: { iceServers: [] } };
const MIB = 1024 * 1024;
/** What page functions reach, typed here without the DOM library. */
interface PageGlobals {
  document: { getElementById(id: string): { textContent: string | null } | null };
}
/** A 1x1 PNG. */
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

/** A served folder with the bundle, the test page and one file with its torrent. */
async function site(size: number, seed: number, options: { announce?: string; webSeed?: boolean }) {
  const root = await Deno.makeTempDir({ prefix: "browser-site-" });
  await Deno.copyFile(Deno.env.get("BUNDLE")!, `${root}/torrent.browser.js`);
  await Deno.copyFile(`${HERE}_page.html`, `${root}/index.html`);
  await Deno.copyFile(`${HERE}_page.js`, `${root}/_page.js`);
  await Deno.mkdir(`${root}/data`);
  const data = pseudoRandomBytes(size, seed);
  await Deno.writeFile(`${root}/data/file.bin`, data);
  const server = await serveFolder(root);
  const { name, files } = await sourcesFromPath(`${root}/data/file.bin`);
  const torrent = await createTorrent(files, {
    name,
    pieceLength: 256 * 1024,
    ...(options.announce ? { announce: [options.announce] } : {}),
    ...(options.webSeed ? { urlList: [`${server.url}data/`] } : {}),
  });
  await Deno.writeFile(`${root}/file.torrent`, torrent);
  const hash = toHex(await sha256(data));
  return {
    root,
    server,
    torrent,
    data,
    pageUrl: `${server.url}?torrent=/file.torrent&sha256=${hash}`,
  };
}

await runRegisteredTests(() => {
  Deno.test("page downloads 32 MiB from a Deno seeder over WebRTC; after a reload it completes from IndexedDB and seeds to Deno", async () => {
    const tracker = await startTracker({ host: "127.0.0.1", port: 0 });
    const s = await site(32 * MIB, 21, { announce: tracker.wsUrl });
    const seeder = await Client.create({ host: "127.0.0.1", port: 0, listen: false, webrtc });
    const browser = await launch();
    try {
      const seeding = await seeder.add(s.torrent, { dir: `${s.root}/data` });
      assert.equal(seeding.state, "seeding");
      const page = await openPage(browser.context, s.pageUrl);
      const first = await pageResult(page);
      assert.equal(first.verified, true, "the page's bytes hash to the file's");
      assert.equal(first.checked, 0);
      assert.ok(first.downloaded! >= 32 * MIB, `downloaded ${first.downloaded}`);
      console.log(`page: 32 MiB over WebRTC in ${first.seconds!.toFixed(2)} s`);
      const uploaded = seeding.uploaded;
      await page.reload();
      const second = await pageResult(page);
      assert.equal(second.verified, true);
      assert.equal(second.checked, 32 * MIB, "every piece verified from IndexedDB");
      assert.equal(second.downloaded, 0, "no piece transferred again");
      assert.equal(seeding.uploaded, uploaded, "the seeder sent nothing more");
      // The other way: with the Deno seeder gone, a Deno leecher gets it all from the page.
      await seeder.close();
      const leecher = await Client.create({ host: "127.0.0.1", port: 0, listen: false, webrtc });
      try {
        const out = await Deno.makeTempDir({ prefix: "from-page-" });
        const leeching = await leecher.add(s.torrent, { dir: out });
        await leeching.done;
        assert.deepEqual(await Deno.readFile(`${out}/file.bin`), s.data);
      } finally {
        await leecher.close();
      }
    } finally {
      await browser.close();
      await seeder.close();
      await s.server.close();
      await tracker.close();
    }
  });

  Deno.test("hybrid: libtorrent seeds over TCP, a Deno client relays over WebRTC, the page completes", async () => {
    const tracker = await startTracker({ host: "127.0.0.1", port: 0 });
    const s = await site(8 * MIB, 22, { announce: tracker.wsUrl });
    const lt = startLibtorrent({
      role: "seed",
      torrentFile: `${s.root}/file.torrent`,
      dir: `${s.root}/data`,
    });
    const hybrid = await Client.create({ host: "127.0.0.1", port: 0, webrtc });
    const browser = await launch();
    try {
      await lt.complete;
      const out = await Deno.makeTempDir({ prefix: "hybrid-" });
      const meta = await parseTorrent(s.torrent);
      const relaying = await hybrid.add(meta, {
        dir: out,
        peers: [{ host: "127.0.0.1", port: lt.port }],
      });
      const page = await openPage(browser.context, s.pageUrl);
      const result = await pageResult(page);
      assert.equal(result.verified, true);
      assert.ok(relaying.uploaded >= 8 * MIB, `the hybrid sent ${relaying.uploaded}`);
      await relaying.done;
      assert.deepEqual(await Deno.readFile(`${out}/file.bin`), s.data);
    } finally {
      await browser.close();
      await hybrid.close();
      await lt.stop();
      await s.server.close();
      await tracker.close();
    }
  });

  Deno.test("examples/browser: opens a .torrent URL, downloads over WebRTC, shows the image", async () => {
    const tracker = await startTracker({ host: "127.0.0.1", port: 0 });
    const root = await Deno.makeTempDir({ prefix: "example-site-" });
    await Deno.copyFile(Deno.env.get("BUNDLE")!, `${root}/torrent.browser.js`);
    for (const name of ["index.html", "app.js"]) {
      await Deno.copyFile(`${HERE}../../examples/browser/${name}`, `${root}/${name}`);
    }
    await Deno.mkdir(`${root}/album`);
    await Deno.writeFile(`${root}/album/dot.png`, PNG);
    await Deno.writeFile(`${root}/album/notes.bin`, pseudoRandomBytes(300_000, 24));
    const { name, files, folder } = await sourcesFromPath(`${root}/album`);
    const torrent = await createTorrent(files, { name, folder, announce: [tracker.wsUrl] });
    await Deno.writeFile(`${root}/album.torrent`, torrent);
    const server = await serveFolder(root);
    const seeder = await Client.create({ host: "127.0.0.1", port: 0, listen: false, webrtc });
    const browser = await launch();
    try {
      await seeder.add(torrent, { dir: root });
      const page = await openPage(browser.context, `${server.url}?torrent=/album.torrent`);
      await page.waitForFunction(
        () =>
          (globalThis as unknown as PageGlobals).document.getElementById("status")?.textContent
            ?.includes("(done)"),
        undefined,
        { timeout: 60_000 },
      );
      const image = page.locator("img");
      await image.waitFor({ timeout: 10_000 });
      const width = await image.evaluate((img) =>
        (img as unknown as { naturalWidth: number }).naturalWidth
      );
      assert.equal(width, 1, "the PNG decoded in the page");
      assert.equal(await page.locator(".file").count(), 2);
    } finally {
      await browser.close();
      await seeder.close();
      await server.close();
      await tracker.close();
    }
  });

  Deno.test("IndexedDB storage passes the storage conformance suite in the page", async () => {
    const root = await Deno.makeTempDir({ prefix: "idb-suite-" });
    await Deno.copyFile(Deno.env.get("STORAGE_BUNDLE")!, `${root}/suite.js`);
    await Deno.writeTextFile(
      `${root}/index.html`,
      '<!doctype html><meta charset="utf-8"><script type="module" src="./suite.js"></script>',
    );
    const server = await serveFolder(root);
    const browser = await launch();
    try {
      const page = await openPage(browser.context, server.url);
      const result = await pageResult(page) as unknown as Record<string, number | string>;
      assert.equal(result.failed, 0, String(result.failures));
      assert.ok(Number(result.passed) >= 20, `only ${result.passed} steps ran`);
      console.log(`IndexedDB storage: ${result.passed} suite steps passed`);
    } finally {
      await browser.close();
      await server.close();
    }
  });

  Deno.test("web seed: the page completes from an HTTP server with no peers", async () => {
    const s = await site(4 * MIB, 23, { webSeed: true });
    const browser = await launch();
    try {
      const page = await openPage(browser.context, s.pageUrl);
      const result = await pageResult(page);
      assert.equal(result.verified, true);
      assert.ok(s.server.requests.some((r) => r.startsWith("GET /data/file.bin bytes=")));
    } finally {
      await browser.close();
      await s.server.close();
    }
  });
  return Promise.resolve();
});
