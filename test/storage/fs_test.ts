import assert from "node:assert/strict";
import { denoFileSystem } from "../../src/fs/deno.ts";
import { nodeFileSystem } from "../../src/fs/node.ts";
import type { FileSystem } from "../../src/fs/types.ts";
import type { TorrentFile } from "../../src/metainfo/types.ts";
import { checkStorage } from "../../src/storage/check_storage.ts";
import { MissingDataError } from "../../src/storage/errors.ts";
import { fsStorage } from "../../src/storage/fs.ts";
import type { StorageLayout } from "../../src/storage/types.ts";
import { type StorageHarness, storageSuite } from "../conformance/storage_suite.ts";
import { CountingFileSystem } from "./_counting_fs.ts";
import { makeTorrent, type TestTorrent } from "./_torrents.ts";

/** A fresh download folder per suite test. */
function inTempFolder(make: (dir: string) => StorageHarness["factory"]) {
  return async (): Promise<StorageHarness> => {
    const dir = await Deno.makeTempDir({ prefix: "fs-storage-" });
    return { factory: make(dir), dispose: () => Deno.remove(dir, { recursive: true }) };
  };
}

storageSuite("fs", inTempFolder((dir) => fsStorage(dir)));
// One open file at a time: every span of a piece across files evicts a handle.
storageSuite(
  "fs (1 open file)",
  inTempFolder((dir) => fsStorage(dir, { limits: { maxOpenFiles: 1 } })),
);
// Node's filesystem code, run through Deno's node: modules.
storageSuite("fs (node:fs)", inTempFolder((dir) => fsStorage(dir, { fileSystem: nodeFileSystem })));

const KIB = 1024;

/** Runs `body` in a fresh temporary folder, removed afterwards. */
async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fs-storage-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Every file under a folder, as relative paths, sorted. */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...await listFiles(dir, path));
    else out.push(path);
  }
  return out.sort();
}

/** Writes every piece of a torrent and marks it complete. */
async function download(t: TestTorrent, dir: string, options = {}): Promise<void> {
  const storage = await fsStorage(dir, options)(t.meta);
  await Promise.all(t.pieces.map((bytes, piece) => storage.write(piece, 0, bytes)));
  await Promise.all(t.pieces.map((_, piece) => storage.markComplete(piece, true)));
  await storage.close();
}

function file(path: string[], length: number, offset: number): TorrentFile {
  return { path, length, offset, attr: "", padding: false, piecesRoot: null };
}

const tinyFiles: [string, number][] = [
  ["a.txt", 1],
  ["empty.txt", 0],
  ["b/c.txt", 3],
  ["b/d.bin", 20_000],
  ["e", 5],
  ["f.bin", 40_000],
];

Deno.test("fs storage: files land at their paths with the source files' bytes; no pad files", async () => {
  const torrents = await Promise.all([
    makeTorrent("single", [["movie.bin", 100_000]], { pieceLength: 16 * KIB }),
    makeTorrent("hybrid", [["x.bin", 20_000], ["y.txt", 1], ["z/z.bin", 50_000]], {
      pieceLength: 16 * KIB,
      name: "set",
      version: "hybrid",
    }),
  ]);
  await inTempDir(async (dir) => {
    // The source files, on disk.
    for (const t of torrents) {
      for (const [path, bytes] of t.data) {
        await Deno.mkdir(`${dir}/source/${path.split("/").slice(0, -1).join("/")}`, {
          recursive: true,
        });
        await Deno.writeFile(`${dir}/source/${path}`, bytes);
      }
      await download(t, `${dir}/downloads`);
    }
    assert.deepEqual(await listFiles(`${dir}/downloads`), [
      ".movie.bin.resume",
      ".set.resume",
      "movie.bin",
      "set/x.bin",
      "set/y.txt",
      "set/z/z.bin",
    ]);
    for (const path of await listFiles(`${dir}/source`)) {
      assert.deepEqual(
        await Deno.readFile(`${dir}/downloads/${path}`),
        await Deno.readFile(`${dir}/source/${path}`),
        path,
      );
    }
  });
});

Deno.test("fs storage: empty files are created on opening, other files at their first write", async () => {
  const t = await makeTorrent("tiny", tinyFiles, { pieceLength: 16 * KIB, name: "tiny" });
  await inTempDir(async (dir) => {
    const storage = await fsStorage(dir)(t.meta);
    assert.deepEqual(await listFiles(dir), ["tiny/empty.txt"]);
    assert.equal((await Deno.stat(`${dir}/tiny/empty.txt`)).size, 0);
    await storage.write(3, 0, t.pieces[3]!);
    assert.deepEqual(await listFiles(dir), ["tiny/empty.txt", "tiny/f.bin"]);
    await storage.close();
  });
});

