/**
 * The transport contract as tests, run against every transport (memory,
 * TCP, uTP, WebRTC): bytes arrive intact in both directions, senders are
 * held back when receivers do not read, closing and aborting behave as
 * `transports/mod.ts` says, and listeners hand out connections until closed.
 *
 * Nothing here knows which transport it tests; a test file calls
 * {@link transportConformance} once per transport.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Conn, Listener, PeerAddress, Transport } from "../../transports/mod.ts";

/** What a test needs: a transport, the host its listeners bind and dial, and how to tidy up. */
export interface TransportFixture {
  /** The transport under test; it both listens and dials. */
  transport: Transport;
  /** The host to listen on and dial, such as `127.0.0.1`. */
  host: string;
  /** Called after each test, whether it passed or not. */
  cleanup?: () => Promise<void>;
  /**
   * For a transport with no receive flow control (a WebRTC data channel):
   * the most unread bytes a receiver holds before it drops the sender. Its
   * senders are held back by the channel's own buffer only, so the large
   * transfer reads as it goes, and a receiver that reads nothing must drop
   * the connection near this bound instead of holding ever more.
   */
  unreadBound?: number;
}

/** Every wait in the suite is bounded, so a broken transport fails instead of hanging. */
const TIMEOUT_MS = 10_000;
/** Write size for the large transfers. */
const CHUNK = 64 * 1024;
/** Bytes sent each way in the large transfer. */
const BIG = 64 * 1024 * 1024;
/** Most bytes a sender may get accepted while its receiver reads nothing (TCP buffers a few MiB). */
const MAX_BUFFERED = 24 * 1024 * 1024;
/** A sender whose accepted byte count has not moved for this long is held back. */
const STALL_MS = 300;

/**
 * Registers the transport conformance tests with `Deno.test`.
 *
 * @param name Names the transport in each test's title.
 * @param make Makes a fresh fixture for each test.
 *
 * @example
 * ```ts ignore
 * import { transportConformance } from "./transport_suite.ts";
 * import { MemoryNetwork } from "../../transports/memory.ts";
 * transportConformance("memory", () =>
 *   Promise.resolve({ transport: new MemoryNetwork().transport(), host: "127.0.0.1" }));
 * ```
 */
