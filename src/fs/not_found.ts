/**
 * Recognises a missing path in the errors of either runtime.
 *
 * @module
 */

/**
 * True when an error from a `FileSystem` call says the path does not
 * exist: Deno's `NotFound` and Node's errors both carry the code `ENOENT`.
 *
 * @example
 * ```ts
 * import { isNotFound } from "./not_found.ts";
 * const error = await Deno.stat("/no/such/path").catch((e) => e);
 * console.assert(isNotFound(error));
 * console.assert(!isNotFound(new Error("other")));
 * ```
 *
 * @param error Whatever was thrown.
 * @returns Whether it reports a missing path.
 */
export function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null &&
    (error as { code?: unknown }).code === "ENOENT";
}
