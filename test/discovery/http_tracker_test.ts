/**
 * The HTTP tracker client against scripted servers on 127.0.0.1: the query
 * it sends, every reply shape it accepts, and every fault it must turn into
 * a `TrackerError` (refusals, garbage, oversized bodies, silence, refused
 * connections). Real opentracker interop is in `opentracker_test.ts`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { BencodeError } from "../../src/errors.ts";
import { announceHttp, scrapeHttp, scrapeUrlOf } from "../../src/discovery/http_tracker.ts";
import { TrackerError, type TrackerErrorKind } from "../../src/discovery/tracker_error.ts";
import type { AnnounceRequest } from "../../src/discovery/types.ts";
import { bytesResponse, closedPort, latin1, scriptedHttp } from "./_http_server.ts";

/** An info hash with bytes that must be escaped and bytes that must not. */
const INFO_HASH = Uint8Array.from([
  0x00,
  0x20,
  0x7e,
  0x41,
  0xff,
  0x25,
  0x26,
  0x2b,
  0x2d,
  0x2e,
  0x5f,
  0x7a,
  0x30,
  0x39,
  0x3d,
  0x3f,
  0x2f,
  0x80,
  0x0a,
  0x5a,
]);
const PEER_ID = latin1("-SD0100-abc~def.ghi_");

const REQUEST: AnnounceRequest = {
  infoHash: INFO_HASH,
  peerId: PEER_ID,
  port: 6881,
  uploaded: 1,
  downloaded: 2,
  left: 3,
};

/** Asserts `promise` rejects with a TrackerError of `kind` whose message matches. */
async function rejectsWith(
  promise: Promise<unknown>,
  kind: TrackerErrorKind,
  message: RegExp,
): Promise<TrackerError> {
  const error = await promise.then(
    () => assert.fail("expected a TrackerError"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TrackerError, `not a TrackerError: ${error}`);
  assert.equal(error.kind, kind, error.message);
  assert.match(error.message, message);
  return error;
}

/** Decodes `%XX` and plain characters of a query value to bytes. */
function percentDecode(value: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === "%") {
      out.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(value.charCodeAt(i));
    }
  }
  return Uint8Array.from(out);
}

Deno.test("http announce: the query percent-encodes raw bytes and carries every parameter", async () => {
  const server = scriptedHttp(() => bytesResponse("d8:intervali60ee"));
  try {
    await announceHttp(`${server.url("/announce")}?passkey=a%2Fb#fragment`, {
      ...REQUEST,
      event: "started",
      numWant: 30,
      key: 0xabcd,
      trackerId: "id x",
      ipv6: "::1",
    });
    const target = server.requests[0]!;
    assert.equal(
      target,
      "/announce?passkey=a%2Fb" +
        "&info_hash=%00%20~A%FF%25%26%2B-._z09%3D%3F%2F%80%0AZ" +
        "&peer_id=-SD0100-abc~def.ghi_" +
        "&port=6881&uploaded=1&downloaded=2&left=3&compact=1" +
        "&event=started&numwant=30&key=0000abcd&trackerid=id%20x&ipv6=%3A%3A1",
    );
    const infoHash = /info_hash=([^&]*)/.exec(target)![1]!;
    assert.deepEqual(percentDecode(infoHash), INFO_HASH);
  } finally {
    await server.close();
  }
});

Deno.test("http announce: leaves out the optional parameters it was not given", async () => {
  const server = scriptedHttp(() => bytesResponse("d8:intervali60ee"));
  try {
    await announceHttp(server.url(), REQUEST);
    const query = server.requests[0]!.split("?")[1]!;
    assert.deepEqual(
      query.split("&").map((p) => p.split("=")[0]),
      ["info_hash", "peer_id", "port", "uploaded", "downloaded", "left", "compact"],
    );
  } finally {
    await server.close();
  }
});

