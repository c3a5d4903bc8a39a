import assert from "node:assert/strict";
import { Choker, type ChokerPeer } from "../../src/swarm/choker.ts";
import { seededRandom } from "../../src/swarm/random.ts";

function peer(
  name: string,
  downloadRate: number,
  more: Partial<ChokerPeer<string>> = {},
): ChokerPeer<string> {
  return { peer: name, interested: true, downloadRate, snubbed: false, connectedAt: -1e9, ...more };
}

const EIGHT = ["a", "b", "c", "d", "e", "f", "g", "h"].map((n, i) => peer(n, 1000 * (8 - i)));

Deno.test("choker: leeching unchokes the 4 fastest uploaders plus one optimistic", () => {
  const choker = new Choker<string>({ random: seededRandom(1) });
  const { unchoke, optimistic } = choker.rechoke(EIGHT, 0, false);
  assert.equal(unchoke.size, 5);
  for (const n of ["a", "b", "c", "d"]) assert.ok(unchoke.has(n));
  assert.ok(optimistic !== undefined && ["e", "f", "g", "h"].includes(optimistic));
  assert.ok(unchoke.has(optimistic));
});

Deno.test("choker: slots are configurable", () => {
  const { unchoke } = new Choker<string>({ slots: 2, random: seededRandom(1) }).rechoke(
    EIGHT,
    0,
    false,
  );
  assert.equal(unchoke.size, 3);
  assert.ok(unchoke.has("a") && unchoke.has("b"));
});

Deno.test("choker: uninterested peers are never unchoked, snubbed ones get no regular slot", () => {
  const peers = [
    peer("fast-but-uninterested", 1e9, { interested: false }),
    peer("snubbed", 1e8, { snubbed: true }),
    peer("x", 3),
    peer("y", 2),
  ];
  for (let seed = 1; seed <= 20; seed++) {
    const choker = new Choker<string>({ slots: 1, random: seededRandom(seed) });
    const { unchoke, optimistic } = choker.rechoke(peers, 0, false);
    assert.ok(!unchoke.has("fast-but-uninterested"));
    assert.ok(unchoke.has("x"), "the fastest non-snubbed peer");
    const regular = [...unchoke].filter((p) => p !== optimistic);
    assert.deepEqual(regular, ["x"]);
  }
  const none = new Choker<string>().rechoke([peer("u", 9, { interested: false })], 0, false);
  assert.equal(none.unchoke.size, 0);
  assert.equal(none.optimistic, undefined);
});

Deno.test("choker: the optimistic unchoke holds for 30 s, then rotates", () => {
  const choker = new Choker<string>({ random: seededRandom(7) });
  const first = choker.rechoke(EIGHT, 0, false).optimistic;
  assert.equal(choker.rechoke(EIGHT, 10_000, false).optimistic, first);
  assert.equal(choker.rechoke(EIGHT, 20_000, false).optimistic, first);
  const second = choker.rechoke(EIGHT, 30_000, false).optimistic;
  assert.notEqual(second, first);
  const seen = new Set<string>();
  for (let t = 0; t < 3_000_000; t += 10_000) {
    const { optimistic } = choker.rechoke(EIGHT, t, false);
    if (optimistic) seen.add(optimistic);
  }
  assert.deepEqual([...seen].sort(), ["e", "f", "g", "h"], "every choked peer gets a turn");
});

Deno.test("choker: an optimistic peer that earns a regular slot is replaced at once", () => {
  const choker = new Choker<string>({ slots: 1, random: seededRandom(3) });
  const peers = [peer("a", 100), peer("b", 0), peer("c", 0)];
  const { optimistic } = choker.rechoke(peers, 0, false);
  assert.ok(optimistic === "b" || optimistic === "c");
  const faster = peers.map((p) => p.peer === optimistic ? { ...p, downloadRate: 1000 } : p);
  const next = choker.rechoke(faster, 10_000, false);
  assert.ok(next.unchoke.has(optimistic));
  assert.notEqual(next.optimistic, optimistic);
  assert.ok(next.optimistic !== undefined);
});

Deno.test("choker: newly connected peers are three times as likely to be optimistic", () => {
  let fresh = 0;
  const trials = 600;
  for (let seed = 1; seed <= trials; seed++) {
    const choker = new Choker<string>({ slots: 0, random: seededRandom(seed) });
    const now = 1_000_000;
    const { optimistic } = choker.rechoke(
      [
        peer("old", 0, { connectedAt: 0 }),
        peer("new", 0, { connectedAt: now - 5000 }),
      ],
      now,
      false,
    );
    if (optimistic === "new") fresh++;
  }
  const share = fresh / trials;
  assert.ok(share > 0.68 && share < 0.82, `new peer chosen ${share}`);
});

Deno.test("choker: seeding rotates slots round robin, 60 s each", () => {
  const choker = new Choker<string>({ slots: 2, random: seededRandom(5) });
  const peers = ["a", "b", "c", "d", "e", "f"].map((n) => peer(n, 0));
  const turns = new Map<string, number>();
  let previous = new Set<string>();
  const holds: number[] = [];
  let heldSince = 0;
  for (let t = 0; t < 600_000; t += 10_000) {
    const { unchoke, optimistic } = choker.rechoke(peers, t, true);
    const regular = new Set([...unchoke].filter((p) => p !== optimistic));
    assert.equal(regular.size, 2);
    for (const p of regular) turns.set(p, (turns.get(p) ?? 0) + 1);
    if ([...regular].some((p) => !previous.has(p)) && t > 0) {
      holds.push(t - heldSince);
      heldSince = t;
    }
    previous = regular;
  }
  assert.equal(turns.size, 6, "every interested peer gets a slot");
  const counts = [...turns.values()];
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 6, `fair shares: ${counts}`);
  assert.ok(holds.every((h) => h >= 60_000), `slots held ${holds}`);
});

Deno.test("choker: seeding ignores download rates", () => {
  const choker = new Choker<string>({ slots: 1, random: seededRandom(2) });
  const peers = [peer("rich", 1e9), peer("poor", 0)];
  const regulars = new Set<string>();
  for (let t = 0; t < 300_000; t += 10_000) {
    const { unchoke, optimistic } = choker.rechoke(peers, t, true);
    for (const p of unchoke) if (p !== optimistic) regulars.add(p);
  }
  assert.deepEqual([...regulars].sort(), ["poor", "rich"]);
});
