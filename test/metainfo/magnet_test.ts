import assert from "node:assert/strict";
import { MagnetError } from "../../src/errors.ts";
import { decodeBase32, encodeBase32 } from "../../src/metainfo/base32.ts";
import { formatMagnet, isMagnet, type Magnet, parseMagnet } from "../../src/metainfo/magnet.ts";

const HEX = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a";
const B32 = "YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK"; // Python base64.b32encode
const V2 = "d8dd32ac93357c368556af3ac1d95c9d76bd0dff6fa9833ecdac3d53134efabb";
const XT = `xt=urn:btih:${HEX}`;

function magnet(fields: Partial<Magnet>): Magnet {
  return {
    infoHash: null,
    infoHashV2: null,
    name: null,
    trackers: [],
    webSeeds: [],
    peers: [],
    select: null,
    length: null,
    extra: [],
    ...fields,
  };
}

/** Asserts that parsing throws a MagnetError whose message matches. */
function rejects(uri: string, message: RegExp): void {
  assert.throws(() => parseMagnet(uri), (e: unknown) => {
    assert.ok(e instanceof MagnetError, `not a MagnetError: ${e}`);
    assert.ok(e instanceof SyntaxError);
    assert.match(e.message, /^Cannot parse magnet URI: /);
    assert.match(e.message, message);
    return true;
  });
}

const enc = new TextEncoder();

Deno.test("base32: RFC 4648 test vectors encode and decode", () => {
  const vectors: [string, string][] = [
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ];
  for (const [text, b32] of vectors) {
    assert.equal(encodeBase32(enc.encode(text)), b32);
    assert.deepEqual(decodeBase32(b32), enc.encode(text));
    assert.deepEqual(decodeBase32(b32.toLowerCase()), enc.encode(text));
    const padded = b32 + "=".repeat((8 - (b32.length % 8)) % 8);
    assert.deepEqual(decodeBase32(padded), enc.encode(text));
  }
});

Deno.test("base32: 20-byte vectors round trip", () => {
  const bytes = Uint8Array.from({ length: 20 }, (_, i) => i);
  assert.equal(encodeBase32(bytes), "AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT");
  assert.deepEqual(decodeBase32("AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT"), bytes);
  const hash = Uint8Array.from(HEX.match(/../g)!, (h) => parseInt(h, 16));
  assert.equal(encodeBase32(hash), B32);
  assert.deepEqual(decodeBase32(B32), hash);
  for (let n = 0; n < 64; n++) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n) & 255);
    assert.deepEqual(decodeBase32(encodeBase32(data)), data);
  }
});

Deno.test("base32: rejects bad characters, lengths, padding and bits", () => {
  for (
    const bad of [
      "MZXW6YT1", // 1 is not in the alphabet
      "MZXW6YT0",
      "MZXW6YT8",
      "MZXW6YT!",
      "M", // 5 bits cannot hold a byte
      "MZX",
      "MZXW6Y",
      "MZ", // trailing bits of "f" are not zero
      "MY=", // padding to a length that is not a multiple of 8
      "MY=======", // too much padding
      "MZXW6YTB========", // padding after a full block
      "MY==\u00e9===",
    ]
  ) {
    assert.throws(() => decodeBase32(bad), SyntaxError, bad);
  }
});

Deno.test("isMagnet: judges the scheme in any case", () => {
  assert.equal(isMagnet(`magnet:?${XT}`), true);
  assert.equal(isMagnet("MAGNET:?"), true);
  assert.equal(isMagnet("Magnet:"), true);
  assert.equal(isMagnet(" magnet:?"), false);
  assert.equal(isMagnet("magnet"), false);
  assert.equal(isMagnet("http://example.com/?magnet:"), false);
  assert.equal(isMagnet(""), false);
});