Deno.test("http announce: compact IPv4 and IPv6 peers, counts, intervals, tracker id and warning", async () => {
  const peers = "\x7f\x00\x00\x01\x1a\xe1" + "\x0a\x00\x00\x02\x00\x00" +
    "\xc0\xa8\x01\x02\xff\xff";
  const peers6 = "\x00".repeat(15) + "\x01\x1a\xe2" +
    "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x01\x00\x50" +
    "\x00".repeat(10) + "\xff\xff\x7f\x00\x00\x02\x00\x51";
  const body = `d8:completei5e10:incompletei7e8:intervali1800e12:min intervali900e` +
    `5:peers${peers.length}:${peers}6:peers6${peers6.length}:${peers6}` +
    `10:tracker id3:abc15:warning message11:be careful!e`;
  const server = scriptedHttp(() => bytesResponse(body));
  try {
    const reply = await announceHttp(server.url(), REQUEST);
    assert.deepEqual(reply, {
      interval: 1800,
      minInterval: 900,
      trackerId: "abc",
      complete: 5,
      incomplete: 7,
      peers: [
        { host: "127.0.0.1", port: 6881 },
        // 10.0.0.2 has port 0: not dialable, left out
        { host: "192.168.1.2", port: 65535 },
        { host: "::1", port: 6882 },
        { host: "2001:db8::1:0:0:1", port: 80 },
        { host: "127.0.0.2", port: 81 },
      ],
      warning: "be careful!",
    });
  } finally {
    await server.close();
  }
});

Deno.test("http announce: dictionary peers with IPv4, bracketed IPv6 and host names", async () => {
  const body = "d8:intervali60e5:peersl" +
    "d2:ip9:127.0.0.17:peer id20:AAAAAAAAAAAAAAAAAAAA4:porti6881ee" +
    "d2:ip5:[::1]4:porti6882ee" +
    "d2:ip9:localhost4:porti6883ee" +
    "d2:ip9:127.0.0.34:porti0ee" +
    "ee";
  const server = scriptedHttp(() => bytesResponse(body));
  try {
    const reply = await announceHttp(server.url(), REQUEST);
    assert.deepEqual(reply.peers, [
      { host: "127.0.0.1", port: 6881 },
      { host: "::1", port: 6882 },
      { host: "localhost", port: 6883 },
    ]);
    assert.equal(reply.minInterval, null);
    assert.equal(reply.complete, null);
    assert.equal(reply.trackerId, null);
    assert.equal(reply.warning, null);
  } finally {
    await server.close();
  }
});

Deno.test("http announce: a failure reason is a TrackerError of kind failure, with the reason", async () => {
  const server = scriptedHttp(() => bytesResponse("d14:failure reason22:torrent not registerede"));
  try {
    const error = await rejectsWith(
      announceHttp(`${server.url()}?passkey=secret`, REQUEST),
      "failure",
      /torrent not registered/,
    );
    assert.equal(error.tracker, `${server.url()}?passkey=secret`);
    assert.doesNotMatch(error.message, /secret/);
  } finally {
    await server.close();
  }
});

Deno.test("http announce: an error status is a failure, with the tracker's reason when it gives one", async () => {
  const server = scriptedHttp((target) =>
    target.startsWith("/explained")
      ? bytesResponse("d14:failure reason6:bannede", 403)
      : bytesResponse("<html>Not Found</html>", 404)
  );
  try {
    await rejectsWith(announceHttp(server.url("/explained"), REQUEST), "failure", /: banned$/);
    await rejectsWith(announceHttp(server.url("/announce"), REQUEST), "failure", /HTTP 404/);
  } finally {
    await server.close();
  }
});

Deno.test("http announce: garbage replies are malformed, never a crash", async () => {
  const cases: [string, RegExp][] = [
    ["<html>hello</html>", /not valid bencode/],
    ["", /not valid bencode/],
    ["d8:intervali60e", /not valid bencode/], // truncated dictionary
    ["li1ee", /not a dictionary/],
    ["d8:interval2:60e", /"interval" is not a non-negative integer/],
    ["d8:intervali-5ee", /"interval" is not a non-negative integer/],
    ["d5:peers0:e", /"interval" is missing/],
    ["d8:intervali60e5:peersi5ee", /"peers" is neither a string nor a list/],
    [
      "d8:intervali60e5:peers7:\x7f\x00\x00\x01\x1a\xe1\x00e",
      /"peers" is 7 bytes, not a multiple of 6/,
    ],
    ["d8:intervali60e6:peers617:" + "\x00".repeat(17) + "e", /"peers6" is 17 bytes/],
    ["d8:intervali60e6:peers6i1ee", /"peers6" is not a string/],
    ["d8:intervali60e5:peersli1eee", /"peers" entry is not a dictionary/],
    ["d8:intervali60e5:peersld2:ip9:127.0.0.1eee", /no valid "ip" and "port"/],
    ["d8:intervali60e5:peersld2:ip9:127.0.0.14:porti70000eeee", /no valid "ip" and "port"/],
    ["d8:intervali60e5:peersld2:ip7:a b;c d4:porti1eeee", /no valid "ip" and "port"/],
    ["d8:intervali60e10:tracker idi1ee", /"tracker id" is not a string/],
    ["d8:completele8:intervali60ee", /"complete" is not a non-negative integer/],
    ["d14:failure reasoni1ee", /"failure reason" is not a string/],
  ];
  let body = "";
  const server = scriptedHttp(() => bytesResponse(body));
  try {
    for (const [garbage, message] of cases) {
      body = garbage;
      await rejectsWith(announceHttp(server.url(), REQUEST), "malformed", message);
    }
  } finally {
    await server.close();
  }
});

