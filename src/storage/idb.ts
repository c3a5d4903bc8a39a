/**
 * A storage that keeps pieces in the browser's IndexedDB through
 * `npm:idb-keyval`: each piece is one value, and the set of complete pieces
 * another, so a page that adds the same torrent after a reload finds its
 * verified pieces again (checked, not downloaded). Loaded on first use.
 *
 * @module
 */

import { toHex, utf8 } from "../bytes.ts";
import { sha256 } from "../metainfo/hash.ts";
import { MissingDataError } from "./errors.ts";
import { checkRange, fileSpans, layoutKey, pieceSize } from "./layout.ts";
import type { Storage, StorageFactory, StorageLayout } from "./types.ts";

/** How many pieces read last are kept in memory. */
const RECENT_PIECES = 4;

/**
 * Options for {@link idbStorage}.
 *
 * @example
 * ```ts ignore
 * // In a page: IndexedDB is for browsers.
 * import { strictEqual } from "node:assert/strict";
 * import { Client } from "../client.ts";
 * import { idbStorage, type IdbStorageOptions } from "./idb.ts";
 *
 * const options: IdbStorageOptions = { database: "my-downloads" };
 * const client = await Client.create();
 * const bytes = new Uint8Array(await (await fetch("/big.torrent")).arrayBuffer());
 * const torrent = await client.add(bytes, { storage: idbStorage(options) });
 * await torrent.done;
 * strictEqual(torrent.progress, 1);
 * await client.close();
 * ```
 */
export interface IdbStorageOptions {
  /** IndexedDB database name. Default `seed-torrent`. */
  database?: string;
}

type IdbKeyval = typeof import("npm:idb-keyval@^6");
type Store = ReturnType<IdbKeyval["createStore"]>;

let idbKeyval: Promise<IdbKeyval> | undefined;

/**
 * Makes storages in IndexedDB, one key space per torrent (by its layout).
 *
 * @example
 * ```ts ignore
 * // In a page: IndexedDB is for browsers.
 * import { Client } from "../client.ts";
 * import { idbStorage } from "./idb.ts";
 *
 * const client = await Client.create();
 * const bytes = new Uint8Array(await (await fetch("/big.torrent")).arrayBuffer());
 * const torrent = await client.add(bytes, { storage: idbStorage() }); // resumes after a reload
 * await torrent.done;
 * ```
 *
 * @param options The database name.
 * @returns A storage factory (browsers only: it rejects where there is no IndexedDB).
 */
export function idbStorage(options: IdbStorageOptions = {}): StorageFactory {
  return async (layout) => {
    if (!("indexedDB" in globalThis)) throw new Error("This runtime has no IndexedDB");
    idbKeyval ??= import("npm:idb-keyval@^6");
    const idb = await idbKeyval;
    const store = idb.createStore(options.database ?? "seed-torrent", "pieces");
    const digest = await sha256(utf8(layoutKey(layout)));
    return new IdbStorage(layout, idb, store, toHex(digest).slice(0, 32));
  };
}

/** One torrent's pieces in IndexedDB. */
class IdbStorage implements Storage {
  #layout: StorageLayout;
  #idb: IdbKeyval;
  #store: Store;
  #prefix: string;
  #complete: Promise<Set<number>>;
  /** Writes and completion changes, in order: one piece's read-modify-write never races another. */
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  /** The last pieces read: peers ask for a piece block by block, and each read is one whole value. */
  #recent = new Map<number, Uint8Array>();
  /** Counts writes, so that a read that raced one does not keep what it read. */
  #writes = 0;

  constructor(layout: StorageLayout, idb: IdbKeyval, store: Store, prefix: string) {
    this.#layout = layout;
    this.#idb = idb;
    this.#store = store;
    this.#prefix = prefix;
    this.#complete = idb.get<number[]>(`${prefix}:complete`, store).then((list) =>
      new Set(list ?? [])
    );
  }

  async read(piece: number, offset: number, length: number): Promise<Uint8Array> {
    this.#open();
    checkRange(this.#layout, piece, offset, length);
    await this.#queue;
    let data = this.#recent.get(piece);
    if (!data) {
      const writes = this.#writes;
      data = await this.#idb.get<Uint8Array>(this.#key(piece), this.#store);
      if (!data) throw new MissingDataError(piece, "it was never written");
      if (writes === this.#writes) this.#recent.set(piece, data);
      if (this.#recent.size > RECENT_PIECES) this.#recent.delete(this.#recent.keys().next().value!);
    }
    return data.slice(offset, offset + length);
  }

  async write(piece: number, offset: number, data: Uint8Array): Promise<void> {
    this.#open();
    const size = checkRange(this.#layout, piece, offset, data.length);
    const copy = data.slice(); // the caller may reuse its buffer once this resolves
    this.#writes++;
    this.#recent.delete(piece);
    await this.#enqueue(async () => {
      const complete = await this.#complete;
      if (complete.delete(piece)) await this.#saveComplete(complete);
      const spans = fileSpans(this.#layout, piece, offset, copy.length);
      const whole = offset === 0 && copy.length === size &&
        spans.every((span) => !this.#layout.files[span.file]!.padding);
      if (whole) return await this.#idb.set(this.#key(piece), copy, this.#store);
      const stored = (await this.#idb.get<Uint8Array>(this.#key(piece), this.#store)) ??
        new Uint8Array(size);
      for (const span of spans) {
        if (this.#layout.files[span.file]!.padding) continue;
        stored.set(copy.subarray(span.at, span.at + span.length), offset + span.at);
      }
      await this.#idb.set(this.#key(piece), stored, this.#store);
    });
  }

  async markComplete(piece: number, complete: boolean): Promise<void> {
    this.#open();
    pieceSize(this.#layout, piece);
    await this.#enqueue(async () => {
      const set = await this.#complete;
      if (complete === set.has(piece)) return;
      if (complete) set.add(piece);
      else set.delete(piece);
      await this.#saveComplete(set);
    });
  }

  async completed(): Promise<Set<number>> {
    this.#open();
    await this.#queue;
    return new Set(await this.#complete);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
  }

  #key(piece: number): string {
    return `${this.#prefix}:${piece}`;
  }

  #saveComplete(set: Set<number>): Promise<void> {
    return this.#idb.set(`${this.#prefix}:complete`, [...set], this.#store);
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => {});
    return run;
  }

  #open(): void {
    if (this.#closed) throw new Error("Cannot use a closed storage");
  }
}