Deno.test("parseMagnet: a minimal v1 magnet", () => {
  assert.deepEqual(parseMagnet(`magnet:?${XT}`), magnet({ infoHash: HEX }));
  assert.deepEqual(
    parseMagnet(`MAGNET:?xt=URN:BTIH:${HEX.toUpperCase()}`),
    magnet({ infoHash: HEX }),
  );
});

Deno.test("parseMagnet: base32 and hex btih give the same infoHash", () => {
  const fromHex = parseMagnet(`magnet:?xt=urn:btih:${HEX}`);
  const fromB32 = parseMagnet(`magnet:?xt=urn:btih:${B32}`);
  const fromLower = parseMagnet(`magnet:?xt=urn:btih:${B32.toLowerCase()}`);
  assert.equal(fromHex.infoHash, HEX);
  assert.equal(fromB32.infoHash, HEX);
  assert.equal(fromLower.infoHash, HEX);
  // the same hash twice, once in each spelling, is not a conflict
  const both = parseMagnet(`magnet:?xt=urn:btih:${HEX}&xt.2=urn:btih:${B32}`);
  assert.equal(both.infoHash, HEX);
  assert.deepEqual(both.extra, []);
});

Deno.test("parseMagnet: a v2 btmh magnet", () => {
  const m = parseMagnet(`magnet:?xt=urn:btmh:1220${V2.toUpperCase()}`);
  assert.deepEqual(m, magnet({ infoHashV2: V2 }));
});

Deno.test("parseMagnet: the bittorrent.org hybrid test magnet, xt in either order", () => {
  const v1 = "631a31dd0a46257d5078c0dee4e66e26f73e42ac";
  const btih = `xt=urn:btih:${v1}`;
  const btmh = `xt=urn:btmh:1220${V2}`;
  const dn = "dn=bittorrent-v1-v2-hybrid-test";
  const want = magnet({
    infoHash: v1,
    infoHashV2: V2,
    name: "bittorrent-v1-v2-hybrid-test",
  });
  assert.deepEqual(parseMagnet(`magnet:?${btih}&${btmh}&${dn}`), want);
  assert.deepEqual(parseMagnet(`magnet:?${btmh}&${dn}&${btih}`), want);
  assert.deepEqual(
    parseMagnet(`magnet:?xt.1=urn:btmh:1220${V2}&xt.2=urn:btih:${v1}&${dn}`),
    want,
  );
  assert.equal(formatMagnet(want), `magnet:?${btih}&${btmh}&${dn}`);
});

Deno.test("parseMagnet: WebTorrent's Sintel magnet", () => {
  const uri = "magnet:?xt=urn:btih:08ada5a7a6183aae1e09d831df6748d566095a10" +
    "&dn=Sintel&tr=udp%3A%2F%2Fexplodie.org%3A6969" +
    "&tr=udp%3A%2F%2Ftracker.coppersurfer.tk%3A6969" +
    "&tr=udp%3A%2F%2Ftracker.empire-js.us%3A1337" +
    "&tr=udp%3A%2F%2Ftracker.leechers-paradise.org%3A6969" +
    "&tr=udp%3A%2F%2Ftracker.opentrackr.org%3A1337" +
    "&tr=wss%3A%2F%2Ftracker.btorrent.xyz" +
    "&tr=wss%3A%2F%2Ftracker.fastcast.nz" +
    "&tr=wss%3A%2F%2Ftracker.openwebtorrent.com" +
    "&ws=https%3A%2F%2Fwebtorrent.io%2Ftorrents%2F" +
    "&xs=https%3A%2F%2Fwebtorrent.io%2Ftorrents%2Fsintel.torrent";
  const m = parseMagnet(uri);
  assert.deepEqual(
    m,
    magnet({
      infoHash: "08ada5a7a6183aae1e09d831df6748d566095a10",
      name: "Sintel",
      trackers: [
        "udp://explodie.org:6969",
        "udp://tracker.coppersurfer.tk:6969",
        "udp://tracker.empire-js.us:1337",
        "udp://tracker.leechers-paradise.org:6969",
        "udp://tracker.opentrackr.org:1337",
        "wss://tracker.btorrent.xyz",
        "wss://tracker.fastcast.nz",
        "wss://tracker.openwebtorrent.com",
      ],
      webSeeds: ["https://webtorrent.io/torrents/"],
      extra: [["xs", "https://webtorrent.io/torrents/sintel.torrent"]],
    }),
  );
  assert.equal(
    formatMagnet(m),
    "magnet:?xt=urn:btih:08ada5a7a6183aae1e09d831df6748d566095a10" +
      "&dn=Sintel&tr=udp://explodie.org:6969" +
      "&tr=udp://tracker.coppersurfer.tk:6969" +
      "&tr=udp://tracker.empire-js.us:1337" +
      "&tr=udp://tracker.leechers-paradise.org:6969" +
      "&tr=udp://tracker.opentrackr.org:1337" +
      "&tr=wss://tracker.btorrent.xyz&tr=wss://tracker.fastcast.nz" +
      "&tr=wss://tracker.openwebtorrent.com" +
      "&ws=https://webtorrent.io/torrents/" +
      "&xs=https://webtorrent.io/torrents/sintel.torrent",
  );
});