Deno.test("http announce: the bencode limits apply to replies", async () => {
  const server = scriptedHttp(() => bytesResponse("d8:intervali60e1:xllllleeeeee"));
  try {
    const error = await rejectsWith(
      announceHttp(server.url(), REQUEST, { limits: { maxBencodeDepth: 4 } }),
      "malformed",
      /not valid bencode/,
    );
    assert.ok(error.cause instanceof BencodeError);
    assert.match(error.cause.message, /nesting deeper than 4/);
    const ok = await announceHttp(server.url(), REQUEST, { limits: { maxBencodeDepth: 10 } });
    assert.equal(ok.interval, 60);
  } finally {
    await server.close();
  }
});

Deno.test("http announce: a body over maxTrackerResponseBytes is refused, declared or streamed", async () => {
  let pulled = 0;
  const chunk = new Uint8Array(1024).fill(0x61);
  const server = scriptedHttp((target) => {
    if (target.startsWith("/declared")) return bytesResponse(new Uint8Array(5000));
    // An endless body with no length: only stopping to read can end this request.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(chunk);
      },
    });
    return new Response(endless);
  });
  try {
    const limits = { maxTrackerResponseBytes: 4096 };
    await rejectsWith(
      announceHttp(server.url("/declared"), REQUEST, { limits }),
      "malformed",
      /5000 bytes exceeds the limit of 4096/,
    );
    await rejectsWith(
      announceHttp(server.url("/endless"), REQUEST, { limits }),
      "malformed",
      /exceeds the limit of 4096 bytes/,
    );
    const atError = pulled;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(pulled < atError + 64, `the server kept sending: ${atError} then ${pulled} chunks`);
    // Exactly at the limit is accepted.
    const exact = "d8:intervali60e1:x4072:" + "a".repeat(4072) + "e";
    assert.equal(exact.length, 4096);
    const fits = scriptedHttp(() => bytesResponse(exact));
    try {
      assert.equal((await announceHttp(fits.url(), REQUEST, { limits })).interval, 60);
    } finally {
      await fits.close();
    }
  } finally {
    await server.close();
  }
});

Deno.test("http announce: no answer, or a body that stalls, times out at trackerTimeoutMs", async () => {
  const server = scriptedHttp(async (target, self) => {
    if (target.startsWith("/silent")) {
      await self.hang;
      return bytesResponse("d8:intervali60ee");
    }
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(latin1("d8:interval"));
      },
      async pull() {
        await self.hang;
      },
    });
    return new Response(stalled);
  });
  try {
    const limits = { trackerTimeoutMs: 50 };
    for (const path of ["/silent", "/stalled"]) {
      const started = Date.now();
      await rejectsWith(
        announceHttp(server.url(path), REQUEST, { limits }),
        "timeout",
        /no answer within 50 ms/,
      );
      const took = Date.now() - started;
      assert.ok(took >= 45 && took < 2000, `${path} took ${took} ms`);
    }
  } finally {
    await server.close();
  }
});

Deno.test("http announce: the caller's signal aborts with its own reason", async () => {
  const server = scriptedHttp(async (_, self) => {
    await self.hang;
    return bytesResponse("d8:intervali60ee");
  });
  try {
    const controller = new AbortController();
    const reason = new Error("user gave up");
    const pending = announceHttp(server.url(), REQUEST, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 10);
    await assert.rejects(pending, (e) => e === reason);
    await assert.rejects(
      announceHttp(server.url(), REQUEST, { signal: AbortSignal.abort(reason) }),
      (e) => e === reason,
    );
  } finally {
    await server.close();
  }
});

Deno.test("http announce: a server that is down is a network error", async () => {
  await rejectsWith(
    announceHttp(`http://127.0.0.1:${closedPort()}/announce`, REQUEST),
    "network",
    /cannot reach the tracker/,
  );
});

