/**
 * Reads a response body up to a size limit, and stops reading past it.
 *
 * @module
 */

import { concatBytes } from "../bytes.ts";

/**
 * Reads the whole body of a response, refusing any that is over `maxBytes`:
 * a declared `Content-Length` over the limit is refused before reading, and
 * a body that grows past it is cancelled at once.
 *
 * @param response The response whose body to read.
 * @param maxBytes The most bytes accepted.
 * @returns The body.
 * @throws {RangeError} When the body is over the limit.
 */
export async function readBoundedBody(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new RangeError(`response of ${declared} bytes exceeds the limit of ${maxBytes}`);
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > maxBytes) {
        throw new RangeError(`response exceeds the limit of ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
  return concatBytes(chunks);
}
