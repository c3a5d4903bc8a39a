import assert from "node:assert/strict";
import { toHex, utf8 } from "../../src/bytes.ts";
import { MetainfoError } from "../../src/errors.ts";
import { encodeBencode, encodeDictOfEncoded } from "../../src/metainfo/bencode.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { encodeTorrent } from "../../src/metainfo/encode_torrent.ts";
import { sha1, sha256 } from "../../src/metainfo/hash.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";

const a = pseudoRandomBytes(100_000, 1);
const b = pseudoRandomBytes(70_000, 2);
const c = pseudoRandomBytes(10, 3);
const multi = [
  memorySource(["a.bin"], a),
  memorySource(["sub", "b.bin"], b),
  memorySource(["c.txt"], c),
];

Deno.test("v1 single file: fields, and the info hash over the info bytes", async () => {
  const torrent = await createTorrent([memorySource(["a.bin"], a)], {
    pieceLength: 32768,
    announce: [["http://127.0.0.1:1/a", "http://127.0.0.1:2/a"], ["udp://127.0.0.1:3"]],
    urlList: ["http://127.0.0.1:8080/"],
    comment: "a comment",
    private: true,
    creationDate: new Date("2024-01-02T03:04:05Z"),
  });
  const meta = await parseTorrent(torrent);
  assert.equal(meta.version, 1);
  assert.equal(meta.name, "a.bin");
  assert.equal(meta.singleFile, true);
  assert.equal(meta.pieceLength, 32768);
  assert.equal(meta.pieceCount, 4);
  assert.equal(meta.pieces.length, 80);
  assert.equal(meta.length, 100_000);
  assert.deepEqual(meta.files.map((f) => [f.path, f.length, f.offset]), [[["a.bin"], 100_000, 0]]);
  assert.equal(meta.infoHash, toHex(await sha1(meta.infoBytes)));
  assert.deepEqual(meta.infoHashBytes, await sha1(meta.infoBytes));
  assert.equal(meta.infoHashV2, null);
  assert.deepEqual(meta.announce, [
    ["http://127.0.0.1:1/a", "http://127.0.0.1:2/a"],
    ["udp://127.0.0.1:3"],
  ]);
  assert.deepEqual(meta.urlList, ["http://127.0.0.1:8080/"]);
  assert.equal(meta.comment, "a comment");
  assert.equal(meta.private, true);
  assert.equal(meta.creationDate?.toISOString(), "2024-01-02T03:04:05.000Z");
  assert.equal(meta.createdBy, "seed/0.1.0");
});

Deno.test("the info hash is taken over the original bytes, not a re-encoding", async () => {
  // Keys out of order: re-encoding would sort them and change the hash.
  const info = utf8(
    `d6:lengthi5e4:name1:x12:piece lengthi16384e6:pieces20:${"p".repeat(20)}e`,
  );
  const unsorted = utf8(
    `d4:name1:x6:lengthi5e12:piece lengthi16384e6:pieces20:${"p".repeat(20)}e`,
  );
  const meta = await parseTorrent(encodeDictOfEncoded([["info", unsorted]]));
  assert.equal(meta.infoHash, toHex(await sha1(unsorted)));
  assert.notEqual(meta.infoHash, toHex(await sha1(info)));
  assert.deepEqual(meta.infoBytes, unsorted);
});

Deno.test("v1 multi-file: files under the name, offsets spanning pieces", async () => {
  const meta = await parseTorrent(await createTorrent(multi, { name: "set", pieceLength: 16384 }));
  assert.equal(meta.singleFile, false);
  assert.deepEqual(meta.files.map((f) => [f.path.join("/"), f.offset]), [
    ["set/a.bin", 0],
    ["set/sub/b.bin", 100_000],
    ["set/c.txt", 170_000],
  ]);
  assert.equal(meta.pieceCount, Math.ceil(170_010 / 16384));
  const whole = new Uint8Array([...a, ...b, ...c]);
  for (let i = 0; i < meta.pieceCount; i++) {
    const piece = whole.subarray(i * 16384, (i + 1) * 16384);
    assert.deepEqual(meta.pieces.subarray(i * 20, i * 20 + 20), await sha1(piece), `piece ${i}`);
  }
});

Deno.test("v2: file tree in byte order, piece-aligned files, verified piece layers", async () => {
  const meta = await parseTorrent(
    await createTorrent(multi, { name: "set", pieceLength: 32768, version: 2 }),
  );
  assert.equal(meta.version, 2);
  assert.equal(meta.infoHash, null);
  assert.equal(meta.infoHashV2, toHex(await sha256(meta.infoBytes)));
  assert.deepEqual(meta.files.map((f) => [f.path.join("/"), f.offset]), [
    ["set/a.bin", 0],
    ["set/c.txt", 4 * 32768],
    ["set/sub/b.bin", 5 * 32768],
  ]);
  assert.equal(meta.pieceCount, 4 + 1 + 3);
  // Layers exist for the files longer than a piece, keyed by their roots.
  assert.deepEqual(
    [...meta.pieceLayers.keys()].sort(),
    [toHex(meta.files[0]!.piecesRoot!), toHex(meta.files[2]!.piecesRoot!)].sort(),
  );
  assert.equal(meta.pieceLayers.get(toHex(meta.files[0]!.piecesRoot!))!.length, 4 * 32);
  // A file of one block: its root is the SHA-256 of its bytes.
  assert.deepEqual(meta.files[1]!.piecesRoot, await sha256(c));
});

