import assert from "node:assert/strict";
import type { TorrentFile } from "../../src/metainfo/types.ts";
import { FilePriorities } from "../../src/torrent/file_priorities.ts";
import { parseFileList } from "../../src/stream/select_files.ts";

function file(offset: number, length: number, padding = false): TorrentFile {
  return {
    path: [`f${offset}`],
    length,
    offset,
    attr: padding ? "p" : "",
    padding,
    piecesRoot: null,
  };
}

/** Pieces of 10 bytes: file 0 is 0..15, file 1 is 15..30 (sharing piece 1), file 2 is 30..45. */
const layout = {
  name: "t",
  pieceLength: 10,
  pieceCount: 5,
  files: [file(0, 15), file(15, 15), file(30, 15)],
};

const asMap = (changes: { piece: number; priority: number }[]) =>
  Object.fromEntries(changes.map((c) => [c.piece, c.priority]));

Deno.test("selection: a piece shared by a selected and an unselected file stays wanted", () => {
  const priorities = new FilePriorities(layout);
  assert.deepEqual(asMap(priorities.setFile(0, 0)), { 0: 0 }, "piece 1 is shared with file 1");
  assert.deepEqual(asMap(priorities.setFile(1, 0)), { 1: 0, 2: 0 });
  assert.deepEqual(asMap(priorities.setFile(1, 4)), { 1: 4, 2: 4 });
  assert.deepEqual(asMap(priorities.setFile(2, 7)), { 3: 7, 4: 7 });
  assert.deepEqual(asMap(priorities.setFile(0, 4)), { 0: 4 });
  assert.deepEqual(asMap(priorities.setFile(1, 0)), { 2: 0 }, "piece 1 is shared with file 0");
});

Deno.test("selection: readers raise pieces above their files' priority and release them", () => {
  const priorities = new FilePriorities(layout);
  priorities.setFile(0, 0);
  const a = {}, b = {};
  const wanted = priorities.setReader(a, new Map([[0, { priority: 7, deadline: 5 }]]));
  assert.deepEqual(wanted, [{ piece: 0, priority: 7, deadline: 5 }]);
  const second = priorities.setReader(b, new Map([[0, { priority: 6, deadline: 3 }]]));
  assert.deepEqual(
    second,
    [{ piece: 0, priority: 7, deadline: 3 }],
    "earliest deadline, top priority",
  );
  assert.deepEqual(priorities.setReader(a, new Map()), [{ piece: 0, priority: 6, deadline: 3 }]);
  assert.deepEqual(
    priorities.setReader(b, new Map()),
    [{ piece: 0, priority: 0 }],
    "back to the file's",
  );
});

Deno.test("selection: pad files do not hold pieces, empty files hold none", () => {
  const padded = {
    name: "t",
    pieceLength: 10,
    pieceCount: 3,
    files: [file(0, 5), file(5, 5, true), file(10, 0), file(10, 20)],
  };
  const priorities = new FilePriorities(padded);
  assert.equal(priorities.fileIndexes.length, 3);
  assert.deepEqual(asMap(priorities.setFile(0, 0)), { 0: 0 }, "the pad file does not keep piece 0");
  assert.deepEqual(priorities.setFile(1, 0), [], "an empty file has no pieces");
  assert.throws(() => priorities.setFile(3, 0), RangeError);
  assert.throws(() => priorities.setFile(0, 8), RangeError);
});

Deno.test("selection: file lists like 0,2,5-7", () => {
  assert.deepEqual(parseFileList("0,2,5-7,2"), [0, 2, 5, 6, 7]);
  assert.throws(() => parseFileList("1,a"), SyntaxError);
  assert.throws(() => parseFileList("3-1"), SyntaxError);
  assert.throws(() => parseFileList(""), SyntaxError);
});
