/**
 * Clients with each encryption policy downloading from each other over
 * loopback TCP (and uTP): what each side reports for the connection, the
 * plain fallback of `prefer` against a client with encryption off, and the
 * policies that must not meet. A magnet's metadata comes over MSE too.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Client, type ClientOptions } from "../src/client.ts";
import { formatMagnet } from "../src/metainfo/magnet.ts";
import { magnetOf } from "../src/metainfo/magnet_of.ts";
import { parseTorrent } from "../src/metainfo/parse_torrent.ts";
import { createTorrent } from "../src/metainfo/create_torrent.ts";
import { memoryStorage } from "../src/storage/memory.ts";
import type { EncryptionPolicy } from "../src/wire/mse/policy.ts";
import type { PeerEncryption } from "../src/wire/mse/conn.ts";
import { memorySource, pseudoRandomBytes } from "./_data.ts";

const LOOPBACK = "127.0.0.1";
const DATA = pseudoRandomBytes(2_000_000, 11);
const TORRENT = await createTorrent([memorySource(["blob.bin"], DATA)], {
  name: "blob.bin",
  pieceLength: 65536,
});
const SEED_DIR = await Deno.makeTempDir({ prefix: "client-mse-" });
await Deno.writeFile(`${SEED_DIR}/blob.bin`, DATA);
globalThis.addEventListener("unload", () => Deno.removeSync(SEED_DIR, { recursive: true }));

/** The leecher dials the seeder; resolves with what each side reports, or null without a peer. */
async function pair(
  seederOptions: ClientOptions,
  leecherOptions: ClientOptions,
  options: { magnet?: boolean; waitMs?: number } = {},
): Promise<{ seeder: PeerEncryption; leecher: PeerEncryption } | null> {
  const seeder = await Client.create({
    host: LOOPBACK,
    port: 0,
    transports: ["tcp"],
    ...seederOptions,
  });
  const leecher = await Client.create({
    host: LOOPBACK,
    port: 0,
    transports: ["tcp"],
    ...leecherOptions,
  });
  try {
    const seeding = await seeder.add(TORRENT, { dir: SEED_DIR });
    const peers = [{ host: LOOPBACK, port: seeder.port }];
    const source = options.magnet ? formatMagnet(magnetOf(await parseTorrent(TORRENT))) : TORRENT;
    const adding = leecher.add(source, { storage: memoryStorage(), peers });
    if (options.waitMs) {
      await new Promise((resolve) => setTimeout(resolve, options.waitMs));
      assert.equal(seeding.peers.length, 0, "the policies met after all");
      return null;
    }
    const leeching = await adding;
    await leeching.done;
    assert.deepEqual(await leeching.readPiece(3), DATA.subarray(3 * 65536, 4 * 65536));
    return { seeder: seeding.peers[0]!.encryption, leecher: leeching.peers[0]!.encryption };
  } finally {
    await leecher.close();
    await seeder.close();
  }
}

const MEETING: [EncryptionPolicy, EncryptionPolicy, PeerEncryption][] = [
  ["prefer", "prefer", "handshake"],
  ["prefer", "require", "rc4"],
  ["require", "prefer", "rc4"],
  ["require", "require", "rc4"],
  ["prefer", "allow", "none"],
  ["allow", "prefer", "handshake"],
  ["off", "prefer", "none"], // prefer falls back to a plain handshake
  ["off", "allow", "none"],
];

for (const [seeder, leecher, expected] of MEETING) {
  Deno.test(`client MSE: ${leecher} dials ${seeder}: ${expected} on both sides`, async () => {
    const started = performance.now();
    const seen = await pair({ encryption: seeder }, { encryption: leecher });
    assert.deepEqual(seen, { seeder: expected, leecher: expected });
    assert.ok(performance.now() - started < 5_000, "too slow: a fallback waited for a timeout?");
  });
}

for (
  const [seeder, leecher] of [["off", "require"], ["require", "off"], ["require", "allow"]] as const
) {
  Deno.test(`client MSE: ${leecher} dials ${seeder}: no connection`, async () => {
    assert.equal(
      await pair({ encryption: seeder }, { encryption: leecher }, { waitMs: 1_500 }),
      null,
    );
  });
}

Deno.test("client MSE: uTP only, encryption required on both sides", async () => {
  const options: ClientOptions = { encryption: "require", transports: ["utp"] };
  assert.deepEqual(await pair(options, options), { seeder: "rc4", leecher: "rc4" });
});

Deno.test("client MSE: a magnet's metadata over MSE, encryption required on both sides", async () => {
  const options: ClientOptions = { encryption: "require" };
  assert.deepEqual(await pair(options, options, { magnet: true }), {
    seeder: "rc4",
    leecher: "rc4",
  });
});
