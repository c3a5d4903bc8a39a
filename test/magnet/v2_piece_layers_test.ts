/**
 * v2-only magnets (BEP 52): after the info dictionary, the piece layers come
 * from peers in `hash request` / `hashes` messages, each answer checked
 * against the file's pieces root. Our seeder answers them; a peer that lies,
 * refuses or stays silent is passed over for the next one.
 *
 * @module
 */

import assert from "node:assert/strict";
import { resolveLimits } from "../../src/limits.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import type { Metainfo } from "../../src/metainfo/types.ts";
import { fetchPieceLayers } from "../../src/torrent/piece_layer_fetch.ts";
import type { HashRequestMessage, Message } from "../../src/wire/messages.ts";
import { makePeerId } from "../../src/wire/peer_id.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import type { PeerAddress } from "../../transports/mod.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";
import { metadataPeer } from "./_metadata_peer.ts";
import { LOOPBACK, loopbackClient } from "./_swarm.ts";
import { formatMagnet } from "../../src/metainfo/magnet.ts";
import { magnetOf } from "../../src/metainfo/magnet_of.ts";

/** A v2-only torrent of two files, one of 600 pieces of 16 KiB (two hash requests with proofs). */
async function twoFiles(): Promise<{ dir: string; meta: Metainfo; files: Uint8Array[] }> {
  const dir = await Deno.makeTempDir({ prefix: "v2-layers-" });
  const files = [pseudoRandomBytes(600 * 16384 - 1000, 41), pseudoRandomBytes(70_000, 42)];
  await Deno.mkdir(`${dir}/v2`);
  await Deno.writeFile(`${dir}/v2/big.bin`, files[0]!);
  await Deno.writeFile(`${dir}/v2/small.bin`, files[1]!);
  const torrent = await createTorrent([
    memorySource(["big.bin"], files[0]!),
    memorySource(["small.bin"], files[1]!),
  ], { name: "v2", pieceLength: 16384, version: 2 });
  return { dir, meta: await parseTorrent(torrent), files };
}

/** A scripted peer for the torrent that answers hash requests with `reply`. */
function scriptedPeer(meta: Metainfo, reply?: (request: HashRequestMessage) => Message) {
  return metadataPeer(
    meta.infoHashV2Bytes!.subarray(0, 20),
    16384,
    () => ({ type: "reject", piece: 0 }),
    reply,
  );
}

function fetchOptions(requestTimeoutMs = 20_000) {
  return {
    peerId: makePeerId(),
    transports: [tcpTransport()],
    limits: resolveLimits({ requestTimeoutMs }),
    encryption: "allow" as const, // the scripted peers speak plain handshakes only
  };
}

Deno.test("v2 magnet: a 600-piece file and a small one download; the layers match the torrent's", async () => {
  const { dir, meta, files } = await twoFiles();
  const seeder = await loopbackClient();
  const leecher = await loopbackClient();
  const out = await Deno.makeTempDir({ prefix: "v2-layers-out-" });
  try {
    await seeder.add(meta, { dir });
    const magnet = formatMagnet(magnetOf(meta));
    assert.doesNotMatch(magnet, /btih/);
    const torrent = await leecher.add(magnet, {
      dir: out,
      peers: [{ host: LOOPBACK, port: seeder.port }],
    });
    assert.deepEqual(torrent.meta.pieceLayers, meta.pieceLayers);
    await torrent.done;
    assert.deepEqual(await Deno.readFile(`${out}/v2/big.bin`), files[0]);
    assert.deepEqual(await Deno.readFile(`${out}/v2/small.bin`), files[1]);
  } finally {
    await leecher.close();
    await seeder.close();
  }
});

Deno.test("v2 piece layers: a lying, a refusing and a silent peer are passed over for an honest one", async () => {
  const { dir, meta } = await twoFiles();
  const liar = await scriptedPeer(meta, (request) => ({
    ...request,
    type: "hashes",
    hashes: new Uint8Array(32 * (request.length + 1)).fill(7),
  }));
  const refuser = await scriptedPeer(meta, (request) => ({ ...request, type: "hashReject" }));
  const silent = await scriptedPeer(meta);
  const seeder = await loopbackClient();
  try {
    await seeder.add(meta, { dir });
    const peers: PeerAddress[] = [
      liar.address,
      refuser.address,
      silent.address,
      { host: LOOPBACK, port: seeder.port },
    ];
    const started = performance.now();
    const layers = await fetchPieceLayers(
      { ...meta, pieceLayers: new Map() },
      peers,
      fetchOptions(1000),
    );
    assert.deepEqual(layers, meta.pieceLayers);
    assert.deepEqual([liar.hashRequests > 0, refuser.hashRequests > 0, silent.hashRequests > 0], [
      true,
      true,
      true,
    ]);
    assert.ok(performance.now() - started < 5000, "a silent peer costs one request timeout");
  } finally {
    await seeder.close();
    for (const peer of [liar, refuser, silent]) peer.close();
  }
});

Deno.test("v2 piece layers: without an honest peer the fetch fails with a clear error", async () => {
  const { meta } = await twoFiles();
  const refuser = await scriptedPeer(meta, (request) => ({ ...request, type: "hashReject" }));
  try {
    await assert.rejects(
      fetchPieceLayers({ ...meta, pieceLayers: new Map() }, [refuser.address], fetchOptions()),
      /no peer sent the piece layers \(1 asked\)/,
    );
  } finally {
    refuser.close();
  }
});
