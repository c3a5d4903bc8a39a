/**
 * Shared pieces of the fault tests: a torrent on disk to seed, a throttled
 * TCP transport (so a download lasts long enough to break it), a scripted
 * raw TCP peer speaking the wire codec, and small waiting helpers.
 *
 * @module
 */

import assert from "node:assert/strict";
import { concatBytes } from "../../src/bytes.ts";
import { Client, type ClientOptions } from "../../src/client.ts";
import type { Limits } from "../../src/limits.ts";
import { createTorrent } from "../../src/metainfo/create_torrent.ts";
import { parseTorrent } from "../../src/metainfo/parse_torrent.ts";
import type { Metainfo } from "../../src/metainfo/types.ts";
import { fsStorage } from "../../src/storage/fs.ts";
import { verifyPiece } from "../../src/storage/verify.ts";
import type { Torrent } from "../../src/torrent.ts";
import {
  encodeHandshake,
  encodeMessage,
  type Handshake,
  HANDSHAKE_BYTES,
  type HandshakeFlags,
  makePeerId,
  type Message,
  MessageDecoder,
  parseHandshake,
  reservedBytes,
} from "../../src/wire/mod.ts";
import type { Conn, PeerAddress, Transport } from "../../transports/mod.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import { memorySource, pseudoRandomBytes } from "../_data.ts";

/** The only address tests use. */
export const LOOPBACK = "127.0.0.1";

/** Short timeouts so that a stuck test fails in seconds rather than minutes. */
export const TEST_LIMITS: Partial<Limits> = {
  handshakeTimeoutMs: 5_000,
  requestTimeoutMs: 3_000,
  trackerTimeoutMs: 1_000,
};

// ------------------------------------------------------------------ fixture

/** A single-file torrent whose data sits in `seedDir`, ready to seed. */
export interface Fixture {
  /** The file's bytes. */
  data: Uint8Array;
  /** The `.torrent` file. */
  torrent: Uint8Array;
  /** The parsed torrent. */
  meta: Metainfo;
  /** The file name (also the torrent's name). */
  name: string;
  /** A folder holding `<name>`. */
  seedDir: string;
}

/** Options for {@link makeFixture}. */
export interface FixtureOptions {
  /** File size in bytes. */
  length: number;
  /** Piece length (a power of two, at least 16 KiB). */
  pieceLength: number;
  /** Seed of the pseudo-random data (also tells torrents apart). */
  seed: number;
  /** Trackers to write into the torrent (one tier each). */
  announce?: string[];
}

/** Writes a pseudo-random file into a fresh folder and makes a v1 torrent of it. */
export async function makeFixture(options: FixtureOptions): Promise<Fixture> {
  const name = `data-${options.seed}.bin`;
  const data = pseudoRandomBytes(options.length, options.seed);
  const torrent = await createTorrent([memorySource([name], data)], {
    pieceLength: options.pieceLength,
    creationDate: null,
    ...(options.announce ? { announce: options.announce } : {}),
  });
  const meta = await parseTorrent(torrent);
  const seedDir = await Deno.makeTempDir({ prefix: "faults-seed-" });
  await Deno.writeFile(`${seedDir}/${name}`, data);
  return { data, torrent, meta, name, seedDir };
}

