/**
 * Import by URL: the repository served over HTTP on loopback, a program in
 * an empty folder, with no config and an empty module cache, imports
 * `mod.ts` by that URL and downloads a torrent from a seeder on loopback.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Client } from "../src/client.ts";
import { memoryStorage } from "../src/storage/memory.ts";
import { memorySource, pseudoRandomBytes } from "./_data.ts";
import { createTorrent } from "../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../src/metainfo/parse_torrent.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** Serves the repository's files, `.ts` as TypeScript. */
function serveRepository(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (path.includes("..")) return new Response("no", { status: 400 });
    try {
      const body = await Deno.readFile(ROOT + path.slice(1));
      const type = path.endsWith(".ts") ? "application/typescript" : "application/octet-stream";
      return new Response(body, { headers: { "content-type": type } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

Deno.test("a program in an empty folder imports mod.ts by URL and downloads a torrent", async () => {
  const data = pseudoRandomBytes(2 * 1024 * 1024 + 3, 5);
  const torrent = await createTorrent([memorySource(["by-url.bin"], data)], {
    pieceLength: 64 * 1024,
  });
  const server = serveRepository();
  const seeder = await Client.create({ port: 0, host: "127.0.0.1" });
  const folder = await Deno.makeTempDir({ prefix: "seed-url-" });
  try {
    const meta = await parseTorrent(torrent);
    const storage = await memoryStorage()(meta);
    for (let piece = 0; piece < meta.pieceCount; piece++) {
      const at = piece * meta.pieceLength;
      await storage.write(piece, 0, data.subarray(at, at + meta.pieceLength));
    }
    await seeder.add(meta, { storage: () => Promise.resolve(storage) });
    assert.equal(seeder.torrents[0]!.progress, 1);
    await Deno.writeFile(`${folder}/file.torrent`, torrent);
    const url = `http://127.0.0.1:${server.addr.port}/mod.ts`;
    await Deno.writeTextFile(
      `${folder}/main.ts`,
      [
        `import { Client } from "${url}";`,
        `const client = await Client.create({ port: 0, host: "127.0.0.1" });`,
        `const torrent = await client.add(await Deno.readFile("file.torrent"), {`,
        `  dir: "downloads",`,
        `  peers: [{ host: "127.0.0.1", port: ${seeder.port} }],`,
        `});`,
        `await torrent.done;`,
        `await client.close();`,
        `console.log("done", torrent.progress);`,
      ].join("\n"),
    );
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        ...["run", `--allow-import=127.0.0.1:${server.addr.port}`],
        ...["--allow-net=127.0.0.1,0.0.0.0", "--allow-read=.", "--allow-write=.", "main.ts"],
      ],
      cwd: folder,
      env: { DENO_DIR: `${folder}/.cache`, NO_COLOR: "1" },
    }).output();
    const text = new TextDecoder();
    assert.equal(code, 0, text.decode(stderr));
    assert.equal(text.decode(stdout).trim(), "done 1");
    assert.deepEqual(await Deno.readFile(`${folder}/downloads/by-url.bin`), data);
  } finally {
    await seeder.close();
    await server.shutdown();
    await Deno.remove(folder, { recursive: true });
  }
});
