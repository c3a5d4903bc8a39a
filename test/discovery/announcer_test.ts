/**
 * The announcer's BEP 12 behaviour with an injected clock and scripted
 * trackers: tier shuffle, fallback and promotion, events, interval and
 * minimum interval, backoff, peer requests and stopping; then the same over
 * real HTTP servers on 127.0.0.1 that fail in every way a tracker can.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Announcer, type AnnouncerOptions } from "../../src/discovery/announcer.ts";
import type { TrackerWarningEvent } from "../../src/discovery/announcer_events.ts";
import { TrackerError } from "../../src/discovery/tracker_error.ts";
import type {
  AnnounceEventName,
  AnnounceRequest,
  AnnounceResponse,
  PeerCandidate,
} from "../../src/discovery/types.ts";
import { FakeClock } from "./_fake_clock.ts";
import { bytesResponse, closedPort, scriptedHttp } from "./_http_server.ts";

/** What a scripted tracker does with one announce. */
type Behaviour = AnnounceResponse | Error | "hang";

/** One announce as a scripted tracker saw it. */
interface Call {
  url: string;
  event: AnnounceEventName | null;
  request: AnnounceRequest;
}

function ok(fields: Partial<AnnounceResponse> = {}): AnnounceResponse {
  return {
    interval: 1800,
    minInterval: null,
    trackerId: null,
    complete: null,
    incomplete: null,
    peers: [],
    warning: null,
    ...fields,
  };
}

const down = () => new TrackerError("x", "network", "down");

/**
 * An announcer over scripted trackers: `trackers[url]` decides each answer
 * (change it between rounds); calls and warnings are recorded.
 */
function setup(
  tiers: string[][],
  trackers: Record<string, Behaviour>,
  options: Partial<AnnouncerOptions> = {},
) {
  const clock = new FakeClock();
  const calls: Call[] = [];
  const warnings: TrackerWarningEvent[] = [];
  let stats = { uploaded: 0, downloaded: 0, left: 100 };
  const announcer = new Announcer({
    infoHash: new Uint8Array(20).fill(1),
    peerId: new Uint8Array(20).fill(2),
    port: 6881,
    trackers: tiers,
    stats: () => stats,
    clock,
    random: () => 0.999, // keep each tier's order
    key: 77,
    announce(url, request, signal) {
      calls.push({ url, event: request.event ?? null, request });
      const behaviour = trackers[url] ?? down();
      if (behaviour === "hang") {
        return new Promise((_, reject) => {
          signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        });
      }
      return behaviour instanceof Error ? Promise.reject(behaviour) : Promise.resolve(behaviour);
    },
    ...options,
  });
  announcer.addEventListener("warning", (e) => warnings.push(e));
  return {
    announcer,
    clock,
    calls,
    warnings,
    setStats(next: typeof stats) {
      stats = next;
    },
    /** The trackers called since the last look, with their events. */
    take(): string[] {
      return calls.splice(0).map((c) => (c.event ? `${c.url}:${c.event}` : c.url));
    },
  };
}

