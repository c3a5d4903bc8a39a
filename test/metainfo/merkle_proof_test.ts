import assert from "node:assert/strict";
import { concatBytes } from "../../src/bytes.ts";
import { sha256 } from "../../src/metainfo/hash.ts";
import { rootFromPieceLayer } from "../../src/metainfo/merkle.ts";
import {
  checkHashes,
  type HashRange,
  pieceLayerRequests,
  PieceTree,
} from "../../src/metainfo/merkle_proof.ts";

const PIECE = 32768; // the piece layer is layer 1

function hashes(count: number, seed = 1): Promise<Uint8Array[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => sha256(new Uint8Array([seed, i & 0xff, i >> 8]))),
  );
}

const pair = (a: Uint8Array, b: Uint8Array) => sha256(concatBytes([a, b]));

Deno.test("piece layer requests: 512 hashes each, the proof up to the root", () => {
  assert.deepEqual(pieceLayerRequests(2 * PIECE, PIECE), [
    { baseLayer: 1, index: 0, length: 2, proofLayers: 0 },
  ]);
  assert.deepEqual(pieceLayerRequests(600 * PIECE - 1, PIECE), [
    { baseLayer: 1, index: 0, length: 512, proofLayers: 9 },
    { baseLayer: 1, index: 512, length: 512, proofLayers: 9 },
  ]);
  assert.equal(pieceLayerRequests(3000 * 16384, 16384).length, 8);
});

Deno.test("answers carry the base hashes, then the uncles from the subtree up (libtorrent's layout)", async () => {
  const layer = await hashes(8);
  const tree = await PieceTree.build(layer, PIECE);
  const answer = tree.answer({ baseLayer: 1, index: 2, length: 2, proofLayers: 2 })!;
  const left = await pair(layer[0]!, layer[1]!);
  const right = await pair(await pair(layer[4]!, layer[5]!), await pair(layer[6]!, layer[7]!));
  assert.deepEqual(answer, concatBytes([layer[2]!, layer[3]!, left, right]));
  // A layer above the piece layer is served too.
  const upper = tree.answer({ baseLayer: 2, index: 0, length: 2, proofLayers: 1 })!;
  assert.deepEqual(upper, concatBytes([left, await pair(layer[2]!, layer[3]!), right]));
});

Deno.test("every request of a padded layer checks out against the root; any changed byte fails", async () => {
  for (const pieces of [2, 3, 7, 513, 1500]) {
    const layer = await hashes(pieces, pieces & 0xff);
    const tree = await PieceTree.build(layer, PIECE);
    assert.deepEqual(tree.root, await rootFromPieceLayer(layer, PIECE));
    const got: Uint8Array[] = [];
    for (const range of pieceLayerRequests(pieces * PIECE, PIECE)) {
      const answer = tree.answer(range)!;
      const base = await checkHashes(range, answer, tree.root);
      assert.ok(base, `${pieces} pieces, index ${range.index}`);
      got.push(...base);
      const bad = answer.slice();
      bad[bad.length - 1]! ^= 1;
      assert.equal(await checkHashes(range, bad, tree.root), null);
      assert.equal(await checkHashes(range, answer.subarray(32), tree.root), null);
    }
    assert.deepEqual(got.slice(0, pieces), layer);
  }
});

Deno.test("malformed or unanswerable requests get no hashes", async () => {
  const tree = await PieceTree.build(await hashes(1500), PIECE); // 2048 wide, 11 layers above
  const good: HashRange = { baseLayer: 1, index: 512, length: 512, proofLayers: 10 };
  assert.ok(tree.answer(good));
  const bad: Partial<HashRange>[] = [
    { baseLayer: 0 }, // block hashes: not kept
    { baseLayer: 13 }, // above the root
    { length: 1 },
    { length: 3 },
    { length: 1024, index: 0 }, // over 512
    { index: 256 }, // not a multiple of the length
    { index: 2048 }, // past the layer
    { proofLayers: 11 }, // above the root
  ];
  for (const change of bad) {
    assert.equal(tree.answer({ ...good, ...change }), null, JSON.stringify(change));
  }
});
