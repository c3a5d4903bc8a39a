/**
 * The storage conformance suite against the IndexedDB storage, bundled for
 * a page: `Deno.test` and `context.step` are stood in for, each step gets a
 * database of its own, and `globalThis.result` reports `{ passed, failed,
 * failures }`.
 *
 * @module
 */

import { idbStorage } from "../../src/storage/idb.ts";
import { storageSuite } from "../conformance/storage_suite.ts";

type Body = (
  context: { step(name: string, fn: () => Promise<void>): Promise<void> },
) => Promise<void>;
const tests: { name: string; fn: Body }[] = [];
(globalThis as unknown as { Deno: unknown }).Deno = {
  test: (name: string, fn: Body) => tests.push({ name, fn }),
};

storageSuite("idb", () => {
  const database = `suite-${crypto.randomUUID()}`;
  return Promise.resolve({
    factory: idbStorage({ database }),
    dispose: () => {
      indexedDB.deleteDatabase(database);
      return Promise.resolve();
    },
  });
});

let passed = 0;
const failures: string[] = [];
for (const test of tests) {
  await test.fn({
    async step(name, fn) {
      try {
        await fn();
        passed++;
      } catch (error) {
        failures.push(`${test.name} > ${name}: ${(error as Error)?.stack ?? error}`);
      }
    },
  });
}
(globalThis as unknown as { result: unknown }).result = {
  passed,
  failed: failures.length,
  failures: failures.join("\n"),
};

declare const indexedDB: { deleteDatabase(name: string): unknown };
