/**
 * A torrent takes no peers while it checks its data: one let in then would
 * hear of no piece, since the pieces the check finds are not announced to
 * peers already connected. Once the check is over, peers hear of them all.
 *
 * @module
 */

import assert from "node:assert/strict";
import { defaultStorage } from "../../src/storage/default.ts";
import type { Storage } from "../../src/storage/types.ts";
import { encodeMessage } from "../../src/wire/encode.ts";
import { makePeerId } from "../../src/wire/peer_id.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import { LOOPBACK, loopbackClient, seedData } from "../magnet/_swarm.ts";
import { RawPeer } from "../wire/_helpers.ts";

/** The storage of `dir`, whose reads call `reading` and then wait for `gate`. */
function gatedStorage(dir: string, reading: () => void, gate: Promise<void>) {
  return async (...args: Parameters<ReturnType<typeof defaultStorage>>): Promise<Storage> => {
    const storage = await defaultStorage(dir)(...args);
    return new Proxy(storage, {
      get(target, key) {
        if (key === "read") {
          return async (...read: Parameters<Storage["read"]>) => {
            reading();
            await gate;
            return target.read(...read);
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };
}

/** Dials the client as a raw peer; resolves with its first message, or "closed". */
async function firstAnswer(port: number, infoHash: Uint8Array): Promise<string> {
  const raw = new RawPeer(await tcpTransport().dial({ host: LOOPBACK, port }));
  try {
    await raw.sendHandshake(infoHash, makePeerId("-XX0000-"), { fast: true });
    await raw.read(68);
    await raw.send(encodeMessage({ type: "interested" }));
    return (await raw.readMessage()).type;
  } catch {
    return "closed";
  } finally {
    raw.close();
  }
}

Deno.test("a torrent refuses peers while checking, then tells them every piece it has", async () => {
  const { dir, meta } = await seedData(400_000, 81);
  const client = await loopbackClient();
  let open = () => {};
  const gate = new Promise<void>((resolve) => open = resolve);
  try {
    let reading = () => {};
    const checking = new Promise<void>((resolve) => reading = resolve);
    const adding = client.add(meta, { storage: gatedStorage(dir, reading, gate) });
    adding.catch(() => {}); // a failed assertion closes the client mid-check
    await checking;
    assert.equal(client.get(meta.infoHash!)?.state, "checking");
    assert.equal(await firstAnswer(client.port, meta.infoHashBytes!), "closed");
    open();
    const torrent = await adding;
    assert.equal(torrent.state, "seeding");
    assert.equal(await firstAnswer(client.port, meta.infoHashBytes!), "haveAll");
  } finally {
    open();
    await client.close();
  }
});
