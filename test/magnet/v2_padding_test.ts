/**
 * libtorrent pads every file of a v2-only torrent to whole pieces and asks
 * for the padding of a file's last piece too: our seeder answers those
 * blocks with the file's bytes followed by zeros. A v1 torrent's last piece
 * stays exact: asking past it closes the connection.
 *
 * @module
 */

import assert from "node:assert/strict";
import { encodeMessage } from "../../src/wire/encode.ts";
import { makePeerId } from "../../src/wire/peer_id.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import { RawPeer } from "../wire/_helpers.ts";
import { LOOPBACK, loopbackClient, seedData } from "./_swarm.ts";

const PIECE = 32768; // seedData's piece length

/** Joins `port` as a raw leecher of `wireHash`, interested, and waits for the unchoke. */
async function unchokedRaw(port: number, wireHash: Uint8Array): Promise<RawPeer> {
  const raw = new RawPeer(await tcpTransport().dial({ host: LOOPBACK, port }));
  await raw.sendHandshake(wireHash, makePeerId("-XX0000-"), { fast: true });
  await raw.read(68);
  await raw.send(encodeMessage({ type: "interested" }));
  while ((await raw.readMessage()).type !== "unchoke") { /* have all, ... */ }
  return raw;
}

Deno.test("v2-only: a request past a file's last piece gets the bytes, then zeros", async () => {
  const { dir, data, meta } = await seedData(3 * PIECE + 1000, 71, 2);
  const seeder = await loopbackClient();
  try {
    await seeder.add(meta, { dir });
    const raw = await unchokedRaw(seeder.port, meta.infoHashV2Bytes!.subarray(0, 20));
    await raw.send(encodeMessage({ type: "request", index: 3, begin: 0, length: 16384 }));
    await raw.send(encodeMessage({ type: "request", index: 3, begin: 16384, length: 16384 }));
    const blocks = [];
    while (blocks.length < 2) {
      const message = await raw.readMessage();
      if (message.type === "piece") blocks.push(message);
    }
    const expected = new Uint8Array(16384);
    expected.set(data.subarray(3 * PIECE));
    assert.deepEqual(blocks[0]!.block, expected);
    assert.deepEqual(blocks[1]!.block, new Uint8Array(16384));
    raw.close();
  } finally {
    await seeder.close();
  }
});

Deno.test("v1: a request past the last piece closes the connection", async () => {
  const { dir, meta } = await seedData(3 * PIECE + 1000, 72, 1);
  const seeder = await loopbackClient();
  try {
    await seeder.add(meta, { dir });
    const raw = await unchokedRaw(seeder.port, meta.infoHashBytes!);
    await raw.send(encodeMessage({ type: "request", index: 3, begin: 0, length: 16384 }));
    await raw.ended();
  } finally {
    await seeder.close();
  }
});