/** Removes folders, ignoring ones already gone. */
export async function removeDirs(...dirs: (string | undefined)[]): Promise<void> {
  for (const dir of dirs) {
    if (dir !== undefined) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * Checks a finished download folder: the file is byte for byte the
 * original, every piece on disk verifies, and the storage's completion
 * record lists every piece and nothing that fails its hash.
 */
export async function assertDownloaded(fixture: Fixture, dir: string): Promise<void> {
  const got = await Deno.readFile(`${dir}/${fixture.name}`);
  assert.equal(got.length, fixture.data.length, "file length");
  assert.ok(bytesSame(got, fixture.data), "downloaded bytes differ from the original");
  await assertCompletionHonest(fixture.meta, dir, fixture.meta.pieceCount);
}

/**
 * Opens the folder's storage again and checks that every piece it lists as
 * complete verifies against the torrent (and, when given, how many it lists).
 */
export async function assertCompletionHonest(
  meta: Metainfo,
  dir: string,
  expectCount?: number,
): Promise<Set<number>> {
  const storage = await fsStorage(dir)(meta);
  try {
    const completed = await storage.completed();
    for (const piece of completed) {
      const size = piece === meta.pieceCount - 1
        ? meta.length - piece * meta.pieceLength
        : meta.pieceLength;
      const data = await storage.read(piece, 0, size);
      assert.ok(
        await verifyPiece(meta, piece, data),
        `piece ${piece} is marked complete but fails`,
      );
    }
    if (expectCount !== undefined) assert.equal(completed.size, expectCount, "pieces complete");
    return completed;
  } finally {
    await storage.close();
  }
}

/** Compares bytes without building a diff of megabytes on failure. */
export function bytesSame(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The bytes of one block of the fixture. */
export function blockOf(
  fixture: Fixture,
  index: number,
  begin: number,
  length: number,
): Uint8Array {
  const at = index * fixture.meta.pieceLength + begin;
  return fixture.data.slice(at, at + length);
}

// ----------------------------------------------------------------- clients

/**
 * A client on 127.0.0.1 with a free port and the test limits (plus
 * `limits`). The raw peers here speak plain handshakes only, so it dials
 * plain (encryption `allow`: it still tells MSE from plain when accepting).
 */
export function loopbackClient(
  options: Omit<ClientOptions, "host" | "port"> = {},
): Promise<Client> {
  return Client.create({
    encryption: "allow",
    ...options,
    host: LOOPBACK,
    port: 0,
    limits: { ...TEST_LIMITS, ...options.limits },
  });
}

/** The address of a client on 127.0.0.1. */
export function addressOf(client: Client): PeerAddress {
  return { host: LOOPBACK, port: client.port };
}

/** A `peer` event's detail. */
export interface PeerEvent {
  /** `host:port`. */
  address: string;
  /** True on connect, false on disconnect. */
  connected: boolean;
  /** Why it disconnected. */
  reason?: string;
}

/** Records a torrent's `peer` and `warning` events as they happen. */
export class Recorder {
  /** Every `peer` event, in order. */
  readonly peers: PeerEvent[] = [];
  /** Every `warning` message, in order. */
  readonly warnings: string[] = [];
  /** Every `piece` event's index, in order. */
  readonly pieces: number[] = [];

  /** @param torrent The torrent to listen to. */
  constructor(torrent: Torrent) {
    torrent.addEventListener("peer", (e) => this.peers.push((e as CustomEvent<PeerEvent>).detail));
    torrent.addEventListener("warning", (e) => this.warnings.push((e as CustomEvent).detail));
    torrent.addEventListener("piece", (e) => this.pieces.push((e as CustomEvent<number>).detail));
  }

  /** The events about one address. */
  of(address: string): PeerEvent[] {
    return this.peers.filter((e) => e.address === address);
  }

  /** Waits for a disconnect of `address` and returns it. */
  async disconnect(address: string, timeoutMs = 5_000): Promise<PeerEvent> {
    await waitFor(
      () => this.of(address).some((e) => !e.connected),
      { timeoutMs, what: `a disconnect of ${address} (events: ${JSON.stringify(this.peers)})` },
    );
    return this.of(address).find((e) => !e.connected)!;
  }

  /** Waits for a connect of `address`. */
  async connect(address: string, timeoutMs = 5_000): Promise<void> {
    await waitFor(
      () => this.of(address).some((e) => e.connected),
      { timeoutMs, what: `a connect of ${address} (events: ${JSON.stringify(this.peers)})` },
    );
  }
}

// ------------------------------------------------------------------ timing

/** Sleeps. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; what: string; everyMs?: number },
): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) {
      throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    }
    await sleep(options.everyMs ?? 20);
  }
}

/** Settles like `promise`, or rejects naming `what` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// --------------------------------------------------------------- throttling

/** A rate shared by every connection of a {@link throttledTransport}; change it at any time. */
export interface Throttle {
  /** Bytes per second each connection may send; `Infinity` for no limit. */
  bytesPerSecond: number;
}

const SLICE_BYTES = 16 * 1024;

/**
 * TCP whose connections send at most `throttle.bytesPerSecond` each, so a
 * download on loopback takes seconds rather than milliseconds. Give it to a
 * seeding client as its only transport: it listens with it.
 */
export function throttledTransport(throttle: Throttle): Transport {
  const inner = tcpTransport();
  return {
    name: inner.name,
    async dial(address, options) {
      return throttleConn(await inner.dial(address, options), throttle);
    },
    async listen(options) {
      const listener = await inner.listen(options);
      return {
        address: listener.address,
        close: () => listener.close(),
        async *[Symbol.asyncIterator]() {
          for await (const conn of listener) yield throttleConn(conn, throttle);
        },
      };
    },
  };
}

function throttleConn(conn: Conn, throttle: Throttle): Conn {
  const writer = conn.writable.getWriter();
  const closed = conn.closed.then(() => {}, () => {});
  const writable = new WritableStream<Uint8Array>({
    async write(chunk) {
      for (let at = 0; at < chunk.length; at += SLICE_BYTES) {
        const part = chunk.subarray(at, at + SLICE_BYTES);
        if (Number.isFinite(throttle.bytesPerSecond)) {
          await pause((part.length * 1000) / throttle.bytesPerSecond, closed);
        }
        await writer.write(part);
      }
    },
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  });
  return {
    transport: conn.transport,
    remoteAddress: conn.remoteAddress,
    readable: conn.readable,
    writable,
    close: () => conn.close(),
    closed: conn.closed,
  };
}

/** Waits `ms`, or less if `until` settles first (no timer outlives a closed connection). */
function pause(ms: number, until: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    until.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// ------------------------------------------------------------ scripted peer

/** A raw TCP peer driven by a test: hand-made bytes out, decoded messages in. */
export class RawPeer {
  /** The socket. */
  readonly conn: Deno.TcpConn;
  #decoder = new MessageDecoder({ limits: { maxMessageBytes: 8 * 1024 * 1024 } });
  #messages: Message[] = [];
  #raw: Uint8Array = new Uint8Array(0);
  #ended = false;
  #closed = false;

  /** @param conn A connected socket. */
  constructor(conn: Deno.TcpConn) {
    this.conn = conn;
  }

  /** Dials `host:port`. */
  static async dial(port: number, host = LOOPBACK): Promise<RawPeer> {
    return new RawPeer(await Deno.connect({ hostname: host, port }));
  }

  /** How the other side names us when we dialled it: `127.0.0.1:<our port>`. */
  get key(): string {
    return `${this.conn.localAddr.hostname}:${this.conn.localAddr.port}`;
  }

  /** True once the other side closed (or the socket failed). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Writes bytes; false when the connection is gone. */
  async write(bytes: Uint8Array): Promise<boolean> {
    try {
      let at = 0;
      while (at < bytes.length) at += await this.conn.write(bytes.subarray(at));
      return true;
    } catch {
      return false;
    }
  }

  /** Writes messages in one write. */
  send(...messages: Message[]): Promise<boolean> {
    return this.write(concatBytes(messages.map((m) => encodeMessage(m))));
  }

  /**
   * Runs the BEP 3 handshake: as the dialler (we write first) or as the
   * receiver (we read first). Announces only what `flags` says (default:
   * the fast extension, no BEP 10, so no extension handshake follows).
   *
   * @returns The other side's handshake.
   */
  async handshake(
    infoHash: Uint8Array,
    options: { dialler?: boolean; flags?: Partial<HandshakeFlags>; peerId?: Uint8Array } = {},
  ): Promise<Handshake> {
    const ours = encodeHandshake({
      reserved: reservedBytes(options.flags ?? { fast: true }),
      infoHash,
      peerId: options.peerId ?? makePeerId("-FT0001-"),
    });
    const dialler = options.dialler ?? true;
    if (dialler) await this.write(ours);
    const head = await within(this.readBytes(HANDSHAKE_BYTES), 5_000, "the handshake");
    if (head === null) throw new Error("the connection closed during the handshake");
    if (!dialler) await this.write(ours);
    return parseHandshake(head);
  }

  /** Reads exactly `length` bytes, or `null` when the connection ends first. */
  async readBytes(length: number): Promise<Uint8Array | null> {
    while (this.#raw.length < length) {
      const chunk = await this.#read();
      if (chunk === null) return null;
      this.#raw = concatBytes([this.#raw, chunk]);
    }
    const out = this.#raw.slice(0, length);
    this.#raw = this.#raw.slice(length);
    return out;
  }

  /** The next message (keep-alives included), or `null` once the connection ended. */
  async next(): Promise<Message | null> {
    while (this.#messages.length === 0) {
      let chunk: Uint8Array | null;
      if (this.#raw.length > 0) {
        chunk = this.#raw;
        this.#raw = new Uint8Array(0);
      } else {
        chunk = await this.#read();
      }
      if (chunk === null) return null;
      this.#messages.push(...this.#decoder.push(chunk));
    }
    return this.#messages.shift()!;
  }

  /** Reads messages until one passes `match`; fails after `timeoutMs` or at the end. */
  async expect(match: (m: Message) => boolean, what: string, timeoutMs = 5_000): Promise<Message> {
    return await within(
      (async () => {
        for (let m; (m = await this.next());) if (match(m)) return m;
        throw new Error(`the connection ended before ${what}`);
      })(),
      timeoutMs,
      what,
    );
  }

  /**
   * Reads and drops everything until the other side closes.
   *
   * @returns True when it closed within `timeoutMs`.
   */
  async closedByRemote(timeoutMs: number): Promise<boolean> {
    try {
      await within(
        (async () => {
          while (await this.#read() !== null) { /* drop */ }
        })(),
        timeoutMs,
        "the remote close",
      );
      return true;
    } catch {
      return false;
    }
  }

  /** Closes our end; safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }

  async #read(): Promise<Uint8Array | null> {
    if (this.#ended || this.#closed) return null;
    const buffer = new Uint8Array(64 * 1024);
    try {
      const n = await this.conn.read(buffer);
      if (n === null) {
        this.#ended = true;
        return null;
      }
      return buffer.subarray(0, n);
    } catch {
      this.#ended = true;
      return null;
    }
  }
}

/** A TCP listener handing out {@link RawPeer}s, for peers our client dials. */
export class RawListener {
  /** Every connection accepted, in order. */
  readonly accepted: RawPeer[] = [];
  #listener: Deno.TcpListener;
  #loop: Promise<void>;

  /** @param host The address to listen on. */
  constructor(host = LOOPBACK) {
    this.#listener = Deno.listen({ hostname: host, port: 0 });
    this.#loop = this.#accept();
  }

  /** Where to dial it. */
  get address(): PeerAddress {
    return { host: this.#listener.addr.hostname, port: this.#listener.addr.port };
  }

  /** Connection number `index` (from 0), already accepted or still to come. */
  async next(index: number, timeoutMs = 5_000): Promise<RawPeer> {
    if (this.accepted[index]) return this.accepted[index]!;
    await waitFor(() => this.accepted.length > index, {
      timeoutMs,
      what: `connection ${index + 1} to ${this.address.host}:${this.address.port}`,
      everyMs: 10,
    });
    return this.accepted[index]!;
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    await this.#loop;
    for (const peer of this.accepted) peer.close();
  }

  async #accept(): Promise<void> {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return;
      }
      this.accepted.push(new RawPeer(conn));
    }
  }
}

/** What a scripted seeder does with the n-th request it gets (counting from 0). */
export type Policy = (
  request: { index: number; begin: number; length: number },
  n: number,
) => "serve" | "corrupt" | "ignore" | "close";

/**
 * Plays a seeder on a raw peer whose handshake is done: `have all`,
 * `unchoke`, then answers requests as `policy` says until the connection
 * ends or the policy closes it.
 *
 * @returns Blocks served honestly and corrupted.
 */
export async function playSeeder(
  peer: RawPeer,
  fixture: Fixture,
  policy: Policy,
): Promise<{ served: number; corrupted: number }> {
  let served = 0;
  let corrupted = 0;
  let n = 0;
  await peer.send({ type: "haveAll" }, { type: "unchoke" });
  for (let message; (message = await peer.next());) {
    if (message.type !== "request") continue;
    const action = policy(message, n++);
    if (action === "close") {
      peer.close();
      break;
    }
    if (action === "ignore") continue;
    const block = blockOf(fixture, message.index, message.begin, message.length);
    if (action === "corrupt") {
      block[block.length >> 1]! ^= 0x5a;
      corrupted++;
    } else {
      served++;
    }
    if (!(await peer.send({ type: "piece", index: message.index, begin: message.begin, block }))) {
      break;
    }
  }
  return { served, corrupted };
}
