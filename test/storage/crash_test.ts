import assert from "node:assert/strict";
import { denoFileSystem } from "../../src/fs/deno.ts";
import type { FileSystem } from "../../src/fs/types.ts";
import { checkStorage } from "../../src/storage/check_storage.ts";
import { fsStorage } from "../../src/storage/fs.ts";
import { verifyPiece } from "../../src/storage/verify.ts";
import { noMtimeFileSystem } from "./_crash_child.ts";
import { goodPiecesOnDisk } from "./_on_disk.ts";
import { makeTorrent, type TestTorrent } from "./_torrents.ts";

const CHILD = new URL("./_crash_child.ts", import.meta.url).pathname;

/**
 * Runs the crash child and SIGKILLs it once it prints `stopAt`.
 *
 * @returns Every line it printed.
 */
async function runAndKill(args: string[], stopAt: string): Promise<string[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines: string[] = [];
  let buffered = "";
  let killed = false;
  for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) {
    buffered += text;
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    lines.push(...parts);
    if (!killed && parts.includes(stopAt)) {
      child.kill("SIGKILL");
      killed = true;
    }
  }
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL", `the child was killed (it printed ${lines.at(-1)})`);
  assert.ok(!lines.includes("done"));
  return lines;
}

/** Reopens a storage and checks that every piece it claims is on disk and valid. */
async function claimsHold(t: TestTorrent, dir: string, fileSystem: FileSystem) {
  const storage = await fsStorage(dir, { fileSystem })(t.meta);
  const claimed = await storage.completed();
  for (const piece of claimed) {
    const data = await storage.read(piece, 0, t.pieces[piece]!.length);
    assert.ok(await verifyPiece(t.meta, piece, data), `claimed piece ${piece} verifies`);
  }
  return { storage, claimed };
}

Deno.test("fs storage: killed mid-download, it never claims a piece that is not on disk", async () => {
  const sizes: [string, number][] = Array.from({ length: 12 }, (_, i) => [`f${i}.bin`, 100_000]);
  const t = await makeTorrent("crash", sizes, { pieceLength: 16 * 1024, name: "crash" });
  const work = await Deno.makeTempDir({ prefix: "crash-" });
  try {
    await Deno.writeFile(`${work}/t.torrent`, t.torrent);
    await Deno.mkdir(`${work}/pieces`);
    for (const [piece, bytes] of t.pieces.entries()) {
      await Deno.writeFile(`${work}/pieces/${piece}`, bytes);
    }
    const stopAt = Math.floor(t.pieces.length / 2);
    const lines = await runAndKill(
      ["download", `${work}/t.torrent`, `${work}/dl`, `${work}/pieces`],
      `marked ${stopAt}`,
    );
    const { storage, claimed } = await claimsHold(t, `${work}/dl`, denoFileSystem);
    // Files finished before the kill keep their pieces; the file being
    // written when it came has changed since the last save and loses them.
    assert.ok(claimed.size > 0 && claimed.size <= stopAt + 1, `claimed ${claimed.size}`);
    const marked = lines.filter((l) => l.startsWith("marked ")).map((l) => Number(l.slice(7)));
    for (const piece of claimed) assert.ok(marked.includes(piece), `piece ${piece} was marked`);

    const good = await goodPiecesOnDisk(t, `${work}/dl`);
    assert.ok(good.size >= marked.length, `${good.size} good pieces`);
    assert.deepEqual(await checkStorage(t.meta, storage), good);
    assert.deepEqual(await storage.completed(), good);
    await storage.close();
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("fs storage: killed while overwriting complete pieces, it never claims one it changed", async () => {
  const sizes: [string, number][] = [["a.bin", 300_000], ["b.bin", 300_000]];
  const t = await makeTorrent("overwrite", sizes, { pieceLength: 16 * 1024, name: "ow" });
  const work = await Deno.makeTempDir({ prefix: "crash-" });
  try {
    await Deno.writeFile(`${work}/t.torrent`, t.torrent);
    // Modification times are hidden from the storage here: only the order
    // of its own writes keeps the resume file honest.
    const storage = await fsStorage(`${work}/dl`, { fileSystem: noMtimeFileSystem })(t.meta);
    await Promise.all(t.pieces.map((bytes, piece) => storage.write(piece, 0, bytes)));
    await Promise.all(t.pieces.map((_, piece) => storage.markComplete(piece, true)));
    await storage.close();

    const stopAt = Math.floor(t.pieces.length / 2);
    await runAndKill(["corrupt", `${work}/t.torrent`, `${work}/dl`], `corrupted ${stopAt}`);
    const reopened = await claimsHold(t, `${work}/dl`, noMtimeFileSystem);
    const good = await goodPiecesOnDisk(t, `${work}/dl`);
    assert.ok(reopened.claimed.size > 0, "the pieces not yet overwritten are still claimed");
    assert.ok(good.size < t.pieces.length - stopAt, `${good.size} good pieces`);
    for (const piece of reopened.claimed) assert.ok(good.has(piece), `piece ${piece} is good`);
    await reopened.storage.close();
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
