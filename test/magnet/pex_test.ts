import assert from "node:assert/strict";
import { LOOPBACK, loopbackClient, seedData } from "./_swarm.ts";

// PEX every 200 ms instead of every minute, so the test is quick.
const limits = { pexIntervalMs: 200 };

Deno.test("PEX: C knows only A, learns B through A's PEX, and completes from B after A stops", async () => {
  const { dir, data, meta } = await seedData(3_000_000, 31);
  const a = await loopbackClient({ limits });
  // B dials no one PEX names, so the B-C connection can only be C's doing.
  const b = await loopbackClient({ limits: { ...limits, maxPexDialsPerPeer: 0 } });
  const c = await loopbackClient({ limits });
  const aDir = await Deno.makeTempDir({ prefix: "pex-a-" });
  const cDir = await Deno.makeTempDir({ prefix: "pex-c-" });
  try {
    // A wants no piece: it has nothing to give C, only peers to tell about.
    const atA = await a.add(meta, { dir: aDir });
    atA.select([]);
    const aJoined = new Promise<void>((resolve) =>
      atA.addEventListener("peer", function once() {
        atA.removeEventListener("peer", once);
        resolve();
      })
    );
    await b.add(meta, { dir, peers: [{ host: LOOPBACK, port: a.port }] });
    await aJoined;

    const atC = await c.add(meta, { dir: cDir, peers: [{ host: LOOPBACK, port: a.port }] });
    const bAddress = `${LOOPBACK}:${b.port}`;
    let progressWhenAStopped = -1;
    const aStopped = new Promise<void>((resolve) => {
      atC.addEventListener("peer", (event) => {
        const { address, connected } = (event as CustomEvent).detail;
        if (address !== bAddress || !connected || progressWhenAStopped >= 0) return;
        progressWhenAStopped = atC.progress;
        resolve(a.close());
      });
    });
    await aStopped;
    await atC.done;
    assert.equal(progressWhenAStopped, 0);
    assert.deepEqual(await Deno.readFile(`${cDir}/data.bin`), data);
    // Nothing came from A, which wanted no piece: every byte came from B.
    assert.ok(atC.downloaded >= data.length, `downloaded ${atC.downloaded}`);
  } finally {
    await c.close();
    await b.close();
    await a.close();
  }
});