Deno.test("fs storage: files are sparse, nothing is pre-allocated", async () => {
  const mib = 1 << 20;
  const layout: StorageLayout = {
    name: "big.bin",
    pieceLength: mib,
    pieceCount: 64,
    files: [file(["big.bin"], 64 * mib, 0)],
  };
  await inTempDir(async (dir) => {
    const storage = await fsStorage(dir)(layout);
    await storage.write(63, 0, new Uint8Array(mib).fill(1));
    await storage.close();
    const info = await Deno.stat(`${dir}/big.bin`);
    assert.equal(info.size, 64 * mib);
    assert.ok(info.blocks! * 512 < 4 * mib, `${info.blocks! * 512} bytes allocated`);
  });
});

Deno.test("fs storage: checking a new download opens no file", async () => {
  const t = await makeTorrent("two", [["a.bin", 40_000], ["b.bin", 40_000]], {
    pieceLength: 16 * KIB,
    name: "two",
  });
  await inTempDir(async (dir) => {
    const counting = new CountingFileSystem();
    const storage = await fsStorage(dir, { fileSystem: counting.fs })(t.meta);
    assert.deepEqual(await checkStorage(t.meta, storage), new Set());
    assert.equal(counting.attempts, 0);
    await storage.write(0, 0, t.pieces[0]!);
    assert.deepEqual(await checkStorage(t.meta, storage), new Set([0]));
    await storage.close();
  });
});

Deno.test("fs storage: reading past what is on disk is missing data", async () => {
  const t = await makeTorrent("single", [["movie.bin", 100_000]], { pieceLength: 16 * KIB });
  await inTempDir(async (dir) => {
    const storage = await fsStorage(dir)(t.meta);
    await assert.rejects(storage.read(0, 0, 10), /"movie.bin" does not exist/);
    await storage.write(0, 0, t.pieces[0]!.subarray(0, 100));
    assert.deepEqual(await storage.read(0, 0, 100), t.pieces[0]!.subarray(0, 100));
    await assert.rejects(storage.read(0, 0, 101), MissingDataError);
    await assert.rejects(storage.read(1, 0, 1), /"movie.bin" ends at byte 16384/);
    await storage.close();
  });
});

Deno.test("fs storage: never more files open than maxOpenFiles", async () => {
  const sizes: [string, number][] = Array.from({ length: 60 }, (_, i) => [`f${i}.bin`, 3000]);
  const t = await makeTorrent("many", sizes, { pieceLength: 16 * KIB, name: "many" });
  for (const [cap, expectedPeak] of [[4, 4], [64, 60]] as const) {
    await inTempDir(async (dir) => {
      const counting = new CountingFileSystem();
      const options = { fileSystem: counting.fs, limits: { maxOpenFiles: cap } };
      const storage = await fsStorage(dir, options)(t.meta);
      await Promise.all(t.pieces.map((bytes, piece) => storage.write(piece, 0, bytes)));
      const read = await Promise.all(t.pieces.map((b, piece) => storage.read(piece, 0, b.length)));
      assert.deepEqual(read, t.pieces);
      await Promise.all(t.pieces.map((_, piece) => storage.markComplete(piece, true)));
      assert.equal(counting.peak, expectedPeak, `peak with ${cap}`);
      await storage.close();
      assert.equal(counting.open, 0);
      for (const [path, bytes] of t.data) {
        assert.deepEqual(await Deno.readFile(`${dir}/${path}`), bytes);
      }
    });
  }
});

Deno.test("fs storage: handles are reused while they stay in the cache", async () => {
  const t = await makeTorrent("tiny", tinyFiles, { pieceLength: 16 * KIB, name: "tiny" });
  await inTempDir(async (dir) => {
    const counting = new CountingFileSystem();
    const storage = await fsStorage(dir, { fileSystem: counting.fs })(t.meta);
    for (let round = 0; round < 3; round++) {
      for (const [piece, bytes] of t.pieces.entries()) await storage.write(piece, 0, bytes);
      for (const [piece, bytes] of t.pieces.entries()) await storage.read(piece, 0, bytes.length);
    }
    await storage.close();
    // Six files, each opened once (the empty one when the storage opened).
    assert.equal(counting.opened, 6);
  });
});

