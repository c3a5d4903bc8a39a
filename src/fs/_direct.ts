/**
 * Writes that bypass the page cache (`O_DIRECT`), shared by the Deno and
 * Node filesystems: a file's 4096-byte-aligned ranges go straight to the
 * disk through a second descriptor, the rest through the usual buffered one.
 *
 * Buffered writes of a big download cost a copy into freshly allocated page
 * cache for every byte, on a thread the process waits for; direct writes
 * cost a copy into a reused, aligned bounce buffer and a DMA. Where
 * `O_DIRECT` is unknown (macOS, Windows) or refused (some filesystems), or
 * WebAssembly (which provides the aligned memory) is missing, every write
 * stays buffered. The kernel keeps the two descriptors coherent: a buffered
 * read sees what a direct write wrote, and `fsync` on either descriptor
 * covers the inode, so durability is as with buffered writes alone.
 *
 * @module
 */

import { constants } from "node:fs";
import { type FileHandle as NodeHandle, open } from "node:fs/promises";

/** Alignment of position, length and memory that direct I/O needs (the largest logical block size in use). */
export const DIRECT_ALIGNMENT = 4096;

/** Bytes per direct write: one bounce buffer. */
const CHUNK = 1 << 20;
/** Bounce buffers shared by every direct writer of the process. */
const SLOTS = 4;
/** WebAssembly page size. */
const WASM_PAGE = 1 << 16;

/** The part of a node `FileHandle` a direct writer uses. */
export type DirectHandle = Pick<NodeHandle, "write" | "close">;

/** Writes through the page cache: the fallback for what direct I/O cannot take. */
export type BufferedWrite = (data: Uint8Array, position: number) => Promise<void>;

/**
 * Writes a file's aligned ranges with `O_DIRECT`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { DirectWriter } from "./_direct.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const file = await Deno.open(`${dir}/a.bin`, { read: true, write: true, create: true });
 * const buffered = async (data: Uint8Array, position: number) => {
 *   await file.seek(position, Deno.SeekMode.Start);
 *   await file.write(data); // short writes aside, for brevity
 * };
 * const direct = await DirectWriter.open(`${dir}/a.bin`); // null where unsupported
 * const data = new Uint8Array(8192 + 10).fill(7);
 * if (direct) await direct.write(data, 0, buffered); // 8192 bytes direct, 10 buffered
 * else await buffered(data, 0);
 * deepStrictEqual(await Deno.readFile(`${dir}/a.bin`), data);
 * await direct?.close();
 * file.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class DirectWriter {
  #handle: DirectHandle;
  /** Cleared when the filesystem refuses a direct write: the rest go buffered. */
  #usable = true;

  /**
   * Wraps a handle opened with `O_DIRECT`.
   *
   * @param handle The handle; closed by {@link DirectWriter.close}.
   */
  constructor(handle: DirectHandle) {
    this.#handle = handle;
  }

  /**
   * Opens an existing file for direct writes.
   *
   * @param path The file, already opened (and created) for buffered writes.
   * @returns A writer, or `null` when this platform, filesystem or runtime offers no direct I/O.
   */
  static async open(path: string): Promise<DirectWriter | null> {
    if (constants.O_DIRECT === undefined || !bounceBuffers()) return null;
    try {
      return new DirectWriter(await open(path, constants.O_RDWR | constants.O_DIRECT));
    } catch {
      return null; // refused (EINVAL on filesystems without direct I/O): buffered writes still work
    }
  }

  /**
   * Writes all of `data` at `position`: the aligned middle directly, the
   * unaligned head and tail (and everything, once the filesystem has
   * refused a direct write) through `buffered`.
   */
  async write(data: Uint8Array, position: number, buffered: BufferedWrite): Promise<void> {
    const head = Math.min(
      data.length,
      (DIRECT_ALIGNMENT - position % DIRECT_ALIGNMENT) % DIRECT_ALIGNMENT,
    );
    const end = head + Math.floor((data.length - head) / DIRECT_ALIGNMENT) * DIRECT_ALIGNMENT;
    if (head > 0) await buffered(data.subarray(0, head), position);
    let done = head;
    while (done < end && this.#usable) {
      const length = Math.min(CHUNK, end - done);
      if (await this.#writeChunk(data.subarray(done, done + length), position + done)) {
        done += length;
      }
    }
    if (done < data.length) await buffered(data.subarray(done), position + done);
  }

  /** Closes the direct descriptor. */
  close(): Promise<void> {
    return this.#handle.close();
  }

  /**
   * Writes one aligned chunk through a bounce buffer.
   *
   * @returns False when the filesystem refused it (and direct writes are now off).
   */
  async #writeChunk(chunk: Uint8Array, position: number): Promise<boolean> {
    const pool = bounceBuffers()!;
    const buffer = await pool.take();
    try {
      const bounce = buffer.subarray(0, chunk.length);
      bounce.set(chunk);
      for (let done = 0; done < bounce.length;) {
        const { bytesWritten } = await this.#handle.write(
          bounce,
          done,
          bounce.length - done,
          position + done,
        );
        // After a short write that is not aligned, the next one fails with
        // EINVAL and the whole chunk is written again, buffered.
        done += bytesWritten;
      }
      return true;
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code !== "EINVAL") throw error;
      this.#usable = false;
      return false;
    } finally {
      pool.give(buffer);
    }
  }
}

/** A fixed set of page-aligned buffers lent out one writer at a time. */
class BouncePool {
  #free: Uint8Array[];
  #waiting: ((buffer: Uint8Array) => void)[] = [];

  constructor(memory: ArrayBufferLike) {
    this.#free = Array.from({ length: SLOTS }, (_, i) => new Uint8Array(memory, i * CHUNK, CHUNK));
  }

  take(): Promise<Uint8Array> {
    const buffer = this.#free.pop();
    return buffer ? Promise.resolve(buffer) : new Promise((resolve) => this.#waiting.push(resolve));
  }

  give(buffer: Uint8Array): void {
    const next = this.#waiting.shift();
    if (next) next(buffer);
    else this.#free.push(buffer);
  }
}

let pool: BouncePool | null | undefined;

/**
 * The process's bounce buffers, made at first use: WebAssembly memory is
 * page-aligned (ordinary `ArrayBuffer`s are not), and never grown here, so
 * views of it stay valid. `null` without WebAssembly.
 */
function bounceBuffers(): BouncePool | null {
  if (pool !== undefined) return pool;
  try {
    const pages = (SLOTS * CHUNK) / WASM_PAGE;
    pool = new BouncePool(new WebAssembly.Memory({ initial: pages, maximum: pages }).buffer);
  } catch {
    pool = null;
  }
  return pool;
}