Deno.test("http announce: an invalid request is refused before anything is sent", async () => {
  const server = scriptedHttp(() => bytesResponse("d8:intervali60ee"));
  try {
    await assert.rejects(
      announceHttp(server.url(), { ...REQUEST, infoHash: new Uint8Array(19) }),
      (e) => e instanceof TypeError && /info hash is 19 bytes/.test(e.message),
    );
    await assert.rejects(
      announceHttp(server.url(), { ...REQUEST, peerId: new Uint8Array(21) }),
      TypeError,
    );
    await assert.rejects(announceHttp(server.url(), { ...REQUEST, port: 65536 }), RangeError);
    await assert.rejects(announceHttp(server.url(), { ...REQUEST, left: -1 }), RangeError);
    await assert.rejects(announceHttp(server.url(), { ...REQUEST, key: 2 ** 32 }), RangeError);
    await assert.rejects(announceHttp(server.url(), { ...REQUEST, numWant: 1.5 }), RangeError);
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

Deno.test("http scrape URL: replaces a last path segment starting with announce, else throws", () => {
  assert.equal(scrapeUrlOf("http://t.example/announce"), "http://t.example/scrape");
  assert.equal(scrapeUrlOf("http://t.example/x/announce.php"), "http://t.example/x/scrape.php");
  assert.equal(
    scrapeUrlOf("https://t.example:8443/a/announce?passkey=1"),
    "https://t.example:8443/a/scrape?passkey=1",
  );
  assert.equal(scrapeUrlOf("http://t.example/announce_x"), "http://t.example/scrape_x");
  for (
    const url of [
      "http://t.example/a",
      "http://t.example/announce/",
      "http://t.example/x/Announce",
      "http://t.example/announce/x",
      "http://t.example/",
    ]
  ) {
    assert.throws(
      () => scrapeUrlOf(url),
      (e) => e instanceof TypeError && /announce/.test(e.message),
      url,
    );
  }
  assert.throws(() => scrapeUrlOf("not a url"), TypeError);
});

Deno.test("http scrape: asks for every hash and reads counts by hex hash", async () => {
  const a = new Uint8Array(20).fill(0xaa);
  const b = Uint8Array.from({ length: 20 }, (_, i) => i);
  const body = "d5:filesd" +
    `20:${"\xaa".repeat(20)}d8:completei3e10:downloadedi9e10:incompletei4ee` +
    `20:${String.fromCharCode(...b)}d8:completei1ee` +
    "ee";
  const server = scriptedHttp(() => bytesResponse(body));
  try {
    const counts = await scrapeHttp(`${server.url("/announce.php")}?pk=1`, [a, b]);
    assert.equal(
      server.requests[0],
      "/scrape.php?pk=1&info_hash=%AA%AA%AA%AA%AA%AA%AA%AA%AA%AA%AA%AA%AA%AA%AA%AA%AA%AA%AA%AA" +
        "&info_hash=%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13",
    );
    assert.deepEqual(
      counts,
      new Map([
        ["aa".repeat(20), { complete: 3, incomplete: 4, downloaded: 9 }],
        ["000102030405060708090a0b0c0d0e0f10111213", { complete: 1, incomplete: 0, downloaded: 0 }],
      ]),
    );
  } finally {
    await server.close();
  }
});

Deno.test("http scrape: refusals and garbage are TrackerErrors", async () => {
  let body = "";
  const server = scriptedHttp(() => bytesResponse(body));
  const hash = [new Uint8Array(20)];
  try {
    body = "d14:failure reason11:no scrapinge";
    await rejectsWith(scrapeHttp(server.url(), hash), "failure", /no scraping/);
    body = "d5:fileslee";
    await rejectsWith(scrapeHttp(server.url(), hash), "malformed", /"files" is not a dictionary/);
    body = "d5:filesd3:abcd8:completei1eeee";
    await rejectsWith(scrapeHttp(server.url(), hash), "malformed", /key is 3 bytes, not 20/);
    body = `d5:filesd20:${"a".repeat(20)}i1eee`;
    await rejectsWith(scrapeHttp(server.url(), hash), "malformed", /entry is not a dictionary/);
    body = `d5:filesd20:${"a".repeat(20)}d8:complete1:xeee`;
    await rejectsWith(scrapeHttp(server.url(), hash), "malformed", /"complete" is not/);
    body = "d5:filesdee";
    assert.equal((await scrapeHttp(server.url(), hash)).size, 0);
    await assert.rejects(scrapeHttp(server.url("/a"), hash), TypeError);
    await assert.rejects(scrapeHttp(server.url(), [new Uint8Array(2)]), TypeError);
  } finally {
    await server.close();
  }
});
