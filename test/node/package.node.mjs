// Tests of the built npm package under Node's own runner. test/node/node_package_test.ts
// installs the package into a scratch project, copies this folder's .mjs files there
// and runs `node --test` on this one, with DENO (the Deno binary) and REPO (this
// repository) in the environment for the cases that pair Node with Deno.

import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { Client } from "@seed/torrent";
import {
  assertFiles,
  denoCli,
  LOOPBACK,
  makeTorrent,
  peerTransports,
  PIECE_LENGTH,
  seededStorage,
  TIMEOUT,
  withTempDir,
  writeFiles,
} from "./_helpers.mjs";

test("create and parse a torrent", TIMEOUT, async () => {
  const t = await makeTorrent("made-in-node");
  assert.equal(t.meta.name, "made-in-node");
  assert.equal(t.meta.files.length, 2);
  assert.equal(t.meta.length, 4 * 1024 * 1024 + 22);
  assert.match(t.meta.infoHash, /^[0-9a-f]{40}$/);
  assert.equal(t.meta.pieceCount, Math.ceil(t.meta.length / PIECE_LENGTH));
});

for (const transport of ["tcp", "utp"]) {
  const only = { port: 0, host: LOOPBACK, transports: [transport] };
  const cliTransport = ["--transports", transport];

  test(
    `two Node clients: one seeds, the other downloads over ${transport} only`,
    TIMEOUT,
    async () => {
      const t = await makeTorrent(`node-to-node-${transport}`);
      await withTempDir(async (dir) => {
        const seeder = await Client.create(only);
        const leecher = await Client.create(only);
        try {
          await seeder.add(t.bytes, { storage: await seededStorage(t) });
          const torrent = await leecher.add(t.bytes, {
            dir,
            peers: [{ host: LOOPBACK, port: seeder.port }],
          });
          const transports = peerTransports(torrent);
          await torrent.done;
          assert.equal(torrent.progress, 1);
          assert.deepEqual([...transports], [transport]);
        } finally {
          await leecher.close();
          await seeder.close();
        }
        await assertFiles(t, dir);
      });
    },
  );

  test(`Node seeds, Deno downloads, over ${transport} only`, TIMEOUT, async () => {
    const t = await makeTorrent(`node-to-deno-${transport}`);
    await withTempDir(async (dir) => {
      const torrentPath = join(dir, "t.torrent");
      await writeFile(torrentPath, t.bytes);
      const seeder = await Client.create(only);
      try {
        const seeded = await seeder.add(t.bytes, { storage: await seededStorage(t) });
        const transports = peerTransports(seeded);
        const out = join(dir, "out");
        const { code, output } = await denoCli([
          ...["download", torrentPath, "-o", out, "--quiet", "--port", "0", ...cliTransport],
          ...["--peer", `${LOOPBACK}:${seeder.port}`],
        ]).exited;
        assert.equal(code, 0, output);
        await assertFiles(t, out);
        assert.deepEqual([...transports], [transport]);
      } finally {
        await seeder.close();
      }
    });
  });

  test(`Deno seeds, Node downloads, over ${transport} only`, TIMEOUT, async () => {
    const t = await makeTorrent(`deno-to-node-${transport}`);
    await withTempDir(async (dir) => {
      const torrentPath = join(dir, "t.torrent");
      await writeFile(torrentPath, t.bytes);
      await writeFiles(t, join(dir, "data"));
      const leecher = await Client.create(only);
      const stop = new AbortController();
      const seeder = denoCli([
        ...["seed", torrentPath, join(dir, "data"), "--quiet", "--port", "0", ...cliTransport],
        ...["--peer", `${LOOPBACK}:${leecher.port}`],
      ], stop.signal);
      try {
        const torrent = await leecher.add(t.bytes, { dir: join(dir, "out") });
        const transports = peerTransports(torrent);
        await Promise.race([
          torrent.done,
          seeder.exited.then(({ code, output }) => {
            throw new Error(`the Deno seeder exited (${code}): ${output}`);
          }),
        ]);
        assert.deepEqual([...transports], [transport]);
      } finally {
        await leecher.close();
        stop.abort();
        await seeder.exited;
      }
      await assertFiles(t, join(dir, "out"));
    });
  });
}
