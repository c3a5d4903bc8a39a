/**
 * The part of `node:assert/strict` the storage suite uses, for running it in
 * a page (the browser bundle has no `node:` modules).
 *
 * @module
 */

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Set && b instanceof Set) {
    return a.size === b.size && [...a].every((item) => b.has(item));
  }
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    const [x, y] = [a as ArrayLike<unknown>, b as ArrayLike<unknown>];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!same(x[i], y[i])) return false;
    return true;
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length &&
    keys.every((key) =>
      same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])
    );
}

function fail(message: string): never {
  throw new Error(message);
}

/** `deepEqual`, `equal`, `ok` and `rejects`, strict, as Node's. */
const assert = {
  deepEqual(actual: unknown, expected: unknown, message = "values differ"): void {
    if (!same(actual, expected)) fail(message);
  },
  equal(actual: unknown, expected: unknown, message = `${actual} !== ${expected}`): void {
    if (!Object.is(actual, expected)) fail(message);
  },
  ok(value: unknown, message = "not truthy"): void {
    if (!value) fail(message);
  },
  async rejects(
    promise: Promise<unknown>,
    expected?: RegExp | (new (...args: never[]) => unknown),
    message = "did not reject as expected",
  ): Promise<void> {
    try {
      await promise;
    } catch (error) {
      if (expected instanceof RegExp && !expected.test(String(error))) fail(`${message}: ${error}`);
      if (typeof expected === "function" && !(error instanceof expected)) {
        fail(`${message}: ${error}`);
      }
      return;
    }
    fail(`${message}: it resolved`);
  },
};

export default assert;