Deno.test("parseMagnet: a full magnet with every field and indexed keys", () => {
  const m = parseMagnet(
    `magnet:?kt=a+b&${XT}&tr.1=udp%3A%2F%2Fa%3A1&tr.2=http://b/ann&tr.3=udp://a:1` +
      "&dn=My+File%20%2B%26%3D.mkv&dn=ignored&ws=https://w1/&ws.1=https://w2/" +
      "&x.pe=10.0.0.1:6881&x.pe.1=[::1]:51413&x.pe=peer.local:1&xl=12345" +
      "&so=6,4-5,0&so.1=2&as=http://as/&&tr=&flag",
  );
  assert.deepEqual(
    m,
    magnet({
      infoHash: HEX,
      name: "My File +&=.mkv",
      trackers: ["udp://a:1", "http://b/ann"],
      webSeeds: ["https://w1/", "https://w2/"],
      peers: ["10.0.0.1:6881", "[::1]:51413", "peer.local:1"],
      select: [0, 2, 4, 5, 6],
      length: 12345,
      extra: [["kt", "a b"], ["as", "http://as/"], ["flag", ""]],
    }),
  );
});

Deno.test("parseMagnet: duplicates of tr, ws and x.pe are kept once, in first order", () => {
  const m = parseMagnet(
    `magnet:?${XT}&tr=t2&tr=t1&tr=t2&tr.9=t1&tr=t3` +
      "&ws=w&ws=w&x.pe=1.2.3.4:5&x.pe=1.2.3.4:5&x.pe=1.2.3.4:6",
  );
  assert.deepEqual(m.trackers, ["t2", "t1", "t3"]);
  assert.deepEqual(m.webSeeds, ["w"]);
  assert.deepEqual(m.peers, ["1.2.3.4:5", "1.2.3.4:6"]);
});

Deno.test("parseMagnet: percent-decoding and '+' as a space", () => {
  const m = parseMagnet(
    `magnet:?${XT}&dn=a+b%2Bc%20d%E2%82%AC%F0%9F%98%80&x%2Efoo=%3D%26&%7E=`,
  );
  assert.equal(m.name, "a b+c d\u20ac\u{1f600}");
  assert.deepEqual(m.extra, [["x.foo", "=&"], ["~", ""]]);
  // a value may contain '=': only the first one splits key from value
  assert.equal(parseMagnet(`magnet:?${XT}&dn=a=b==`).name, "a=b==");
  // an encoded key still counts as the known key
  assert.deepEqual(parseMagnet(`magnet:?%78t=urn:btih:${HEX}`).infoHash, HEX);
});

