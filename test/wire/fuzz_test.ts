/**
 * A seeded fuzz of the streaming decoder: noise and mutated valid streams,
 * cut into random chunks, with random limits and piece counts. Decoding may
 * succeed or throw `WireError`; anything else fails, and so does a worker
 * that stops making progress (a hang). `WIRE_FUZZ_SEED` and
 * `WIRE_FUZZ_ITERATIONS` change the run.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { FuzzJob, FuzzReport } from "./_fuzz_worker.ts";

const SEED = Number(Deno.env.get("WIRE_FUZZ_SEED") ?? 0xf00d);
const ITERATIONS = Number(Deno.env.get("WIRE_FUZZ_ITERATIONS") ?? 20_000);
/** No progress report for this long is a hang. */
const HANG_MS = 10_000;

Deno.test(`random bytes and chunkings only ever throw WireError (seed ${SEED})`, async () => {
  const worker = new Worker(new URL("./_fuzz_worker.ts", import.meta.url), { type: "module" });
  const { promise, resolve } = Promise.withResolvers<FuzzReport>();
  let timer = setTimeout(
    () => resolve({ kind: "failure", iteration: -1, problem: "hang" }),
    HANG_MS,
  );
  worker.onmessage = (event: MessageEvent<FuzzReport>) => {
    clearTimeout(timer);
    if (event.data.kind !== "progress") return resolve(event.data);
    const iteration = event.data.iteration;
    timer = setTimeout(() => resolve({ kind: "failure", iteration, problem: "hang" }), HANG_MS);
  };
  worker.postMessage({ seed: SEED, iterations: ITERATIONS } satisfies FuzzJob);
  const report = await promise;
  clearTimeout(timer);
  worker.terminate();
  if (report.kind === "failure") assert.fail(`iteration ${report.iteration}: ${report.problem}`);
  assert.ok(report.kind === "done");
  console.log(`${ITERATIONS} inputs, ${report.messages} messages decoded:`, report.reasons);
  // The corpus reaches the main faults, and valid streams too.
  for (
    const reason of ["ok", "message-too-long", "bad-length", "unknown-message", "bad-bitfield"]
  ) {
    assert.ok((report.reasons[reason] ?? 0) > 0, `no input ended in ${reason}`);
  }
});