Deno.test("hybrid: pad files align v1 to v2, roots attached to real files", async () => {
  const meta = await parseTorrent(
    await createTorrent(multi, { name: "set", pieceLength: 32768, version: "hybrid" }),
  );
  assert.equal(meta.version, "hybrid");
  assert.ok(meta.infoHash && meta.infoHashV2);
  const real = meta.files.filter((f) => !f.padding);
  assert.deepEqual(real.map((f) => [f.path.join("/"), f.offset % 32768]), [
    ["set/a.bin", 0],
    ["set/c.txt", 0],
    ["set/sub/b.bin", 0],
  ]);
  assert.ok(real.every((f) => f.piecesRoot?.length === 32));
  assert.ok(meta.files.filter((f) => f.padding).every((f) => f.attr.includes("p")));
  assert.equal(meta.length, 170_010);
  assert.equal(meta.pieceCount, 8);
});

Deno.test("announce-list wins over announce; url-list as one string; utf-8 variants", async () => {
  const info = encodeBencode({
    name: "plain",
    "name.utf-8": "ünïcode",
    "piece length": 16384,
    length: 3,
    pieces: new Uint8Array(20),
  });
  const torrent = encodeDictOfEncoded([
    ["info", info],
    ["announce", encodeBencode("http://127.0.0.1:9/ignored")],
    ["announce-list", encodeBencode([["http://127.0.0.1:1/a", "http://127.0.0.1:1/a"], [], [5]])],
    ["url-list", encodeBencode("http://127.0.0.1:2/seed")],
    ["comment", encodeBencode("old")],
    ["comment.utf-8", encodeBencode("nëw")],
  ]);
  const meta = await parseTorrent(torrent);
  assert.equal(meta.name, "ünïcode");
  assert.deepEqual(meta.announce, [["http://127.0.0.1:1/a"]]);
  assert.deepEqual(meta.urlList, ["http://127.0.0.1:2/seed"]);
  assert.equal(meta.comment, "nëw");
  const onlyAnnounce = encodeDictOfEncoded([
    ["info", info],
    ["announce", encodeBencode("http://127.0.0.1:9/only")],
  ]);
  assert.deepEqual((await parseTorrent(onlyAnnounce)).announce, [["http://127.0.0.1:9/only"]]);
});

Deno.test("encodeTorrent keeps the info bytes and carries edited fields", async () => {
  for (const version of [1, 2, "hybrid"] as const) {
    const meta = await parseTorrent(
      await createTorrent(multi, { name: "set", pieceLength: 16384, version, comment: "x" }),
    );
    meta.announce = [["udp://127.0.0.1:6969"], ["http://127.0.0.1:1/a", "http://127.0.0.1:2/a"]];
    meta.urlList = ["http://127.0.0.1:3/", "http://127.0.0.1:4/"];
    const again = await parseTorrent(encodeTorrent(meta));
    assert.deepEqual(again.infoBytes, meta.infoBytes);
    assert.equal(again.infoHash, meta.infoHash);
    assert.equal(again.infoHashV2, meta.infoHashV2);
    assert.deepEqual(again.announce, meta.announce);
    assert.deepEqual(again.urlList, meta.urlList);
    assert.deepEqual(again.pieceLayers, meta.pieceLayers);
    assert.equal(again.comment, "x");
  }
});

Deno.test("errors are MetainfoErrors that name the field", async () => {
  const info = (fields: Record<string, unknown>) =>
    encodeDictOfEncoded([["info", encodeBencode(fields)]]);
  const base = { name: "x", "piece length": 16384, length: 5, pieces: new Uint8Array(20) };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...base, name: undefined }, /"info.name" is missing/],
    [{ ...base, "piece length": 0 }, /"info.piece length" is 0, below 1/],
    [{ ...base, length: -1 }, /"info.length" is -1, below 0/],
    [{ ...base, pieces: new Uint8Array(21) }, /not a multiple of 20/],
    [{ ...base, pieces: new Uint8Array(40) }, /holds 2 hashes but 5 bytes/],
    [{ ...base, "meta version": 3 }, /"info.meta version" 3 is not supported/],
    [{ ...base, private: 2 }, /"info.private" is 2, above 1/],
  ];
  for (const [fields, message] of cases) {
    await assert.rejects(parseTorrent(info(fields)), (error: unknown) => {
      assert.ok(error instanceof MetainfoError, String(error));
      assert.match(error.message, message);
      return true;
    });
  }
  await assert.rejects(parseTorrent(encodeBencode([1])), /top level is not a dictionary/);
});
