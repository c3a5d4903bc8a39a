import assert from "node:assert/strict";
import type { TorrentFile } from "../../src/metainfo/types.ts";
import { checkRange, fileSpans, pieceSize, piecesOfFile } from "../../src/storage/layout.ts";
import type { StorageLayout } from "../../src/storage/types.ts";

function file(name: string, offset: number, length: number, padding = false): TorrentFile {
  return { path: [name], length, offset, attr: padding ? "p" : "", padding, piecesRoot: null };
}

// Pieces of 10 bytes over: a [0,3) empty [3,3) b [3,15) pad [15,20) c [20,24).
const v1: StorageLayout = {
  name: "v1",
  pieceLength: 10,
  pieceCount: 3,
  files: [
    file("a", 0, 3),
    file("e", 3, 0),
    file("b", 3, 12),
    file("p", 15, 5, true),
    file("c", 20, 4),
  ],
};

// v2: each file starts on a piece boundary: a [0,25) empty, b [30,31).
const v2: StorageLayout = {
  name: "v2",
  pieceLength: 10,
  pieceCount: 4,
  files: [file("a", 0, 25), file("e", 30, 0), file("b", 30, 1)],
};

Deno.test("pieceSize: v1 pieces are full but the last; v2 pieces end with their file", () => {
  assert.deepEqual([0, 1, 2].map((p) => pieceSize(v1, p)), [10, 10, 4]);
  assert.deepEqual([0, 1, 2, 3].map((p) => pieceSize(v2, p)), [10, 10, 5, 1]);
  for (const bad of [-1, 3, 1.5, NaN]) assert.throws(() => pieceSize(v1, bad), RangeError);
});

Deno.test("fileSpans: a range split over files, empty files left out, pad files kept", () => {
  assert.deepEqual(fileSpans(v1, 0, 0, 10), [
    { file: 0, position: 0, at: 0, length: 3 },
    { file: 2, position: 0, at: 3, length: 7 },
  ]);
  assert.deepEqual(fileSpans(v1, 1, 2, 8), [
    { file: 2, position: 9, at: 0, length: 3 },
    { file: 3, position: 0, at: 3, length: 5 },
  ]);
  assert.deepEqual(fileSpans(v1, 2, 1, 2), [{ file: 4, position: 1, at: 0, length: 2 }]);
  assert.deepEqual(fileSpans(v1, 1, 4, 0), []);
  assert.deepEqual(fileSpans(v2, 2, 0, 5), [{ file: 0, position: 20, at: 0, length: 5 }]);
  assert.deepEqual(fileSpans(v2, 3, 0, 1), [{ file: 2, position: 0, at: 0, length: 1 }]);
});

Deno.test("checkRange: ranges must lie inside the piece", () => {
  assert.equal(checkRange(v2, 2, 0, 5), 5);
  assert.equal(checkRange(v2, 2, 5, 0), 5);
  for (const [offset, length] of [[0, 6], [5, 1], [-1, 1], [0, -1], [0.5, 1], [0, Infinity]]) {
    assert.throws(() => checkRange(v2, 2, offset!, length!), RangeError, `${offset} ${length}`);
  }
});

Deno.test("piecesOfFile: the pieces a file touches", () => {
  assert.deepEqual(piecesOfFile(v1, v1.files[2]!), [0, 2]);
  assert.deepEqual(piecesOfFile(v1, v1.files[4]!), [2, 3]);
  assert.deepEqual(piecesOfFile(v1, v1.files[1]!), [0, 0]);
  assert.deepEqual(piecesOfFile(v2, v2.files[2]!), [3, 4]);
});