Deno.test("parseMagnet: unknown xt URNs are kept as extra", () => {
  const m = parseMagnet(
    `magnet:?xt=urn:sha1:YNCKHTQCWBTRNJIV4WNAE52SJUQCZO5C&${XT}&xt.2=urn:ed2k:x`,
  );
  assert.equal(m.infoHash, HEX);
  assert.deepEqual(m.extra, [
    ["xt", "urn:sha1:YNCKHTQCWBTRNJIV4WNAE52SJUQCZO5C"],
    ["xt.2", "urn:ed2k:x"],
  ]);
  assert.deepEqual(parseMagnet(formatMagnet(m)), m);
});

Deno.test("parseMagnet: x.pe accepts hosts, IPv4 and bracketed IPv6", () => {
  const good = [
    "127.0.0.1:1",
    "127.0.0.1:65535",
    "localhost:6881",
    "peer-1.example.org.:443",
    "[::1]:6881",
    "[2001:db8::1]:80",
    "[::ffff:127.0.0.1]:8080",
    "[fe80:0:0:0:0:0:0:1]:1234",
  ];
  for (const peer of good) {
    const uri = `magnet:?${XT}&x.pe=${encodeURIComponent(peer)}`;
    assert.deepEqual(parseMagnet(uri).peers, [peer]);
  }
});

Deno.test("parseMagnet: bad x.pe is an error naming x.pe", () => {
  const cases: [string, RegExp][] = [
    ["127.0.0.1", /no port/],
    ["127.0.0.1:0", /port must be 1 to 65535/],
    ["127.0.0.1:65536", /port must be 1 to 65535/],
    ["127.0.0.1:", /port must be 1 to 65535/],
    ["127.0.0.1:http", /port must be 1 to 65535/],
    ["127.0.0.1:-1", /port must be 1 to 65535/],
    ["127.0.0.1:123456", /port must be 1 to 65535/],
    ["::1:6881", /needs \[brackets\]/],
    ["[::1]", /no port/],
    ["[::1]6881", /no port/],
    ["[::1:6881", /malformed \[IPv6\]/],
    ["[zz::1]:6881", /malformed \[IPv6\]/],
    ["[1:2:3:4:5:6:7:8:9]:6881", /malformed \[IPv6\]/],
    ["[127.0.0.1]:6881", /malformed \[IPv6\]/],
    [":6881", /malformed host/],
    ["bad host:6881", /malformed host/],
    ["a..b:6881", /malformed host/],
    ["", /no port/],
  ];
  for (const [peer, why] of cases) {
    rejects(`magnet:?${XT}&x.pe=${encodeURIComponent(peer)}`, /"x\.pe"/);
    rejects(`magnet:?${XT}&x.pe.3=${encodeURIComponent(peer)}`, /"x\.pe\.3"/);
    rejects(`magnet:?${XT}&x.pe=${encodeURIComponent(peer)}`, why);
  }
});

