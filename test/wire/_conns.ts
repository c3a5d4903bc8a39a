/**
 * Memory connections that a test closes however it ends: `wireTest` runs
 * the body, then closes every pair made by `connPair` during it, so a
 * failed assertion cannot leave a wire (and its timers) running.
 *
 * @module
 */

import { memoryConnPair } from "../../transports/memory.ts";
import type { Conn } from "../../transports/mod.ts";

const open = new Set<Conn>();

/** A connected memory pair, closed when the current `wireTest` ends. */
export function connPair(): [Conn, Conn] {
  const pair = memoryConnPair();
  for (const conn of pair) open.add(conn);
  return pair;
}

/** `Deno.test`, closing every `connPair` connection once the body settles. */
export function wireTest(name: string, fn: () => Promise<void>): void {
  Deno.test(name, async () => {
    try {
      await fn();
    } finally {
      for (const conn of open) conn.close();
      open.clear();
    }
  });
}