export function transportConformance(name: string, make: () => Promise<TransportFixture>): void {
  const test = (title: string, fn: (t: Harness) => Promise<void>) =>
    Deno.test(`${name}: ${title}`, async () => {
      const fixture = await make();
      const harness = new Harness(fixture);
      try {
        await fn(harness);
      } finally {
        harness.closeAll();
        await fixture.cleanup?.();
      }
    });

  test("listen binds a real port that dial reaches", async (t) => {
    const listener = await t.listen();
    assert.equal(listener.address.host, t.host);
    assert.ok(isPort(listener.address.port), `port ${listener.address.port}`);
    const [dialled, accepted] = await t.pair(listener);
    assert.equal(dialled.transport, t.transport.name);
    assert.equal(accepted.transport, t.transport.name);
  });

  test("remoteAddress names the other end", async (t) => {
    const listener = await t.listen();
    const [dialled, accepted] = await t.pair(listener);
    if (t.transport.name === "webrtc") {
      return; // A WebRTC peer may not know the other's address (transports/mod.ts).
    }
    assert.deepEqual(dialled.remoteAddress, { host: t.host, port: listener.address.port });
    assert.equal(accepted.remoteAddress?.host, t.host);
    assert.ok(isPort(accepted.remoteAddress.port), `port ${accepted.remoteAddress.port}`);
  });

  test("one byte each way", async (t) => {
    const [a, b] = await t.pair(await t.listen());
    await Promise.all([write(a, [new Uint8Array([0xa5])]), write(b, [new Uint8Array([0x00])])]);
    assert.deepEqual(await readExactly(b, 1), new Uint8Array([0xa5]));
    assert.deepEqual(await readExactly(a, 1), new Uint8Array([0x00]));
  });

  test("16 KiB messages both ways arrive byte-identical and in order", async (t) => {
    const [a, b] = await t.pair(await t.listen());
    const messages = (seed: number) =>
      Array.from({ length: 32 }, (_, i) => pattern((seed + i) * 16_411, 16 * 1024));
    const [toB, toA] = [messages(1), messages(1000)];
    const [atB, atA] = await Promise.all([
      readExactly(b, 32 * 16 * 1024),
      readExactly(a, 32 * 16 * 1024),
      write(a, toB),
      write(b, toA),
    ]);
    assertSameBytes(atB, concat(toB), "dialler to acceptor");
    assertSameBytes(atA, concat(toA), "acceptor to dialler");
  });

  test("64 MiB both ways at once, senders held back while receivers do not read", async (t) => {
    const [a, b] = await t.pair(await t.listen());
    if (t.unreadBound !== undefined) {
      const [ab, ba] = [new Pump(a, BIG, 0), new Pump(b, BIG, 7 * CHUNK + 3)];
      await within(
        Promise.all([ab.done, ba.done, verify(b, BIG, 0), verify(a, BIG, 7 * CHUNK + 3)]),
        "64 MiB each way, read as it comes",
        6 * TIMEOUT_MS,
      );
      const [c, d] = await t.pair(await t.listen());
      const idle = new Pump(c, 4 * BIG, 0);
      await within(d.closed, "the receiver that reads nothing dropping the sender");
      await rejection(idle.done, "writes to a receiver that dropped the connection");
      const overrun = await rejection(d.readable.getReader().read(), "a read after the overrun");
      assert.ok(overrun instanceof Error);
      assert.ok(
        idle.sent <= t.unreadBound + MAX_BUFFERED,
        `${idle.sent} bytes accepted, bound ${t.unreadBound}`,
      );
      return;
    }
    const ab = new Pump(a, BIG, 0);
    const ba = new Pump(b, BIG, 7 * CHUNK + 3);
    const stalled = await Promise.all([ab.stalled(), ba.stalled()]);
    for (const [pump, sent] of [[ab, stalled[0]], [ba, stalled[1]]] as const) {
      assert.ok(sent <= MAX_BUFFERED, `${sent} bytes accepted with no reader: not held back`);
      assert.ok((pump.desiredSize ?? 0) <= 0, `desiredSize ${pump.desiredSize} while held back`);
    }
    await within(
      Promise.all([ab.done, ba.done, verify(b, BIG, 0), verify(a, BIG, 7 * CHUNK + 3)]),
      "64 MiB each way",
      6 * TIMEOUT_MS,
    );
  });

  test("50 concurrent connections to one listener", async (t) => {
    const listener = await t.listen();
    const incoming = t.incoming(listener);
    const count = 50;
    const served = Promise.all(Array.from({ length: count }, async () => {
      const next = await within(incoming.next(), "accept");
      assert.equal(next.done, false);
      const conn = t.track(next.value);
      await write(conn, [await readExactly(conn, 4 + 1000)]);
    }));
    const dialled = Promise.all(Array.from({ length: count }, async (_, i) => {
      const conn = await t.dial(listener);
      const message = concat([new Uint32Array([i]), pattern(i * 1000, 1000)]);
      await write(conn, [message]);
      assertSameBytes(await readExactly(conn, message.length), message, `connection ${i}`);
    }));
    await Promise.all([served, dialled]);
  });

  for (const side of ["dialler", "acceptor"] as const) {
    test(`the ${side} closing delivers what it wrote, then ends the other's readable`, async (t) => {
      const pair = await t.pair(await t.listen());
      const [closer, other] = side === "dialler" ? pair : [pair[1], pair[0]];
      const sent = [pattern(5, 16 * 1024), new Uint8Array([1]), pattern(9, 40_000)];
      const writer = closer.writable.getWriter();
      for (const chunk of sent) await within(writer.write(chunk), "write");
      closer.close();
      assertSameBytes(await readAll(other), concat(sent), "bytes before the close");
      await within(closer.closed, "closed on the closing side");
      await within(other.closed, "closed on the other side");
    });
  }

  test("closed settles when the peer closes, even with nobody reading", async (t) => {
    const [a, b] = await t.pair(await t.listen());
    a.close();
    await within(a.closed, "closed on the closing side");
    await within(b.closed, "closed on the idle side");
  });

  test("close() twice, and while a read and a writer are pending", async (t) => {
    const [a, b] = await t.pair(await t.listen());
    const reader = a.readable.getReader();
    const writer = a.writable.getWriter();
    const pending = reader.read();
    a.close();
    a.close();
    assert.deepEqual(await within(pending, "pending read"), { done: true, value: undefined });
    await within(a.closed, "closed");
    await rejection(writer.write(new Uint8Array([1])), "a write after close()");
    assert.equal((await readAll(b)).length, 0);
  });

  test("writes after a close reject, on both sides", async (t) => {
    const [a, b] = await t.pair(await t.listen());
    a.close();
    await rejection(a.writable.getWriter().write(new Uint8Array([1])), "a write after close()");
    await within(b.closed, "closed on the peer");
    await rejection(
      b.writable.getWriter().write(new Uint8Array([1])),
      "a write after the peer closed",
    );
  });

  test("close() settles a write held back by the peer", async (t) => {
    const [a] = await t.pair(await t.listen());
    const pump = new Pump(a, 4 * BIG, 0);
    await pump.stalled();
    a.close();
    await rejection(pump.done, "the held-back write");
  });

  test("dial to a closed port rejects quickly", async (t) => {
    const listener = await t.listen();
    listener.close();
    const error = await rejection(t.dial(listener), "dial to a closed port");
    assert.ok(error instanceof Error);
    assert.notEqual(error.name, "AbortError");
  });

  test("an aborted dial rejects with AbortError", async (t) => {
    const listener = await t.listen();
    const before = AbortSignal.abort();
    assert.equal(
      errorName(await rejection(t.dial(listener, before), "dial aborted before")),
      "AbortError",
    );
    const during = new AbortController();
    const dialling = t.dial(listener, during.signal);
    during.abort();
    assert.equal(errorName(await rejection(dialling, "dial aborted while dialling")), "AbortError");
  });

  test("a connection that arrives after its dial was aborted is closed", async (t) => {
    const listener = await t.listen();
    const incoming = t.incoming(listener);
    const during = new AbortController();
    const dialling = t.dial(listener, during.signal);
    during.abort();
    assert.equal(errorName(await rejection(dialling, "dial aborted while dialling")), "AbortError");
    // A live connection after it: whatever the listener accepts before it must end unread.
    // (One that the listener takes after the live one goes unchecked.)
    await write(await t.dial(listener), [new Uint8Array([7])]);
    for (let seen = 0;; seen++) {
      const next = await within(incoming.next(), "accept");
      assert.equal(next.done, false);
      const conn = t.track(next.value);
      // A read error (a reset) ends the connection as surely as an end does.
      const reading = conn.readable.getReader().read().catch(() => ({ value: undefined }));
      const first = await within(reading, "the first read");
      if (first.value !== undefined) {
        assert.deepEqual(first.value, new Uint8Array([7]));
        break;
      }
      assert.equal(seen, 0, "more than one connection from one aborted dial");
    }
  });

  test("listener.close() ends the iteration; accepted connections stay open", async (t) => {
    const listener = await t.listen();
    const incoming = t.incoming(listener);
    const [a, b] = await t.pair(listener, incoming);
    const waiting = incoming.next();
    listener.close();
    assert.equal((await within(waiting, "iteration end")).done, true);
    await Promise.all([write(a, [new Uint8Array([1, 2])]), write(b, [new Uint8Array([3])])]);
    assert.deepEqual(await readExactly(b, 2), new Uint8Array([1, 2]));
    assert.deepEqual(await readExactly(a, 1), new Uint8Array([3]));
    await rejection(t.dial(listener), "dial to a closed listener");
  });
}

