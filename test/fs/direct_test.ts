import assert from "node:assert/strict";
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { DIRECT_ALIGNMENT, type DirectHandle, DirectWriter } from "../../src/fs/_direct.ts";
import { denoFileSystem } from "../../src/fs/deno.ts";
import { nodeFileSystem } from "../../src/fs/node.ts";

const MIB = 1 << 20;

/** Runs `body` in a fresh temporary folder (on the disk's filesystem), removed afterwards. */
async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "direct-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Bytes that differ at every position, so a misplaced write shows. */
function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

/** A direct handle over a real `O_DIRECT` descriptor that records each write as [position, length]. */
async function recordingHandle(path: string) {
  const handle = await open(path, constants.O_RDWR | constants.O_DIRECT);
  const writes: [number, number][] = [];
  const recording: DirectHandle = {
    write: ((buffer: Uint8Array, offset: number, length: number, position: number) => {
      writes.push([position, length]);
      return handle.write(buffer, offset, length, position);
    }) as DirectHandle["write"],
    close: () => handle.close(),
  };
  return { recording, writes };
}

/** A buffered write through node:fs that records each write as [position, length]. */
async function recordingBuffered(path: string) {
  const handle = await open(path, constants.O_RDWR);
  const writes: [number, number][] = [];
  const write = async (data: Uint8Array, position: number) => {
    writes.push([position, data.length]);
    await handle.write(data, 0, data.length, position);
  };
  return { write, writes, close: () => handle.close() };
}

/** A direct writer and a buffered fallback over one new file in a fresh folder, both recording. */
async function withRecordingWriter(
  body: (
    path: string,
    writer: DirectWriter,
    direct: [number, number][],
    buffered: Awaited<ReturnType<typeof recordingBuffered>>,
  ) => Promise<void>,
): Promise<void> {
  await inTempDir(async (dir) => {
    const path = `${dir}/a.bin`;
    await Deno.writeFile(path, new Uint8Array());
    const { recording, writes } = await recordingHandle(path);
    const buffered = await recordingBuffered(path);
    const writer = new DirectWriter(recording);
    try {
      await body(path, writer, writes, buffered);
    } finally {
      await writer.close();
      await buffered.close();
    }
  });
}

Deno.test("DirectWriter: the aligned middle goes direct in 1 MiB chunks, head and tail buffered", async () => {
  await withRecordingWriter(async (path, writer, writes, buffered) => {
    const position = DIRECT_ALIGNMENT - 100;
    const data = pattern(100 + 2 * MIB + 3 * DIRECT_ALIGNMENT + 7, 1);
    await writer.write(data, position, buffered.write);
    const middle = 2 * MIB + 3 * DIRECT_ALIGNMENT;
    assert.deepEqual(writes, [
      [DIRECT_ALIGNMENT, MIB],
      [DIRECT_ALIGNMENT + MIB, MIB],
      [DIRECT_ALIGNMENT + 2 * MIB, 3 * DIRECT_ALIGNMENT],
    ]);
    assert.deepEqual(buffered.writes, [[position, 100], [DIRECT_ALIGNMENT + middle, 7]]);
    const file = await Deno.readFile(path);
    assert.equal(file.length, position + data.length);
    assert.deepEqual(file.subarray(position), data);
    assert.ok(file.subarray(0, position).every((b) => b === 0));
  });
});

Deno.test("DirectWriter: writes shorter than the alignment, or inside one block, stay buffered", async () => {
  await withRecordingWriter(async (path, writer, writes, buffered) => {
    await writer.write(pattern(4000, 2), 0, buffered.write);
    await writer.write(pattern(50, 3), 5000, buffered.write);
    assert.deepEqual(writes, []);
    assert.deepEqual(buffered.writes, [[0, 4000], [5000, 50]]);
    const file = await Deno.readFile(path);
    assert.deepEqual(file.subarray(0, 4000), pattern(4000, 2));
    assert.deepEqual(file.subarray(5000), pattern(50, 3));
  });
});

Deno.test("DirectWriter: once the filesystem refuses a direct write (EINVAL), everything goes buffered", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/a.bin`;
    await Deno.writeFile(path, new Uint8Array());
    let refused = 0;
    const refusing: DirectHandle = {
      write: (() => {
        refused++;
        return Promise.reject(Object.assign(new Error("Invalid argument"), { code: "EINVAL" }));
      }) as DirectHandle["write"],
      close: () => Promise.resolve(),
    };
    const buffered = await recordingBuffered(path);
    const writer = new DirectWriter(refusing);
    const first = pattern(2 * MIB, 4);
    const second = pattern(MIB, 5);
    await writer.write(first, 0, buffered.write);
    await writer.write(second, 2 * MIB, buffered.write);
    assert.equal(refused, 1);
    assert.deepEqual(buffered.writes, [[0, 2 * MIB], [2 * MIB, MIB]]);
    const file = await Deno.readFile(path);
    assert.deepEqual(file.subarray(0, 2 * MIB), first);
    assert.deepEqual(file.subarray(2 * MIB), second);
    await buffered.close();
  });
});

Deno.test("DirectWriter: other errors reject the write", async () => {
  const failing: DirectHandle = {
    write: (() =>
      Promise.reject(
        Object.assign(new Error("No space left"), { code: "ENOSPC" }),
      )) as DirectHandle[
        "write"
      ],
    close: () => Promise.resolve(),
  };
  const writer = new DirectWriter(failing);
  await assert.rejects(writer.write(new Uint8Array(MIB), 0, () => Promise.resolve()), /No space/);
});

Deno.test("DirectWriter.open: null for a path that cannot be opened for direct writes", async () => {
  await inTempDir(async (dir) => {
    assert.equal(await DirectWriter.open(dir), null); // a folder
    assert.equal(await DirectWriter.open(`${dir}/missing`), null);
  });
});

for (const [name, fs] of [["Deno", denoFileSystem], ["node:fs", nodeFileSystem]] as const) {
  Deno.test(`${name} file handle with direct: more writes at once than bounce buffers, read back`, async () => {
    await inTempDir(async (dir) => {
      const path = `${dir}/a.bin`;
      const file = await fs.open(path, { write: true, create: true, direct: true });
      const pieces = Array.from({ length: 12 }, (_, i) => pattern(2 * MIB, i));
      const tail = pattern(12_345, 99);
      await Promise.all([
        ...pieces.map((piece, i) => file.write(piece, i * 2 * MIB)),
        file.write(tail, pieces.length * 2 * MIB),
      ]);
      for (const [i, piece] of pieces.entries()) {
        const back = new Uint8Array(piece.length);
        assert.equal(await file.read(back, i * 2 * MIB), piece.length);
        assert.deepEqual(back, piece);
      }
      const back = new Uint8Array(tail.length + 10);
      assert.equal(await file.read(back, pieces.length * 2 * MIB), tail.length);
      assert.deepEqual(back.subarray(0, tail.length), tail);
      await file.sync();
      await file.close();
      assert.equal((await Deno.stat(path)).size, pieces.length * 2 * MIB + tail.length);
    });
  });
}
