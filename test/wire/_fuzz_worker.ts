/**
 * Runs the decoder fuzz away from the test's thread, so a hang is caught:
 * posts progress, then a summary or the first failure.
 *
 * @module
 */

import { concatBytes } from "../../src/bytes.ts";
import { MessageDecoder } from "../../src/wire/decoder.ts";
import { encodeMessage } from "../../src/wire/encode.ts";
import { WireError } from "../../src/wire/wire_error.ts";
import { chop, randomMessage, Rng } from "./_helpers.ts";

/** What the test sends. */
export interface FuzzJob {
  seed: number;
  iterations: number;
}

/** What the worker answers. */
export type FuzzReport =
  | { kind: "progress"; iteration: number }
  | { kind: "done"; reasons: Record<string, number>; messages: number }
  | { kind: "failure"; iteration: number; problem: string };

/** An input: pure noise, or a valid stream with a few bytes changed. */
function input(rng: Rng): Uint8Array {
  if (rng.below(3) === 0) return rng.bytes(rng.below(4096));
  const messages = Array.from({ length: 1 + rng.below(20) }, () => randomMessage(rng));
  const bytes = concatBytes(messages.map(encodeMessage));
  for (let i = rng.below(4); i > 0 && bytes.length > 0; i--) {
    bytes[rng.below(bytes.length)] = rng.u32() & 0xff;
  }
  return bytes;
}

const scope = globalThis as unknown as {
  postMessage(report: FuzzReport): void;
  onmessage: ((event: MessageEvent<FuzzJob>) => void) | null;
};

scope.onmessage = (event) => {
  const { seed, iterations } = event.data;
  const reasons: Record<string, number> = {};
  let messages = 0;
  for (let iteration = 0; iteration < iterations; iteration++) {
    if (iteration % 500 === 0) {
      scope.postMessage({ kind: "progress", iteration } satisfies FuzzReport);
    }
    const rng = new Rng(seed * 1_000_003 + iteration);
    const pieceCount = rng.below(2) === 0 ? null : rng.below(5000);
    const maxMessageBytes = 1 + rng.below(70_000);
    const decoder = new MessageDecoder({ limits: { maxMessageBytes }, pieceCount });
    try {
      for (const chunk of chop(rng, input(rng), rng.below(30))) {
        messages += decoder.push(chunk).length;
      }
      reasons.ok = (reasons.ok ?? 0) + 1;
    } catch (error) {
      if (!(error instanceof WireError)) {
        const problem = `${error instanceof Error ? error.stack : error}`;
        scope.postMessage({ kind: "failure", iteration, problem } satisfies FuzzReport);
        return;
      }
      reasons[error.reason] = (reasons[error.reason] ?? 0) + 1;
    }
  }
  scope.postMessage({ kind: "done", reasons, messages } satisfies FuzzReport);
};
