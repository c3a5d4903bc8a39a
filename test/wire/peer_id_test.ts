import assert from "node:assert/strict";
import { clientName, makePeerId } from "../../src/wire/peer_id.ts";

const id = (text: string) => {
  const bytes = new Uint8Array(20).fill(0x78); // "x"
  bytes.set(new TextEncoder().encode(text));
  return bytes;
};

Deno.test("makePeerId is the prefix and 12 random bytes", () => {
  const a = makePeerId();
  const b = makePeerId();
  assert.equal(a.length, 20);
  assert.equal(new TextDecoder().decode(a.subarray(0, 8)), "-SE0001-");
  assert.notDeepEqual(a.subarray(8), b.subarray(8));
  assert.equal(new TextDecoder().decode(makePeerId("-XX9999-").subarray(0, 8)), "-XX9999-");
  assert.throws(() => makePeerId("-TOO-LONG-A-PREFIX-XYZ"), RangeError);
});

Deno.test("names Azureus-style clients with their versions", () => {
  const cases: [string, string][] = [
    ["-LT20A0-", "libtorrent (Rasterbar) 2.0.10"],
    ["-LT1230-", "libtorrent (Rasterbar) 1.2.3"],
    ["-lt0D80-", "libTorrent (rakshasa) 0.13.8"],
    ["-TR2940-", "Transmission 2.94"],
    ["-TR3000-", "Transmission 3.00"],
    ["-TR4050-", "Transmission 4.0.5"],
    ["-qB4520-", "qBittorrent 4.5.2"],
    ["-DE2110-", "Deluge 2.1.1"],
    ["-UT355W-", "µTorrent 3.5.5"],
    ["-AZ5770-", "Vuze 5.7.7"],
    ["-AZ2061-", "Vuze 2.0.6.1"],
    ["-WW0105-", "WebTorrent 0.1.0.5"],
    ["-SE0001-", "seed 0.0.0.1"],
    ["-XY1200-", "XY 1.2.0"],
  ];
  for (const [prefix, name] of cases) assert.equal(clientName(id(prefix)), name, prefix);
});

Deno.test("names aria2, Mainline and Shadow-style clients", () => {
  assert.equal(clientName(id("A2-1-35-0-")), "aria2 1.35.0");
  assert.equal(clientName(id("M7-4-3--")), "BitTorrent 7.4.3");
  assert.equal(clientName(id("T03I-----")), "BitTornado 0.3.18");
  assert.equal(clientName(id("S587-----")), "Shadow's client 5.8.7");
});

Deno.test("anything else is the id in hex", () => {
  const bytes = new Uint8Array(20).map((_, i) => i);
  assert.equal(clientName(bytes), "000102030405060708090a0b0c0d0e0f10111213");
  assert.equal(clientName(id("-TR29-")), "2d545232392d" + "78".repeat(14)); // too short to be Azureus
});