/** One test's transport, with every connection and listener it opens closed at the end. */
class Harness {
  readonly transport: Transport;
  readonly host: string;
  readonly unreadBound: number | undefined;
  #open: { close(): void }[] = [];

  constructor(fixture: TransportFixture) {
    this.transport = fixture.transport;
    this.host = fixture.host;
    this.unreadBound = fixture.unreadBound;
  }

  async listen(): Promise<Listener> {
    const listening = noSyncThrow(() => this.transport.listen({ host: this.host, port: 0 }));
    return this.track(await listening);
  }

  incoming(listener: Listener): AsyncIterator<Conn> {
    return listener[Symbol.asyncIterator]();
  }

  async dial(listener: Listener, signal?: AbortSignal): Promise<Conn> {
    const address: PeerAddress = { host: this.host, port: listener.address.port };
    return this.track(
      await noSyncThrow(() => this.transport.dial(address, signal ? { signal } : {})),
    );
  }

  /** A dialled connection and the listener's side of it. */
  async pair(listener: Listener, incoming = this.incoming(listener)): Promise<[Conn, Conn]> {
    const [dialled, next] = await within(
      Promise.all([this.dial(listener), incoming.next()]),
      "dial and accept",
    );
    assert.equal(next.done, false);
    return [dialled, this.track(next.value)];
  }

  track<T extends { close(): void }>(resource: T): T {
    this.#open.push(resource);
    return resource;
  }

  closeAll(): void {
    for (const resource of this.#open) resource.close();
  }
}

/**
 * Writes a run of the position-dependent pattern in {@link CHUNK} writes,
 * each as soon as the writer is ready, counting the bytes handed over, so a
 * test can tell when the sender is held back.
 */
class Pump {
  /** Bytes handed to the writer so far. */
  sent = 0;
  /** Settles once the last write has (rejects if a write fails). */
  readonly done: Promise<void>;
  #writer: WritableStreamDefaultWriter<Uint8Array>;

  constructor(conn: Conn, total: number, start: number) {
    this.#writer = conn.writable.getWriter();
    this.done = this.#run(total, start);
    this.done.catch(() => {}); // Awaited by the test later.
  }

