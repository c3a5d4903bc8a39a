/**
 * The storage conformance suite: every `Storage` implementation runs it.
 *
 * @module
 */

import assert from "node:assert/strict";
import { MissingDataError } from "../../src/storage/errors.ts";
import type { StorageFactory } from "../../src/storage/types.ts";
import { verifyPiece } from "../../src/storage/verify.ts";
import { standardTorrents, type TestTorrent } from "../storage/_torrents.ts";

/** A storage factory under test, and how to clean up after it. */
export interface StorageHarness {
  /** Opens storages; opening the same layout again must find what the last one kept. */
  factory: StorageFactory;
  /** Removes whatever the factory left behind. */
  dispose(): Promise<void>;
}

/**
 * Registers the suite's tests for one implementation.
 *
 * @param name The implementation's name, for test titles.
 * @param makeHarness Makes a fresh, empty factory for each test.
 */
export function storageSuite(name: string, makeHarness: () => Promise<StorageHarness>): void {
  const torrents = standardTorrents();
  const each = (title: string, body: (t: TestTorrent, h: StorageHarness) => Promise<void>) => {
    Deno.test(`${name} storage: ${title}`, async (context) => {
      for (const torrent of await torrents) {
        await context.step(torrent.label, async () => {
          const harness = await makeHarness();
          try {
            await body(torrent, harness);
          } finally {
            await harness.dispose();
          }
        });
      }
    });
  };

  each("whole pieces read back as written, and verify", async (t, { factory }) => {
    const storage = await factory(t.meta);
    await Promise.all(t.pieces.map((bytes, piece) => storage.write(piece, 0, bytes)));
    for (const [piece, bytes] of t.pieces.entries()) {
      const read = await storage.read(piece, 0, bytes.length);
      assert.deepEqual(read, bytes, `piece ${piece}`);
      assert.equal(await verifyPiece(t.meta, piece, read), true, `piece ${piece} verifies`);
    }
    await storage.close();
  });

  each("odd-sized writes and reads across file boundaries", async (t, { factory }) => {
    const storage = await factory(t.meta);
    // Written back to front in 1000-byte runs, read in 16 KiB blocks and 777-byte runs.
    for (let piece = t.pieces.length - 1; piece >= 0; piece--) {
      const bytes = t.pieces[piece]!;
      const writes = [];
      for (let at = 0; at < bytes.length; at += 1000) {
        writes.push(storage.write(piece, at, bytes.subarray(at, at + 1000)));
      }
      await Promise.all(writes);
    }
    for (const [piece, bytes] of t.pieces.entries()) {
      for (const step of [16384, 777]) {
        for (let at = 0; at < bytes.length; at += step) {
          const length = Math.min(step, bytes.length - at);
          assert.deepEqual(
            await storage.read(piece, at, length),
            bytes.subarray(at, at + length),
            `piece ${piece} at ${at}`,
          );
        }
      }
      assert.deepEqual(await storage.read(piece, bytes.length, 0), new Uint8Array(0));
    }
    await storage.close();
  });

  each("ranges outside a piece are RangeErrors", async (t, { factory }) => {
    const storage = await factory(t.meta);
    const last = t.pieces.length - 1;
    const size = t.pieces[last]!.length;
    const bad: [number, number, number][] = [
      [-1, 0, 1],
      [t.pieces.length, 0, 1],
      [0.5, 0, 1],
      [last, size, 1],
      [last, size - 1, 2],
      [last, -1, 1],
      [0, 0, t.pieces[0]!.length + 1],
      [0, 1.5, 1],
    ];
    for (const [piece, offset, length] of bad) {
      await assert.rejects(storage.read(piece, offset, length), RangeError, `read ${piece}`);
      await assert.rejects(
        storage.write(piece, offset, new Uint8Array(Math.max(0, length))),
        RangeError,
        `write ${piece} ${offset} ${length}`,
      );
    }
    await assert.rejects(storage.markComplete(t.pieces.length, true), RangeError);
    await assert.rejects(storage.markComplete(-1, false), RangeError);
    await storage.close();
  });

  each("a piece never written is missing data", async (t, { factory }) => {
    const storage = await factory(t.meta);
    await assert.rejects(storage.read(0, 0, 1), MissingDataError);
    await storage.write(0, 0, t.pieces[0]!);
    assert.deepEqual(await storage.read(0, 0, 1), t.pieces[0]!.subarray(0, 1));
    await storage.close();
  });

  each("completion marks persist across close and reopen", async (t, { factory }) => {
    const storage = await factory(t.meta);
    assert.deepEqual(await storage.completed(), new Set());
    for (const [piece, bytes] of t.pieces.entries()) await storage.write(piece, 0, bytes);
    const last = t.pieces.length - 1;
    await Promise.all([storage.markComplete(0, true), storage.markComplete(last, true)]);
    const copy = await storage.completed();
    copy.add(99);
    assert.deepEqual(await storage.completed(), new Set([0, last]));
    await storage.close();

    const reopened = await factory(t.meta);
    assert.deepEqual(await reopened.completed(), new Set([0, last]));
    await reopened.markComplete(0, false);
    await reopened.markComplete(0, false);
    await reopened.close();

    const third = await factory(t.meta);
    assert.deepEqual(await third.completed(), last === 0 ? new Set() : new Set([last]));
    await third.close();
  });

  each("close flushes written data", async (t, { factory }) => {
    const storage = await factory(t.meta);
    const writes = t.pieces.map((bytes, piece) => storage.write(piece, 0, bytes));
    await storage.close();
    await Promise.all(writes);
    const reopened = await factory(t.meta);
    for (const [piece, bytes] of t.pieces.entries()) {
      assert.deepEqual(await reopened.read(piece, 0, bytes.length), bytes, `piece ${piece}`);
    }
    await reopened.close();
  });

  each("writing to a complete piece marks it incomplete", async (t, { factory }) => {
    const storage = await factory(t.meta);
    await storage.write(0, 0, t.pieces[0]!);
    await storage.markComplete(0, true);
    await storage.write(0, 0, new Uint8Array([t.pieces[0]![0]! ^ 0xff]));
    assert.deepEqual(await storage.completed(), new Set());
    await storage.close();
    const reopened = await factory(t.meta);
    assert.deepEqual(await reopened.completed(), new Set());
    await reopened.close();
  });

  each("pad-file ranges read as zeros, whatever is written there", async (t, { factory }) => {
    if (t.meta.version === "hybrid") assert.ok(t.meta.files.some((f) => f.padding), "has pads");
    const storage = await factory(t.meta);
    const ones = t.pieces.map((bytes) => new Uint8Array(bytes.length).fill(0xff));
    for (const [piece, bytes] of ones.entries()) await storage.write(piece, 0, bytes);
    const expected = padMask(t);
    for (const [piece, mask] of expected.entries()) {
      assert.deepEqual(await storage.read(piece, 0, mask.length), mask, `piece ${piece}`);
    }
    await storage.close();
  });

  each("a closed storage refuses calls", async (t, { factory }) => {
    const storage = await factory(t.meta);
    await storage.close();
    await storage.close();
    await assert.rejects(storage.read(0, 0, 1), /closed/);
    await assert.rejects(storage.write(0, 0, new Uint8Array(1)), /closed/);
    await assert.rejects(storage.markComplete(0, true), /closed/);
    await assert.rejects(storage.completed(), /closed/);
  });
}

/** Each piece as stored after writing 0xff everywhere: 0xff over files, 0 over pad files. */
function padMask(t: TestTorrent): Uint8Array[] {
  const { pieceLength } = t.meta;
  return t.pieces.map((bytes, piece) => {
    const out = new Uint8Array(bytes.length).fill(0xff);
    for (const file of t.meta.files) {
      if (!file.padding) continue;
      const from = Math.max(file.offset, piece * pieceLength);
      const to = Math.min(file.offset + file.length, piece * pieceLength + bytes.length);
      if (to > from) out.fill(0, from - piece * pieceLength, to - piece * pieceLength);
    }
    return out;
  });
}
