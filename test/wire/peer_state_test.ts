import assert from "node:assert/strict";
import type { Message } from "../../src/wire/messages.ts";
import { PeerState, type PeerStateOptions } from "../../src/wire/peer_state.ts";
import { WireError, type WireErrorReason } from "../../src/wire/wire_error.ts";

const TORRENT = { pieceCount: 10, pieceLength: 65536, lastPieceLength: 1000 };

function state(options: Partial<PeerStateOptions> = {}): PeerState {
  return new PeerState({ fast: true, extended: true, torrent: TORRENT, ...options });
}

function refuses(s: PeerState, message: Message, reason: WireErrorReason): void {
  assert.throws(() => s.receive(message), (error: unknown) => {
    assert.ok(error instanceof WireError, `${error}`);
    assert.equal(error.reason, reason, JSON.stringify(message));
    return true;
  });
}

Deno.test("choke and interest follow the messages each way", () => {
  const s = state();
  assert.deepEqual([s.amChoking, s.amInterested, s.peerChoking, s.peerInterested], [
    true,
    false,
    true,
    false,
  ]);
  s.receive({ type: "unchoke" });
  s.receive({ type: "interested" });
  s.sent({ type: "unchoke" });
  s.sent({ type: "interested" });
  assert.deepEqual([s.amChoking, s.amInterested, s.peerChoking, s.peerInterested], [
    false,
    true,
    false,
    true,
  ]);
  s.receive({ type: "choke" });
  s.receive({ type: "notInterested" });
  s.sent({ type: "choke" });
  s.sent({ type: "notInterested" });
  assert.deepEqual([s.amChoking, s.amInterested, s.peerChoking, s.peerInterested], [
    true,
    false,
    true,
    false,
  ]);
});

Deno.test("piece indexes at or past the count are bad-index", () => {
  const s = state();
  assert.equal(s.receive({ type: "have", index: 9 }), true);
  refuses(s, { type: "have", index: 10 }, "bad-index");
  refuses(s, { type: "suggest", index: 10 }, "bad-index");
  refuses(s, { type: "allowedFast", index: 0xffffffff }, "bad-index");
  refuses(s, { type: "piece", index: 10, begin: 0, block: new Uint8Array(1) }, "bad-index");
  refuses(s, { type: "cancel", index: 10, begin: 0, length: 1 }, "bad-index");
});

Deno.test("without a torrent shape, indexes are not checked", () => {
  const s = state({ torrent: null });
  assert.equal(s.receive({ type: "have", index: 123456 }), true);
  s.torrent = { pieceCount: 5 };
  refuses(s, { type: "have", index: 5 }, "bad-index");
  s.sent({ type: "unchoke" });
  assert.equal(s.receive({ type: "request", index: 4, begin: 1 << 20, length: 16384 }), true); // no length known
});

Deno.test("requests: size limit, piece bounds, the last piece's own length", () => {
  const s = state();
  s.sent({ type: "unchoke" });
  refuses(s, { type: "request", index: 0, begin: 0, length: 16385 }, "request-too-large");
  refuses(s, { type: "request", index: 0, begin: 65536 - 8192, length: 16384 }, "bad-request");
  refuses(s, { type: "request", index: 9, begin: 0, length: 1001 }, "bad-request");
  refuses(s, { type: "request", index: 0, begin: 0, length: 0 }, "bad-request");
  assert.equal(s.receive({ type: "request", index: 9, begin: 0, length: 1000 }), true);
  assert.equal(s.receive({ type: "request", index: 0, begin: 65536 - 16384, length: 16384 }), true);
  refuses(s, { type: "piece", index: 9, begin: 500, block: new Uint8Array(501) }, "bad-request");
  refuses(s, { type: "reject", index: 1, begin: 65536, length: 1 }, "bad-request");
});

Deno.test("the request queue is capped; serving, rejecting and cancels free places", () => {
  const s = state({ limits: { maxPeerRequests: 3 } });
  s.sent({ type: "unchoke" });
  for (let i = 0; i < 3; i++) s.receive({ type: "request", index: i, begin: 0, length: 16384 });
  assert.equal(s.queuedRequests, 3);
  assert.equal(s.receive({ type: "request", index: 0, begin: 0, length: 16384 }), false); // a repeat
  refuses(s, { type: "request", index: 3, begin: 0, length: 16384 }, "too-many-requests");
  const t = state({ limits: { maxPeerRequests: 3 } });
  t.sent({ type: "unchoke" });
  for (let i = 0; i < 3; i++) t.receive({ type: "request", index: i, begin: 0, length: 16384 });
  t.sent({ type: "piece", index: 0, begin: 0, block: new Uint8Array(16384) });
  t.sent({ type: "reject", index: 1, begin: 0, length: 16384 });
  t.receive({ type: "cancel", index: 2, begin: 0, length: 16384 });
  assert.equal(t.queuedRequests, 0);
  t.sent({ type: "piece", index: 5, begin: 0, block: new Uint8Array(1) }); // never asked: no effect
  assert.equal(t.queuedRequests, 0);
});

Deno.test("without BEP 6, choking drops queued requests and requests while choked are ignored", () => {
  const s = state({ fast: false });
  assert.equal(s.receive({ type: "request", index: 0, begin: 0, length: 16384 }), false);
  assert.equal(s.queuedRequests, 0);
  s.sent({ type: "unchoke" });
  assert.equal(s.receive({ type: "request", index: 0, begin: 0, length: 16384 }), true);
  s.sent({ type: "choke" });
  assert.equal(s.queuedRequests, 0);
});

Deno.test("with BEP 6, requests while choked are delivered and choking keeps them", () => {
  const s = state();
  assert.equal(s.receive({ type: "request", index: 0, begin: 0, length: 16384 }), true);
  s.sent({ type: "choke" });
  assert.equal(s.queuedRequests, 1);
});

Deno.test("bitfields and have all replace each other; have none only comes first", () => {
  for (const first of ["bitfield", "haveAll", "haveNone"] as const) {
    const s = state();
    const message: Message = first === "bitfield"
      ? { type: first, bits: new Uint8Array(2) }
      : { type: first };
    assert.equal(s.receive(message), true);
    refuses(s, { type: "haveNone" }, "duplicate-bitfield");
    // aria2 sends `have none`, then whole bitfields now and then, then `have all`.
    assert.equal(s.receive({ type: "bitfield", bits: new Uint8Array(2) }), true);
    assert.equal(s.receive({ type: "haveAll" }), true);
    refuses(s, { type: "haveNone" }, "duplicate-bitfield");
  }
});

Deno.test("BEP 6 and BEP 10 messages need their extension", () => {
  const s = state({ fast: false, extended: false });
  for (
    const message of [
      { type: "haveAll" },
      { type: "haveNone" },
      { type: "suggest", index: 0 },
      { type: "allowedFast", index: 0 },
      { type: "reject", index: 0, begin: 0, length: 1 },
      { type: "extended", id: 0, payload: new Uint8Array() },
    ] satisfies Message[]
  ) {
    refuses(s, message, "not-negotiated");
  }
  assert.equal(s.receive({ type: "port", port: 6881 }), true);
});

Deno.test("keep-alives are not for the owner", () => {
  assert.equal(state().receive({ type: "keepAlive" }), false);
});