/** Lets announces in flight run to their end (scripted trackers answer at once). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("announcer: each tier is shuffled once; repeated URLs and empty tiers are dropped", () => {
  const tiers = [["a", "b", "c"], [], ["d", "a"]];
  const stats = () => ({ uploaded: 0, downloaded: 0, left: 0 });
  const base = { infoHash: new Uint8Array(20), peerId: new Uint8Array(20), port: 1, stats };
  const reversed = new Announcer({ ...base, trackers: tiers, random: () => 0 });
  assert.deepEqual(reversed.trackers, [["b", "c", "a"], ["d"]]);
  const kept = new Announcer({ ...base, trackers: tiers, random: () => 0.999 });
  assert.deepEqual(kept.trackers, [["a", "b", "c"], ["d"]]);
  assert.deepEqual(tiers, [["a", "b", "c"], [], ["d", "a"]], "the caller's list is not changed");
});

Deno.test("announcer: falls back within a tier, then to the next tier; failures become warnings", async () => {
  const { announcer, take, warnings } = setup([["a", "b"], ["c"]], {
    a: down(),
    b: new TrackerError("b", "failure", "not registered"),
    c: ok({ peers: [{ host: "127.0.0.1", port: 7000 }] }),
  });
  announcer.start();
  await settle();
  assert.deepEqual(take(), ["a:started", "b:started", "c:started"]);
  assert.deepEqual(warnings.map((w) => [w.tracker, w.message]), [["a", "Tracker x: down"], [
    "b",
    "Tracker b: not registered",
  ]]);
  assert.ok(warnings.every((w) => w.error instanceof TrackerError));
  assert.deepEqual(announcer.trackers, [["a", "b"], ["c"]]);
  await announcer.stop();
});

Deno.test("announcer: a tracker that answers moves to the front of its tier; each round starts from the top", async () => {
  const trackers: Record<string, Behaviour> = { a: down(), b: ok(), c: ok() };
  const { announcer, clock, take } = setup([["a", "b"], ["c"]], trackers);
  announcer.start();
  await settle();
  assert.deepEqual(take(), ["a:started", "b:started"]);
  assert.deepEqual(announcer.trackers, [["b", "a"], ["c"]]);

  clock.advance(1_800_000);
  await settle();
  assert.deepEqual(take(), ["b"], "the promoted tracker is asked first, and alone");

  trackers.b = down();
  trackers.a = ok();
  clock.advance(1_800_000);
  await settle();
  assert.deepEqual(take(), ["b", "a:started"], "a tracker reached for the first time gets started");
  assert.deepEqual(announcer.trackers, [["a", "b"], ["c"]]);
  await announcer.stop();
});

Deno.test("announcer: re-announces on the tracker's interval, never sooner than min interval or the floor", async () => {
  const trackers: Record<string, Behaviour> = { t: ok({ interval: 1800 }) };
  const { announcer, clock, take } = setup([["t"]], trackers);
  announcer.start();
  await settle();
  take();
  assert.deepEqual(clock.pending, [1_800_000]);
  clock.advance(1_799_999);
  await settle();
  assert.deepEqual(take(), []);
  trackers.t = ok({ interval: 100, minInterval: 300 });
  clock.advance(1);
  await settle();
  assert.deepEqual(take(), ["t"]);
  assert.deepEqual(clock.pending, [300_000], "min interval wins over a shorter interval");

  trackers.t = ok({ interval: 0 });
  clock.advance(300_000);
  await settle();
  take();
  assert.deepEqual(clock.pending, [60_000], "our floor holds against interval 0");

  trackers.t = ok({ interval: 2 ** 40 });
  clock.advance(60_000);
  await settle();
  take();
  assert.deepEqual(clock.pending, [2 ** 31 - 1], "a huge interval is capped, not overflowed");
  await announcer.stop();
});

Deno.test("announcer: when every tracker fails, retries back off exponentially up to a cap, and reset on success", async () => {
  const trackers: Record<string, Behaviour> = { a: down(), b: down() };
  const { announcer, clock, take } = setup([["a"], ["b"]], trackers, {
    retryMs: 1000,
    maxRetryMs: 5000,
  });
  announcer.start();
  const delays: number[] = [];
  for (let round = 0; round < 5; round++) {
    await settle();
    assert.deepEqual(take(), ["a:started", "b:started"]);
    delays.push(clock.pending[0]!);
    clock.advance(clock.pending[0]!);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 5000, 5000]);
  trackers.b = ok({ interval: 900 });
  await settle();
  take();
  assert.deepEqual(clock.pending, [900_000]);
  trackers.b = down();
  clock.advance(900_000);
  await settle();
  assert.deepEqual(clock.pending, [1000], "the backoff starts again from the first step");
  await announcer.stop();
});

Deno.test("announcer: completed goes out at once, despite min interval, and only once", async () => {
  const { announcer, clock, take } = setup([["t"]], {
    t: ok({ interval: 1800, minInterval: 900 }),
  });
  announcer.start();
  await settle();
  assert.deepEqual(take(), ["t:started"]);
  clock.advance(1000);
  announcer.completed();
  await settle();
  assert.deepEqual(take(), ["t:completed"]);
  assert.deepEqual(clock.pending, [1_800_000]);
  clock.advance(1_800_000);
  await settle();
  assert.deepEqual(take(), ["t"]);
  await announcer.stop();
});

Deno.test("announcer: completed owed during a round goes right after it", async () => {
  const { announcer, take } = setup([["a", "b"]], { a: "hang", b: ok() }, {
    attemptTimeoutMs: 20,
  });
  announcer.start();
  announcer.completed(); // the first round is under way: owed, not sent in parallel
  await new Promise((resolve) => setTimeout(resolve, 60));
  await settle();
  assert.deepEqual(take(), ["a:started", "b:started", "b:completed"]);
  await announcer.stop();
});

Deno.test("announcer: completed during a backoff waits for the retry, after started", async () => {
  const trackers: Record<string, Behaviour> = { t: down() };
  const { announcer, clock, take } = setup([["t"]], trackers, { retryMs: 1000 });
  announcer.start();
  await settle();
  assert.deepEqual(take(), ["t:started"]);
  announcer.completed();
  await settle();
  assert.deepEqual(take(), [], "no announce during the backoff");
  assert.deepEqual(clock.pending, [1000]);
  trackers.t = ok();
  clock.advance(1000);
  await settle();
  assert.deepEqual(take(), ["t:started", "t:completed"]);
  await announcer.stop();
});

Deno.test("announcer: an attempt that takes too long is a warning, and the next tracker is tried", async () => {
  const { announcer, take, warnings } = setup([["slow", "fast"]], { slow: "hang", fast: ok() }, {
    attemptTimeoutMs: 20,
  });
  announcer.start();
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.deepEqual(take(), ["slow:started", "fast:started"]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /slow: no answer within 20 ms/);
  await announcer.stop();
});

Deno.test("announcer: requestPeers brings the next announce forward, but not before min interval", async () => {
  const { announcer, clock, take } = setup([["t"]], {
    t: ok({ interval: 1800, minInterval: 300 }),
  });
  announcer.requestPeers(); // not started: nothing
  announcer.start();
  await settle();
  take();
  clock.advance(100_000);
  announcer.requestPeers();
  assert.deepEqual(clock.pending, [200_000]);
  clock.advance(199_999);
  await settle();
  assert.deepEqual(take(), []);
  clock.advance(1);
  await settle();
  assert.deepEqual(take(), ["t"]);
  clock.advance(400_000);
  announcer.requestPeers();
  assert.deepEqual(clock.pending, [0], "past min interval: at once");
  clock.advance(0);
  await settle();
  assert.deepEqual(take(), ["t"]);
  await announcer.stop();
});

Deno.test("announcer: requests carry the stats, key, numwant and the tracker id given", async () => {
  const trackers: Record<string, Behaviour> = { t: ok({ trackerId: "tid-1" }) };
  const { announcer, clock, calls, setStats } = setup([["t"]], trackers, { numWant: 33 });
  announcer.start();
  await settle();
  setStats({ uploaded: 10, downloaded: 20, left: 30 });
  trackers.t = ok();
  clock.advance(1_800_000);
  await settle();
  const [first, second] = calls;
  assert.equal(first!.request.trackerId, undefined);
  assert.deepEqual(
    { ...second!.request, infoHash: null, peerId: null },
    {
      infoHash: null,
      peerId: null,
      port: 6881,
      uploaded: 10,
      downloaded: 20,
      left: 30,
      numWant: 33,
      key: 77,
      trackerId: "tid-1",
    },
  );
  assert.deepEqual(first!.request.infoHash, new Uint8Array(20).fill(1));
  await announcer.stop();
});

Deno.test("announcer: a tracker's warning message is a warning event without an error", async () => {
  const { announcer, warnings } = setup([["t"]], { t: ok({ warning: "slow down" }) });
  const announced: (AnnounceEventName | null)[] = [];
  announcer.addEventListener("announce", (e) => announced.push(e.event));
  announcer.start();
  await settle();
  assert.deepEqual(warnings.map((w) => [w.tracker, w.message, w.error]), [[
    "t",
    "slow down",
    null,
  ]]);
  assert.deepEqual(announced, ["started"]);
  await announcer.stop();
});

Deno.test("announcer: stats that throw make a warning, not a crash", async () => {
  const { announcer, warnings, calls } = setup([["t"]], { t: ok() }, {
    stats: () => {
      throw new Error("storage gone");
    },
  });
  announcer.start();
  await settle();
  assert.equal(calls.length, 0);
  assert.deepEqual(warnings.map((w) => w.message), ["storage gone"]);
  await announcer.stop();
});

Deno.test("announcer: peers stream out as candidates; a slow reader keeps the newest", async () => {
  const peers = [1, 2, 3, 4, 5].map((i) => ({ host: `127.0.0.${i}`, port: 6000 + i }));
  const { announcer } = setup([["t"]], { t: ok({ peers }) }, { maxQueuedPeers: 2 });
  announcer.start();
  await settle();
  const stopping = announcer.stop();
  const got: PeerCandidate[] = [];
  for await (const candidate of announcer) got.push(candidate);
  await stopping;
  assert.deepEqual(got, [
    { address: peers[3], source: "tracker", via: "t" },
    { address: peers[4], source: "tracker", via: "t" },
  ]);
});

Deno.test("announcer: stop sends stopped to every tracker reached, bounded by stopTimeoutMs", async () => {
  const trackers: Record<string, Behaviour> = { a: ok(), b: down(), c: ok() };
  const { announcer, clock, take, warnings } = setup([["a", "b"], ["c"]], trackers, {
    stopTimeoutMs: 30,
  });
  announcer.start();
  await settle();
  trackers.a = down();
  clock.advance(1_800_000);
  await settle();
  assert.deepEqual(take(), ["a:started", "a", "b:started", "c:started"]);
  trackers.a = "hang";
  warnings.length = 0;
  const started = Date.now();
  await announcer.stop();
  const took = Date.now() - started;
  assert.deepEqual(take().sort(), ["a:stopped", "c:stopped"]);
  assert.ok(took >= 25 && took < 2000, `stop took ${took} ms`);
  assert.deepEqual(warnings.map((w) => w.tracker), ["a"]);
  assert.deepEqual(clock.pending, [], "no timer left behind");
  announcer.start();
  await settle();
  assert.deepEqual(take(), [], "a stopped announcer stays stopped");
});

Deno.test("announcer: stop cancels an announce under way and sends nothing to trackers never reached", async () => {
  const { announcer, take, warnings } = setup([["t"]], { t: "hang" });
  announcer.start();
  await settle();
  await announcer.stop();
  assert.deepEqual(take(), ["t:started"]);
  assert.deepEqual(warnings, []);
  const iterator = announcer[Symbol.asyncIterator]();
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });
});

Deno.test("announcer: over real HTTP, refused, refusing, garbage and silent trackers are warnings", async () => {
  const working = scriptedHttp(() =>
    bytesResponse("d8:intervali1800e5:peers6:\x7f\x00\x00\x01\x1b\x58e")
  );
  const refusing = scriptedHttp(() => bytesResponse("d14:failure reason7:privatee"));
  const garbage = scriptedHttp(() => bytesResponse("<html>"));
  const silent = scriptedHttp(async (_, self) => {
    await self.hang;
    return bytesResponse("");
  });
  const refused = `http://127.0.0.1:${closedPort()}/announce`;
  const clock = new FakeClock();
  const announcer = new Announcer({
    infoHash: new Uint8Array(20),
    peerId: new Uint8Array(20),
    port: 6881,
    trackers: [[refused, refusing.url(), garbage.url()], [silent.url(), working.url()]],
    stats: () => ({ uploaded: 0, downloaded: 0, left: 1 }),
    clock,
    random: () => 0.999,
    // Long enough for a refused connection on a loaded machine; the silent tracker costs this much.
    limits: { trackerTimeoutMs: 500 },
    stopTimeoutMs: 500,
  });
  const warnings: TrackerWarningEvent[] = [];
  announcer.addEventListener("warning", (e) => warnings.push(e));
  try {
    announcer.start();
    for await (const candidate of announcer) {
      assert.deepEqual(candidate, {
        address: { host: "127.0.0.1", port: 7000 },
        source: "tracker",
        via: working.url(),
      });
      break;
    }
    assert.deepEqual(
      warnings.map((w) => [w.tracker, (w.error as TrackerError).kind]),
      [
        [refused, "network"],
        [refusing.url(), "failure"],
        [garbage.url(), "malformed"],
        [silent.url(), "timeout"],
      ],
    );
    assert.deepEqual(clock.pending, [1_800_000]);
    await announcer.stop();
    assert.match(working.requests.at(-1)!, /event=stopped/);
    assert.equal(refusing.requests.length, 1, "only trackers that answered get stopped");
  } finally {
    await announcer.stop();
    await Promise.all([working, refusing, garbage, silent].map((s) => s.close()));
  }
});
