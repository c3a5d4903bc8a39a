/**
 * Checks an announce request before anything is sent.
 *
 * @module
 */

import type { AnnounceRequest } from "./types.ts";

/**
 * Throws unless the request can be encoded for HTTP and UDP trackers alike.
 *
 * @throws {TypeError} When the info hash or peer id is not 20 bytes.
 * @throws {RangeError} When the port, counters, `numWant` or `key` are out of range.
 */
export function checkAnnounceRequest(request: AnnounceRequest): void {
  if (request.infoHash.length !== 20) {
    throw new TypeError(`Cannot announce: info hash is ${request.infoHash.length} bytes, not 20`);
  }
  if (request.peerId.length !== 20) {
    throw new TypeError(`Cannot announce: peer id is ${request.peerId.length} bytes, not 20`);
  }
  checkRange("port", request.port, 0, 65535);
  checkRange("uploaded", request.uploaded, 0, Number.MAX_SAFE_INTEGER);
  checkRange("downloaded", request.downloaded, 0, Number.MAX_SAFE_INTEGER);
  checkRange("left", request.left, 0, Number.MAX_SAFE_INTEGER);
  if (request.numWant !== undefined) checkRange("numWant", request.numWant, 0, 0x7fffffff);
  if (request.key !== undefined) checkRange("key", request.key, 0, 0xffffffff);
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot announce: ${name} ${value} is not an integer from ${min} to ${max}`,
    );
  }
}