  get desiredSize(): number | null {
    return this.#writer.desiredSize;
  }

  async #run(total: number, start: number): Promise<void> {
    let last = Promise.resolve();
    try {
      for (let offset = 0; offset < total; offset += CHUNK) {
        await this.#writer.ready;
        const chunk = pattern(start + offset, Math.min(CHUNK, total - offset));
        last = this.#writer.write(chunk);
        last.catch(() => {}); // Awaited below.
        this.sent += chunk.length;
      }
    } finally {
      // Even when the stream failed, the write in flight must settle.
      await last;
    }
  }

  /** Waits until the sender has handed over nothing for {@link STALL_MS}; returns `sent` then. */
  async stalled(): Promise<number> {
    const deadline = Date.now() + TIMEOUT_MS;
    let last = -1;
    let since = Date.now();
    while (Date.now() < deadline) {
      if (this.sent !== last) [last, since] = [this.sent, Date.now()];
      else if (Date.now() - since >= STALL_MS) return this.sent;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`sender never held back: ${this.sent} bytes taken with no reader`);
  }
}

/** 1 MiB of fixed noise plus an overlap, so any run of the pattern is one subarray. */
const NOISE_PERIOD = (1 << 20) + 7;
const NOISE = (() => {
  const bytes = new Uint8Array(NOISE_PERIOD + 2 * CHUNK);
  let x = 0x9e3779b9;
  for (let i = 0; i < NOISE_PERIOD; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x;
  }
  bytes.copyWithin(NOISE_PERIOD, 0, 2 * CHUNK);
  return bytes;
})();

/** The pattern's bytes from `offset`, for `length` bytes; the period is prime to chunk sizes. */
function pattern(offset: number, length: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let done = 0; done < length;) {
    const at = (offset + done) % NOISE_PERIOD;
    const n = Math.min(length - done, 2 * CHUNK);
    parts.push(NOISE.subarray(at, at + n));
    done += n;
  }
  return parts.length === 1 ? parts[0]! : concat(parts);
}

/** Reads `total` bytes and checks each against the pattern from `start`, as they arrive. */
async function verify(conn: Conn, total: number, start: number): Promise<void> {
  const reader = conn.readable.getReader();
  for (let received = 0; received < total;) {
    const { value, done } = await reader.read();
    assert.ok(!done, `stream ended after ${received} of ${total} bytes`);
    assert.ok(received + value.length <= total, `more than ${total} bytes`);
    assertSameBytes(value, pattern(start + received, value.length), `at byte ${received}`);
    received += value.length;
  }
  reader.releaseLock();
}

async function write(conn: Conn, chunks: Uint8Array[]): Promise<void> {
  const writer = conn.writable.getWriter();
  for (const chunk of chunks) await within(writer.write(chunk), "write");
  writer.releaseLock();
}

/** Reads exactly `length` bytes, which may arrive in any number of chunks. */
async function readExactly(conn: Conn, length: number): Promise<Uint8Array> {
  const reader = conn.readable.getReader();
  const chunks: Uint8Array[] = [];
  for (let got = 0; got < length;) {
    const { value, done } = await within(reader.read(), "read");
    assert.ok(!done, `stream ended after ${got} of ${length} bytes`);
    chunks.push(value);
    got += value.length;
  }
  reader.releaseLock();
  const bytes = concat(chunks);
  assert.equal(bytes.length, length, "more bytes than were sent");
  return bytes;
}

/** Reads until the stream ends. */
async function readAll(conn: Conn): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = conn.readable.getReader();
  for (;;) {
    const { value, done } = await within(reader.read(), "read to the end");
    if (done) return concat(chunks);
    chunks.push(value);
  }
}

function concat(parts: ArrayBufferView[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), offset);
    offset += part.byteLength;
  }
  return bytes;
}

/** Like `assert.deepEqual` for bytes, but fast on megabytes and naming the first difference. */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      assert.fail(`${what}: byte ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

/** Calls a function that returns a promise, failing if it throws instead of rejecting. */
function noSyncThrow<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call();
  } catch (error) {
    assert.fail(`threw instead of returning a rejected promise: ${error}`);
  }
}

function isPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** The reason `promise` rejects with; fails if it resolves or takes longer than the timeout. */
async function rejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  const outcome = await within(
    promise.then(
      () => ({ rejected: false as const }),
      (reason: unknown) => ({ rejected: true as const, reason }),
    ),
    what,
  );
  if (!outcome.rejected) assert.fail(`${what} did not fail`);
  return outcome.reason;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Rejects if `promise` has not settled within `ms`. */
async function within<T>(promise: Promise<T>, what: string, ms = TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
