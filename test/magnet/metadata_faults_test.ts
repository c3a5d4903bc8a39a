import assert from "node:assert/strict";
import { tcpTransport } from "../../transports/tcp.ts";
import { fromHex } from "../../src/bytes.ts";
import { resolveLimits } from "../../src/limits.ts";
import { MetadataAssembly } from "../../src/torrent/metadata_assembly.ts";
import { MetadataFetch } from "../../src/torrent/metadata_fetch.ts";
import { METADATA_PIECE_BYTES } from "../../src/wire/extensions/ut_metadata.ts";
import { makePeerId } from "../../src/wire/peer_id.ts";
import { formatAddress } from "../../transports/mod.ts";
import { metadataPeer } from "./_metadata_peer.ts";
import { LOOPBACK, loopbackClient, seedData } from "./_swarm.ts";

/** Waits until `check` holds, failing after 10 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test("metadata faults: mismatching, oversized and rejecting peers are dropped; the good peer's dictionary is used", async () => {
  const { dir, meta } = await seedData(300_000, 41);
  const info = meta.infoBytes;
  const hash = meta.infoHashBytes!;
  const corrupt = info.slice();
  corrupt[corrupt.length - 2]! ^= 0xff;
  const mismatch = await metadataPeer(hash, info.length, (piece) => ({
    type: "data",
    piece,
    totalSize: info.length,
    data: corrupt.subarray(piece * METADATA_PIECE_BYTES, (piece + 1) * METADATA_PIECE_BYTES),
  }));
  const oversized = await metadataPeer(
    hash,
    11 * 1024 * 1024,
    (piece) => ({ type: "reject", piece }),
  );
  const rejects = await metadataPeer(hash, info.length, (piece) => ({ type: "reject", piece }));
  const seeder = await loopbackClient();
  const fetch = new MetadataFetch({
    hashes: { v1: hash, v2: null },
    peerId: makePeerId(),
    port: 0,
    transports: [tcpTransport()],
    limits: resolveLimits(),
  });
  try {
    await seeder.add(meta, { dir });
    const bad = [mismatch, oversized, rejects].map((p) => p.address);
    fetch.addPeers(bad);
    await until(() => bad.every((a) => fetch.dropped.has(formatAddress(a))), "bad peers dropped");
    assert.equal(mismatch.requests, 1);
    assert.equal(oversized.requests, 0, "no request to a peer announcing metadata over the bound");
    assert.equal(rejects.requests, 1);
    fetch.addPeers([{ host: LOOPBACK, port: seeder.port }]);
    const fetched = await fetch.result;
    assert.deepEqual(fetched.info, info);
  } finally {
    fetch.close();
    for (const peer of [mismatch, oversized, rejects]) peer.close();
    await seeder.close();
  }
});

Deno.test("metadata faults: with only bad peers no dictionary is ever accepted", async () => {
  const { meta, magnet } = await seedData(100_000, 42);
  const info = meta.infoBytes;
  const wrong = info.slice();
  wrong[10]! ^= 1;
  const liar = await metadataPeer(meta.infoHashBytes!, info.length, (piece) => ({
    type: "data",
    piece,
    totalSize: info.length,
    data: wrong,
  }));
  const leecher = await loopbackClient();
  try {
    const signal = AbortSignal.timeout(1500);
    await assert.rejects(
      leecher.fetchMetadata(magnet, { peers: [liar.address], signal }),
      (error: Error) => error.name === "TimeoutError",
    );
    // Dropped after its one bad answer, and never dialled again.
    assert.equal(liar.requests, 1);
  } finally {
    liar.close();
    await leecher.close();
  }
});

Deno.test("metadata assembly: a failed mix of senders falls back to one sender at a time and names the liar", async () => {
  const size = 2 * METADATA_PIECE_BYTES + 100;
  const info = new Uint8Array(size).map((_, i) => i * 7);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-1", info));
  const piece = (n: number, data = info) =>
    data.subarray(n * METADATA_PIECE_BYTES, (n + 1) * METADATA_PIECE_BYTES);
  const lie = info.slice();
  lie[5]! ^= 1;
  const assembly = new MetadataAssembly<string>(size);
  // Mixed: the liar sends piece 0, the honest peer pieces 1 and 2.
  assert.equal(assembly.next("liar", 0), 0);
  assert.equal(assembly.next("honest", 0), 1);
  assert.equal(assembly.next("honest", 0), 2);
  assert.ok(assembly.put("liar", 0, piece(0, lie)));
  assert.ok(assembly.put("honest", 1, piece(1)));
  assert.ok(!assembly.put("liar", 2, piece(2)), "a piece asked of another peer is refused");
  assert.ok(assembly.put("honest", 2, piece(2)));
  assert.deepEqual(await assembly.verify({ v1: hash, v2: null }), { ok: false, blame: null });
  assert.ok(assembly.singleSource);
  // One sender at a time: the first to ask owns every piece.
  assert.equal(assembly.next("liar", 0), 0);
  assert.equal(assembly.next("honest", 0), null);
  for (const n of [1, 2]) assert.equal(assembly.next("liar", 0), n);
  for (const n of [0, 1, 2]) assembly.put("liar", n, piece(n, lie));
  assert.deepEqual(await assembly.verify({ v1: hash, v2: null }), { ok: false, blame: "liar" });
  for (const n of [0, 1, 2]) {
    assert.equal(assembly.next("honest", 0), n);
    assembly.put("honest", n, piece(n));
  }
  const result = await assembly.verify({ v1: hash, v2: fromHex("00".repeat(32)) });
  assert.equal(result.ok, false, "both hashes must match when both are given");
});
