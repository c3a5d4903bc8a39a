import assert from "node:assert/strict";
import { Client } from "../../src/client.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { torrentHandler } from "../../src/stream/http_handler.ts";
import { parseRange } from "../../src/stream/http_range.ts";
import { serveHttp } from "../../src/stream/serve_http.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";

const video = pseudoRandomBytes(200_000, 4);
const text = new TextEncoder().encode("hello");
const NAME = "set & co";
const CLIP = "Tom & Jerry's.mp4";

/** A seeder holding a two-file torrent with names that need escaping in HTML. */
async function seeded() {
  const dir = await Deno.makeTempDir({ prefix: "http-seed-" });
  await Deno.mkdir(`${dir}/${NAME}`);
  await Deno.writeFile(`${dir}/${NAME}/${CLIP}`, video);
  await Deno.writeFile(`${dir}/${NAME}/notes 1.txt`, text);
  const torrent = await createTorrent([
    memorySource([CLIP], video),
    memorySource(["notes 1.txt"], text),
  ], { name: NAME, folder: true, pieceLength: 65536 });
  const client = await Client.create({ host: "127.0.0.1", port: 0, listen: false });
  const added = await client.add(torrent, { dir });
  return { dir, client, added };
}

Deno.test("HTTP: an index with escaped names and links, ranges, 416, HEAD, content types", async () => {
  const { dir, client, added } = await seeded();
  const server = await serveHttp(torrentHandler(added));
  const base = `http://127.0.0.1:${server.port}`;
  try {
    const index = await fetch(`${base}/`);
    assert.equal(index.headers.get("content-type"), "text/html; charset=utf-8");
    const html = await index.text();
    assert.ok(html.includes("<title>set &#38; co</title>"), html);
    assert.ok(html.includes(`href="/0/Tom%20%26%20Jerry's.mp4"`), html);
    assert.ok(html.includes("set &#38; co/Tom &#38; Jerry&#39;s.mp4"), html);
    assert.ok(!html.includes("Tom & Jerry"), "no raw ampersand");

    const clip = `${base}/0/Tom%20%26%20Jerry's.mp4`;
    const whole = await fetch(clip);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get("accept-ranges"), "bytes");
    assert.equal(whole.headers.get("content-type"), "video/mp4");
    assert.equal(whole.headers.get("content-length"), String(video.length));
    assert.deepEqual(new Uint8Array(await whole.arrayBuffer()), video);

    const part = await fetch(clip, { headers: { range: "bytes=65530-65545" } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 65530-65545/${video.length}`);
    assert.deepEqual(new Uint8Array(await part.arrayBuffer()), video.subarray(65530, 65546));

    const open = await fetch(clip, { headers: { range: "bytes=199990-" } });
    assert.deepEqual(new Uint8Array(await open.arrayBuffer()), video.subarray(199990));

    const past = await fetch(clip, { headers: { range: "bytes=200000-" } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get("content-range"), `bytes */${video.length}`);
    await past.body?.cancel();

    const head = await fetch(clip, { method: "HEAD", headers: { range: "bytes=0-9" } });
    assert.equal(head.status, 206);
    assert.equal(head.headers.get("content-length"), "10");
    assert.equal(await head.text(), "");

    const notes = await fetch(`${base}/1/notes%201.txt`);
    assert.equal(notes.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(await notes.text(), "hello");

    for (const path of ["/2/x", "/x", "/-1/a"]) {
      const missing = await fetch(`${base}${path}`);
      assert.equal(missing.status, 404, path);
      await missing.body?.cancel();
    }
    const post = await fetch(clip, { method: "POST" });
    assert.equal(post.status, 405);
    await post.body?.cancel();
  } finally {
    await server.close();
    await client.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HTTP: Range header parsing", () => {
  assert.equal(parseRange(null, 100), null);
  assert.deepEqual(parseRange("bytes=0-0", 100), { start: 0, end: 0 });
  assert.deepEqual(parseRange("bytes=90-200", 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange("bytes=-500", 100), { start: 0, end: 99 });
  assert.equal(parseRange("bytes=-0", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=100-", 100), "unsatisfiable");
  assert.equal(parseRange("bytes=0-", 0), "unsatisfiable");
  assert.equal(parseRange("bytes=5-1", 100), null);
  assert.equal(parseRange("items=0-5", 100), null);
  assert.equal(parseRange("bytes=0-5,10-20", 100), null);
  assert.equal(parseRange("bytes=-", 100), null);
});
