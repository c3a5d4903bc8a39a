import assert from "node:assert/strict";
import { Dht } from "../../src/discovery/dht.ts";
import { announced, LOOPBACK, loopbackClient, seedData } from "../magnet/_swarm.ts";

const cli = new URL("../../src/cli/main.ts", import.meta.url).pathname;

/** Runs the CLI as a process, with the permissions the DHT needs. */
async function torrent(...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-net", "--allow-env", cli, ...args],
    stdin: "null",
    env: { NO_COLOR: "1", XDG_CACHE_HOME: await Deno.makeTempDir({ prefix: "cli-cache-" }) },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, out: decode(output.stdout), err: decode(output.stderr) };
}

Deno.test("info <magnet> fetches the metadata from a peer and shows it as for a file", async () => {
  const { dir, meta, magnet } = await seedData(500_000, 51);
  const seeder = await loopbackClient();
  try {
    await seeder.add(meta, { dir });
    const result = await torrent(
      "info",
      magnet,
      "--json",
      "--no-dht",
      "--timeout",
      "20",
      "--peer",
      `${LOOPBACK}:${seeder.port}`,
    );
    assert.equal(result.code, 0, result.err);
    const json = JSON.parse(result.out);
    assert.equal(json.infoHash, meta.infoHash);
    assert.equal(json.pieceCount, meta.pieceCount);
    assert.deepEqual(json.files, [{ path: "data.bin", length: 500_000 }]);
  } finally {
    await seeder.close();
  }
  const alone = await torrent("info", magnet, "--no-dht", "--timeout", "1");
  assert.equal(alone.code, 1);
  assert.match(alone.err, /no peer sent the metadata within 1 s/);
});

Deno.test("download <magnet> finds the seeder through --dht-bootstrap and completes", async () => {
  const node = await Dht.start({ host: LOOPBACK, bootstrap: [] });
  const bootstrap = `${LOOPBACK}:${node.address.port}`;
  const { dir, data, meta, magnet } = await seedData(800_000, 52);
  const seeder = await loopbackClient({ dht: { bootstrap: [bootstrap] } });
  const out = await Deno.makeTempDir({ prefix: "cli-magnet-" });
  try {
    const seederAnnounced = announced(seeder.dht!, meta.infoHash!);
    await seeder.add(meta, { dir });
    await seederAnnounced;
    const result = await torrent(
      "download",
      magnet,
      "-o",
      out,
      "--port",
      "0",
      "--dht-bootstrap",
      bootstrap,
      "--timeout",
      "30",
      "--quiet",
    );
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(await Deno.readFile(`${out}/data.bin`), data);
  } finally {
    await seeder.close();
    await node.close();
  }
});