Deno.test("parseMagnet: so is expanded, sorted and de-duplicated", () => {
  const so = (value: string) => parseMagnet(`magnet:?${XT}&so=${value}`).select;
  assert.deepEqual(so("0,2,4-6"), [0, 2, 4, 5, 6]);
  assert.deepEqual(so("4-6,2,0,5,5-5,6"), [0, 2, 4, 5, 6]);
  assert.deepEqual(so("007"), [7]);
  assert.deepEqual(so("1-3,2-8"), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(so("9007199254740991"), [Number.MAX_SAFE_INTEGER]);
  assert.deepEqual(
    parseMagnet(`magnet:?${XT}&so=3&so.1=1,2&so=3`).select,
    [1, 2, 3],
  );
  assert.equal(parseMagnet(`magnet:?${XT}`).select, null);
  const wide = so("0-999999");
  assert.equal(wide?.length, 1_000_000);
  assert.equal(wide?.[999_999], 999_999);
});

Deno.test("parseMagnet: bad so is an error naming so", () => {
  const cases: [string, RegExp][] = [
    ["", /indexes and ranges/],
    ["1,", /indexes and ranges/],
    [",1", /indexes and ranges/],
    ["1,,2", /indexes and ranges/],
    ["a", /indexes and ranges/],
    ["1-", /indexes and ranges/],
    ["-1", /indexes and ranges/],
    ["1-2-3", /indexes and ranges/],
    ["1 ", /indexes and ranges/],
    ["1.5", /indexes and ranges/],
    ["99999999999999999999", /indexes and ranges/],
    ["0-99999999999999999999", /indexes and ranges/],
    ["6-4", /reversed range "6-4"/],
    ["0-1000000", /more than 1000000/],
    ["0-9007199254740991", /more than 1000000/],
  ];
  for (const [value, why] of cases) {
    rejects(`magnet:?${XT}&so=${encodeURIComponent(value)}`, /"so"/);
    rejects(`magnet:?${XT}&so=${encodeURIComponent(value)}`, why);
  }
  rejects(`magnet:?${XT}&so=0-600000&so.1=0-600000`, /"so\.1" selects more/);
});

Deno.test("parseMagnet: xl is a non-negative safe integer", () => {
  const xl = (value: string) => parseMagnet(`magnet:?${XT}&xl=${value}`).length;
  assert.equal(xl("0"), 0);
  assert.equal(xl("123456789"), 123456789);
  assert.equal(xl("9007199254740991"), Number.MAX_SAFE_INTEGER);
  assert.equal(parseMagnet(`magnet:?${XT}&xl=5&xl.1=5`).length, 5);
  for (
    const bad of ["", "-1", "1.5", "1e3", "0x10", " 1", "abc", "9007199254740992"]
  ) {
    rejects(`magnet:?${XT}&xl=${encodeURIComponent(bad)}`, /"xl" must be a non-negative integer/);
  }
  rejects(`magnet:?${XT}&xl=5&xl=6`, /"xl" given twice: 5 and 6/);
});

Deno.test("parseMagnet: not a magnet URI", () => {
  rejects("", /does not start with "magnet:"/);
  rejects("http://example.com/?xt=urn:btih:" + HEX, /does not start/);
  rejects(` magnet:?${XT}`, /does not start/);
  rejects(`magnet:${XT}`, /expected "\?" after "magnet:"/);
  rejects(`magnet://?${XT}`, /expected "\?"/);
});

Deno.test("parseMagnet: no BitTorrent xt", () => {
  for (
    const uri of [
      "magnet:?",
      "magnet:?dn=x&tr=udp://a:1",
      "magnet:?xt=urn:sha1:YNCKHTQCWBTRNJIV4WNAE52SJUQCZO5C",
      `magnet:?XT=urn:btih:${HEX}`,
      `magnet:?xtx=urn:btih:${HEX}`,
    ]
  ) {
    rejects(uri, /no "xt" parameter with urn:btih: or urn:btmh:/);
  }
});

Deno.test("parseMagnet: malformed btih", () => {
  rejects(
    `magnet:?xt=urn:btih:${HEX.slice(1)}`,
    /"xt" btih must be 40 hex or 32 base32 characters, got 39/,
  );
  rejects(`magnet:?xt=urn:btih:${HEX}0`, /got 41/);
  rejects("magnet:?xt=urn:btih:", /got 0/);
  rejects(`magnet:?xt=urn:btih:${B32}A`, /got 33/);
  rejects(`magnet:?xt=urn:btih:${"g" + HEX.slice(1)}`, /"xt" btih is not 40 hex digits/);
  rejects(`magnet:?xt.1=urn:btih:${HEX.slice(1)}%20`, /"xt\.1" btih is not 40 hex/);
  rejects(`magnet:?xt=urn:btih:${B32.slice(1)}1`, /"xt" btih is not 32 base32 characters/);
  rejects(`magnet:?xt=urn:btih:${B32.slice(2)}==`, /not 32 base32/);
});

Deno.test("parseMagnet: malformed btmh", () => {
  rejects(
    `magnet:?xt=urn:btmh:1114${HEX}`,
    /"xt" btmh must be a sha2-256 multihash starting "1220"/,
  );
  rejects(`magnet:?xt=urn:btmh:${V2}`, /starting "1220"/);
  rejects("magnet:?xt=urn:btmh:", /starting "1220"/);
  rejects(
    `magnet:?xt=urn:btmh:1220${V2.slice(1)}`,
    /"xt" btmh digest after "1220" must be 64 hex digits/,
  );
  rejects(`magnet:?xt=urn:btmh:1220${V2}00`, /must be 64 hex digits/);
  rejects(`magnet:?xt=urn:btmh:1220${V2.slice(1)}x`, /must be 64 hex digits/);
  rejects(`magnet:?xt.7=urn:btmh:1221${V2}`, /"xt\.7" btmh/);
});

Deno.test("parseMagnet: two different info hashes", () => {
  const other = "ff" + HEX.slice(2);
  rejects(
    `magnet:?${XT}&xt=urn:btih:${other}`,
    new RegExp(`"xt" gives a second, different btih: ${HEX} and ${other}`),
  );
  rejects(
    `magnet:?xt=urn:btih:${B32}&xt.2=urn:btih:${other}`,
    /"xt\.2" gives a second, different btih/,
  );
  const otherV2 = "00" + V2.slice(2);
  rejects(`magnet:?xt=urn:btmh:1220${V2}&xt=urn:btmh:1220${otherV2}`, /different btmh/);
  // the same v2 hash twice is fine
  assert.equal(
    parseMagnet(`magnet:?xt=urn:btmh:1220${V2}&xt=urn:btmh:1220${V2.toUpperCase()}`).infoHashV2,
    V2,
  );
});

Deno.test("parseMagnet: malformed percent-encoding names the parameter", () => {
  rejects(`magnet:?${XT}&dn=%zz`, /malformed percent-encoding in "dn": "%zz"/);
  rejects(`magnet:?${XT}&dn=100%`, /in "dn"/);
  rejects(`magnet:?${XT}&tr.1=%E2%82`, /in "tr\.1"/); // truncated UTF-8
  rejects(`magnet:?${XT}&dn=%C3%28`, /in "dn"/); // invalid UTF-8
  rejects(`magnet:?${XT}&dn=%ED%A0%80`, /in "dn"/); // an encoded surrogate
  rejects(`magnet:?${XT}&dn=a\ud800`, /lone surrogate in "dn"/);
  rejects(`magnet:?${XT}&%G1=1`, /malformed percent-encoding in a parameter name: "%G1"/);
});

Deno.test("formatMagnet: writes fields in a fixed order", () => {
  const m = magnet({
    extra: [["kt", "x y"], ["xt", "urn:sha1:abc"]],
    select: [6, 0, 5, 2, 4, 4],
    peers: ["[::1]:1", "1.2.3.4:5"],
    webSeeds: ["https://w/"],
    trackers: ["udp://t:1/announce", "wss://t2"],
    length: 42,
    name: "a b&c=d%e+f",
    infoHashV2: V2.toUpperCase(),
    infoHash: HEX.toUpperCase(),
  });
  assert.equal(
    formatMagnet(m),
    `magnet:?xt=urn:btih:${HEX}&xt=urn:btmh:1220${V2}` +
      "&dn=a%20b%26c%3Dd%25e%2Bf&xl=42&tr=udp://t:1/announce&tr=wss://t2" +
      "&ws=https://w/&x.pe=%5B::1%5D:1&x.pe=1.2.3.4:5&so=0,2,4-6" +
      "&kt=x%20y&xt=urn:sha1:abc",
  );
});

Deno.test("formatMagnet: compresses so into ranges", () => {
  const so = (select: number[]) => formatMagnet(magnet({ infoHash: HEX, select })).split("&so=")[1];
  assert.equal(so([0, 2, 4, 5, 6]), "0,2,4-6");
  assert.equal(so([1, 2]), "1,2");
  assert.equal(so([3]), "3");
  assert.equal(so([9, 8, 7, 1, 0, 3, 9]), "0,1,3,7-9");
  assert.equal(so(Array.from({ length: 1000 }, (_, i) => i)), "0-999");
});

Deno.test("formatMagnet: rejects what it could not write back", () => {
  assert.throws(() => formatMagnet(magnet({})), TypeError);
  assert.throws(
    () => formatMagnet(magnet({ infoHash: HEX.slice(1) })),
    /info hash must be 40 hex digits/,
  );
  assert.throws(
    () => formatMagnet(magnet({ infoHashV2: `1220${V2}` })),
    /info hash must be 64 hex digits/,
  );
  assert.throws(
    () => formatMagnet(magnet({ infoHash: HEX, peers: ["::1:80"] })),
    TypeError,
  );
  assert.throws(
    () => formatMagnet(magnet({ infoHash: HEX, length: -1 })),
    RangeError,
  );
  assert.throws(
    () => formatMagnet(magnet({ infoHash: HEX, length: 1.5 })),
    RangeError,
  );
  assert.throws(
    () => formatMagnet(magnet({ infoHash: HEX, select: [] })),
    RangeError,
  );
  assert.throws(
    () => formatMagnet(magnet({ infoHash: HEX, select: [-1] })),
    RangeError,
  );
  assert.throws(
    () => formatMagnet(magnet({ infoHash: HEX, select: [NaN] })),
    RangeError,
  );
  assert.throws(
    () => formatMagnet(magnet({ infoHash: HEX, name: "\ud800" })),
    /not well-formed Unicode/,
  );
  for (const key of ["tr", "tr.2", "dn", "x.pe", "so", "xl", "ws"]) {
    assert.throws(
      () => formatMagnet(magnet({ infoHash: HEX, extra: [[key, "v"]] })),
      /would be read as a field/,
    );
  }
  assert.throws(
    () =>
      formatMagnet(
        magnet({ infoHash: HEX, extra: [["xt", `urn:btih:${HEX}`]] }),
      ),
    /would be read as a field/,
  );
});

/** A small seeded PRNG (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD = [
  ..."abcXYZ019 &=%+#?/:@,;.~!*'()[]\\\"<>\t\n\0",
  "\u00e9",
  "\u4e2d",
  "\u0301",
  "\u200d",
  "\ufeff",
  "\u{1f600}",
  "\u{10ffff}",
  "%20",
  "%zz",
];

function generate(rand: () => number): Magnet {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
  const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[int(16)]).join("");
  const text = (max: number) => Array.from({ length: int(max + 1) }, () => pick(ODD)).join("");
  const unique = (n: number, make: () => string) => {
    const set = new Set<string>();
    for (let i = 0; i < n; i++) set.add(make());
    return [...set];
  };
  const port = () => 1 + int(65535);
  const peer = () => {
    switch (int(4)) {
      case 0:
        return `${int(256)}.${int(256)}.${int(256)}.${int(256)}:${port()}`;
      case 1:
        return `[2001:db8::${hex(1 + int(4))}]:${port()}`;
      case 2:
        return `[${Array.from({ length: 8 }, () => hex(1 + int(4))).join(":")}]:${port()}`;
      default:
        return `peer-${int(100)}.example.org:${port()}`;
    }
  };
  const kind = int(3);
  let select: number[] | null = null;
  if (rand() < 0.4) {
    const set = new Set<number>();
    for (let i = int(20); i >= 0; i--) {
      const start = int(rand() < 0.1 ? Number.MAX_SAFE_INTEGER - 50 : 200);
      for (let j = int(5); j >= 0; j--) set.add(start + j);
    }
    select = [...set].sort((a, b) => a - b);
  }
  const extraKeys = [
    "xs",
    "as",
    "kt",
    "mt",
    "x.foo",
    "tr2",
    "dn.x",
    "XT",
    "",
    "a b",
    "k=?&",
    "\u00e9",
  ];
  return {
    infoHash: kind !== 1 ? hex(40) : null,
    infoHashV2: kind !== 0 ? hex(64) : null,
    name: rand() < 0.8 ? text(30) : null,
    trackers: unique(
      int(rand() < 0.2 ? 60 : 6),
      () => pick(["udp://", "http://", "wss://", ""]) + "t" + text(12),
    ),
    webSeeds: unique(int(4), () => "https://w/" + text(10)),
    peers: unique(int(rand() < 0.2 ? 30 : 4), peer),
    select,
    length: rand() < 0.5 ? pick([0, 1, Number.MAX_SAFE_INTEGER, int(2 ** 40)]) : null,
    extra: Array.from(
      { length: int(5) },
      (): [string, string] =>
        rand() < 0.2
          ? ["xt", "urn:sha1:" + text(8)]
          : [pick(extraKeys) + text(2).replace(/^\.\d/, ""), text(10)],
    ),
  };
}

Deno.test("formatMagnet: parseMagnet undoes it on hand-picked magnets", () => {
  const cases: Magnet[] = [
    magnet({ infoHash: HEX }),
    magnet({ infoHashV2: V2 }),
    magnet({ infoHash: HEX, infoHashV2: V2, name: "" }),
    magnet({ infoHash: HEX, name: "+ & = % %25 %zz # ? \u{1f600}" }),
    magnet({ infoHash: HEX, trackers: ["udp://a:1?x=1&y=2", "wss://b/?c=%20"] }),
    magnet({ infoHash: HEX, peers: ["[::ffff:1.2.3.4]:9", "host:65535"] }),
    magnet({ infoHash: HEX, select: [0], length: 0 }),
    magnet({ infoHash: HEX, extra: [["", ""], ["", "v"], ["k", ""], ["=&+", "=&+"]] }),
    magnet({ infoHash: HEX, extra: [["xt", ""], ["xt.1", "urn:x:y"]] }),
  ];
  for (const m of cases) assert.deepEqual(parseMagnet(formatMagnet(m)), m);
});

Deno.test("formatMagnet: parseMagnet undoes it on 3000 random magnets", () => {
  const rand = random(0x5eed);
  let trackers = 0;
  for (let i = 0; i < 3000; i++) {
    const m = generate(rand);
    trackers += m.trackers.length;
    const uri = formatMagnet(m);
    assert.ok(isMagnet(uri));
    const back = parseMagnet(uri);
    assert.deepEqual(back, m, uri);
    assert.equal(formatMagnet(back), uri);
  }
  assert.ok(trackers > 3000, "the generator makes trackers");
});

Deno.test("parseMagnet: random junk only ever throws MagnetError", () => {
  const rand = random(42);
  const pieces = [
    "&",
    "=",
    "%",
    "%2",
    "%C3",
    "%zz",
    "+",
    "xt",
    "xt.1",
    "urn:btih:",
    HEX,
    B32,
    "urn:btmh:1220",
    V2,
    "so",
    "0",
    "-",
    ",",
    "xl",
    "x.pe",
    "[::1]",
    ":",
    "6881",
    "dn",
    "tr",
    "\u{1f600}",
    "\ud800",
  ];
  let parsed = 0;
  for (let i = 0; i < 5000; i++) {
    let uri = rand() < 0.5 ? "magnet:?" : `magnet:?${XT}&`;
    for (let j = Math.floor(rand() * 20); j > 0; j--) {
      uri += pieces[Math.floor(rand() * pieces.length)];
    }
    try {
      const m = parseMagnet(uri);
      parsed++;
      assert.deepEqual(parseMagnet(formatMagnet(m)), m);
    } catch (e) {
      if (!(e instanceof MagnetError)) throw e;
    }
  }
  assert.ok(parsed > 0, "some junk parses");
});