Deno.test("fs storage: a file opened for reading is reopened for writing", async () => {
  const t = await makeTorrent("single", [["movie.bin", 100_000]], { pieceLength: 16 * KIB });
  await inTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/movie.bin`, t.data.get("movie.bin")!.subarray(0, 16 * KIB));
    const counting = new CountingFileSystem();
    const storage = await fsStorage(dir, { fileSystem: counting.fs })(t.meta);
    assert.deepEqual(await storage.read(0, 0, 16 * KIB), t.pieces[0]);
    await storage.write(1, 0, t.pieces[1]!);
    assert.deepEqual(await storage.read(1, 0, 16 * KIB), t.pieces[1]);
    assert.deepEqual(await storage.read(0, 0, 16 * KIB), t.pieces[0]);
    await storage.close();
    assert.equal(counting.opened, 2);
    assert.equal(counting.open, 0);
  });
});

Deno.test("fs storage: a file changed, shortened or removed since the resume file loses its pieces", async () => {
  const t = await makeTorrent("tiny", tinyFiles, { pieceLength: 16 * KIB, name: "tiny" });
  const all = new Set([0, 1, 2, 3]);
  // d.bin spans pieces 0-1 and f.bin pieces 1-3.
  const cases: [string, (dir: string) => Promise<void>, Set<number>][] = [
    ["untouched", () => Promise.resolve(), all],
    ["mtime", (dir) => Deno.utime(`${dir}/tiny/b/d.bin`, 1, 1), new Set([2, 3])],
    ["truncated", (dir) => Deno.truncate(`${dir}/tiny/f.bin`, 39_999), new Set([0])],
    ["removed", (dir) => Deno.remove(`${dir}/tiny/f.bin`), new Set([0])],
    ["appended", async (dir) => {
      await Deno.writeFile(`${dir}/tiny/e`, new Uint8Array(1), { append: true });
    }, new Set([0, 2, 3])],
  ];
  for (const [label, change, expected] of cases) {
    await inTempDir(async (dir) => {
      await download(t, dir);
      await change(dir);
      const storage = await fsStorage(dir)(t.meta);
      assert.deepEqual(await storage.completed(), expected, label);
      await storage.close();
      // The narrower claim is saved on close.
      const again = await fsStorage(dir)(t.meta);
      assert.deepEqual(await again.completed(), expected, `${label}, reopened`);
      await again.close();
    });
  }
});

Deno.test("fs storage: a resume file for another layout, or not one at all, claims nothing", async () => {
  const t = await makeTorrent("tiny", tinyFiles, { pieceLength: 16 * KIB, name: "tiny" });
  const other = await makeTorrent("tiny", tinyFiles, { pieceLength: 32 * KIB, name: "tiny" });
  await inTempDir(async (dir) => {
    await download(t, dir);
    const resume = await Deno.readFile(`${dir}/.tiny.resume`);
    const reopened = await fsStorage(dir)(other.meta);
    assert.deepEqual(await reopened.completed(), new Set());
    await reopened.close();

    const bad = [
      "not json",
      "null",
      new TextDecoder().decode(resume).slice(0, -5),
      new TextDecoder().decode(resume).replace('"format":"seed-resume/1"', '"format":"other"'),
      new TextDecoder().decode(resume).replace(/"complete":"[0-9a-f]*"/, '"complete":"zz"'),
      new TextDecoder().decode(resume).replace(/"files":\[/, '"files":["x",'),
    ];
    for (const text of bad) {
      await Deno.writeTextFile(`${dir}/.tiny.resume`, text);
      const storage = await fsStorage(dir)(t.meta);
      assert.deepEqual(await storage.completed(), new Set(), text);
      await storage.close();
    }
    await Deno.writeFile(`${dir}/.tiny.resume`, resume);
    const storage = await fsStorage(dir)(t.meta);
    assert.deepEqual(await storage.completed(), new Set([0, 1, 2, 3]));
    await storage.close();
  });
});

Deno.test("fs storage: the resume file can live in a state folder", async () => {
  const t = await makeTorrent("single", [["movie.bin", 100_000]], { pieceLength: 16 * KIB });
  await inTempDir(async (dir) => {
    await download(t, `${dir}/data/`, { stateDir: `${dir}/state/` });
    assert.deepEqual(await listFiles(dir), ["data/movie.bin", "state/.movie.bin.resume"]);
    const storage = await fsStorage(`${dir}/data`, { stateDir: `${dir}/state` })(t.meta);
    assert.equal((await storage.completed()).size, t.pieces.length);
    await storage.close();
  });
});

Deno.test("fs storage: a long name gets a hashed resume file name", async () => {
  const name = `${"n".repeat(250)}.bin`;
  const layout: StorageLayout = {
    name,
    pieceLength: 16 * KIB,
    pieceCount: 1,
    files: [file([name], 10, 0)],
  };
  await inTempDir(async (dir) => {
    const storage = await fsStorage(dir)(layout);
    await storage.write(0, 0, new Uint8Array(10));
    await storage.markComplete(0, true);
    await storage.close();
    const files = await listFiles(dir);
    assert.equal(files.length, 2);
    assert.match(files[0]!, /^\.[0-9a-f]{64}\.resume$/);
    const again = await fsStorage(dir)(layout);
    assert.deepEqual(await again.completed(), new Set([0]));
    await again.close();
  });
});

Deno.test("fs storage: paths that could leave the folder are refused", async () => {
  const bad = [["..", "x"], ["a", ".."], ["a/b"], ["a\\b"], ["."], [""], ["a\0"], []];
  await inTempDir(async (dir) => {
    for (const path of bad) {
      const layout = { name: "t", pieceLength: 16 * KIB, pieceCount: 1, files: [file(path, 5, 0)] };
      await assert.rejects(fsStorage(`${dir}/in`)(layout), TypeError, JSON.stringify(path));
    }
    await assert.rejects(
      fsStorage(dir)({
        name: "x/../../y",
        pieceLength: 16 * KIB,
        pieceCount: 1,
        files: [file(["a"], 1, 0)],
      }),
      TypeError,
    );
    assert.deepEqual(await listFiles(dir), []);
  });
});

Deno.test("fs storage: data is synced before a resume file lists it", async () => {
  const events: string[] = [];
  const logging: FileSystem = {
    ...denoFileSystem,
    open: async (path, options) => {
      const handle = await denoFileSystem.open(path, options);
      const name = path.slice(path.lastIndexOf("/") + 1);
      return {
        read: (buffer, position) => handle.read(buffer, position),
        write: (data, position) => handle.write(data, position),
        close: () => handle.close(),
        sync: async () => {
          await handle.sync();
          events.push(`sync ${name}`);
        },
      };
    },
    rename: async (from, to) => {
      await denoFileSystem.rename(from, to);
      events.push("resume");
    },
    syncDir: async (path) => {
      await denoFileSystem.syncDir(path);
      events.push("sync folder");
    },
  };
  // Pieces 0-2 are in a.bin, 3-5 in b.bin.
  const t = await makeTorrent("two", [["a.bin", 40_000], ["b.bin", 40_000]], {
    pieceLength: 16 * KIB,
    name: "two",
    version: 2,
  });
  await inTempDir(async (dir) => {
    // a.bin written through the storage; b.bin copied in by hand, then checked.
    await Deno.mkdir(`${dir}/two`);
    await Deno.writeFile(`${dir}/two/b.bin`, t.data.get("two/b.bin")!);
    const storage = await fsStorage(dir, { fileSystem: logging })(t.meta);
    await storage.write(0, 0, t.pieces[0]!);
    await storage.markComplete(0, true);
    assert.deepEqual(events.splice(0), [
      "sync a.bin",
      "sync .two.resume.tmp",
      "resume",
      "sync folder",
    ]);
    await storage.markComplete(0, true);
    assert.deepEqual(events.splice(0), [], "nothing to save");
    assert.deepEqual(await checkStorage(t.meta, storage), new Set([0, 3, 4, 5]));
    const after = events.splice(0);
    assert.equal(after.indexOf("sync b.bin"), 0, after.join());
    assert.equal(after.filter((e) => e === "sync b.bin").length, 1, after.join());
    assert.ok(after.includes("resume"));
    await storage.close();
  });
});

Deno.test("fs storage: after a failed sync of data nothing is ever called durable", async () => {
  const failing = new Set<string>();
  const flaky: FileSystem = {
    ...denoFileSystem,
    open: async (path, options) => {
      const handle = await denoFileSystem.open(path, options);
      const kind = path.endsWith(".tmp") ? "resume" : "data";
      return {
        read: (buffer, position) => handle.read(buffer, position),
        write: (data, position) => handle.write(data, position),
        close: () => handle.close(),
        sync: () => failing.has(kind) ? Promise.reject(new Error(`EIO ${kind}`)) : handle.sync(),
      };
    },
  };
  // Pieces 0-2 are in a.bin, 3-5 in b.bin.
  const t = await makeTorrent("two", [["a.bin", 40_000], ["b.bin", 40_000]], {
    pieceLength: 16 * KIB,
    name: "two",
    version: 2,
  });
  await inTempDir(async (dir) => {
    const storage = await fsStorage(dir, { fileSystem: flaky })(t.meta);
    for (const piece of [0, 1, 2]) await storage.write(piece, 0, t.pieces[piece]!);
    // A resume file that fails to sync is never renamed into place; the next save may work.
    failing.add("resume");
    await assert.rejects(storage.markComplete(0, true), /EIO resume/);
    failing.clear();
    await storage.markComplete(1, true);
    // Data that fails to sync may be lost: no resume file is written again.
    await storage.write(3, 0, t.pieces[3]!);
    failing.add("data");
    await assert.rejects(storage.markComplete(3, true), /EIO data/);
    failing.clear();
    await assert.rejects(storage.markComplete(2, true), /EIO data/);
    await assert.rejects(storage.close(), /EIO data/);
    const reopened = await fsStorage(dir)(t.meta);
    assert.deepEqual(await reopened.completed(), new Set([0, 1]));
    await reopened.close();
  });
});
