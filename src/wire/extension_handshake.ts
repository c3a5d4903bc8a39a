/**
 * The BEP 10 extension handshake: the bencoded dictionary sent as extended
 * message 0, naming the extensions the sender supports and a few facts
 * about it.
 *
 * @module
 */

import { BencodeError } from "../errors.ts";
import type { Limits } from "../limits.ts";
import { decodeBencode, encodeBencode } from "../metainfo/bencode.ts";
import type { BencodeDict, BencodeValue } from "../metainfo/types.ts";
import { WireError } from "./wire_error.ts";

/**
 * A decoded extension handshake; absent or unusable optional fields are left out.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { decodeExtensionHandshake, encodeExtensionHandshake, type ExtensionHandshake } from "./extension_handshake.ts";
 *
 * const ours: ExtensionHandshake = {
 *   extensions: new Map([["ut_metadata", 3]]),
 *   client: "seed 0.1.0",
 *   metadataSize: 1234,
 * };
 * deepStrictEqual(decodeExtensionHandshake(encodeExtensionHandshake(ours)), ours);
 * ```
 */
export interface ExtensionHandshake {
  /** `m`: extension name to the id the sender receives it under; 0 turns it off. */
  extensions: Map<string, number>;
  /** `v`: client name and version. */
  client?: string;
  /** `p`: the sender's TCP listen port. */
  port?: number;
  /** `reqq`: how many outstanding requests the sender keeps without dropping. */
  requestQueue?: number;
  /** `yourip`: our address as the sender sees it, 4 (IPv4) or 16 (IPv6) bytes. */
  yourIp?: Uint8Array;
  /** `metadata_size` (BEP 9): bytes in the info dictionary. */
  metadataSize?: number;
  /** Every other key, as decoded (`upload_only`, `ipv4`, `complete_ago` ...). */
  extra?: BencodeDict;
}

const KNOWN = new Set(["m", "v", "p", "reqq", "yourip", "metadata_size"]);

/**
 * Encodes an extension handshake payload (without the extended message header).
 *
 * @param handshake The fields to send; `m` is always written.
 * @returns The bencoded dictionary.
 * @throws {TypeError} For a number that is not a safe integer.
 *
 * @example
 * ```ts
 * import { encodeExtensionHandshake } from "./extension_handshake.ts";
 * const bytes = encodeExtensionHandshake({ extensions: new Map([["ut_metadata", 3]]), port: 6881 });
 * console.assert(new TextDecoder().decode(bytes) === "d1:md11:ut_metadatai3ee1:pi6881ee");
 * ```
 */
export function encodeExtensionHandshake(handshake: ExtensionHandshake): Uint8Array {
  return encodeBencode({
    ...handshake.extra,
    m: Object.fromEntries(handshake.extensions),
    v: handshake.client,
    p: handshake.port,
    reqq: handshake.requestQueue,
    yourip: handshake.yourIp,
    metadata_size: handshake.metadataSize,
  });
}

/**
 * Decodes an extension handshake payload. Missing fields are fine; a field
 * of the wrong type is left out, except where a wrong value would mislead:
 * `m` must be a dictionary of ids from 0 to 255, and `metadata_size` a
 * non-negative integer.
 *
 * @param payload The extended message 0 payload.
 * @param limits Bounds for the bencode decoder.
 * @returns The handshake.
 * @throws {WireError} `bad-extension-handshake` for bad bencode, a non-dictionary or a bad `m` or `metadata_size`.
 *
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert/strict";
 * import { decodeExtensionHandshake } from "./extension_handshake.ts";
 *
 * const payload = new TextEncoder().encode("d1:md6:ut_pexi1ee1:pi6881ee");
 * const handshake = decodeExtensionHandshake(payload);
 * strictEqual(handshake.extensions.get("ut_pex"), 1);
 * strictEqual(handshake.port, 6881);
 * throws(() => decodeExtensionHandshake(new TextEncoder().encode("le")), { reason: "bad-extension-handshake" });
 * ```
 */
export function decodeExtensionHandshake(
  payload: Uint8Array,
  limits: Partial<Limits> = {},
): ExtensionHandshake {
  let value: BencodeValue;
  try {
    value = decodeBencode(payload, limits).value;
  } catch (error) {
    if (error instanceof BencodeError) fail(error.message);
    throw error;
  }
  if (!isDict(value)) fail("not a dictionary");
  const out: ExtensionHandshake = { extensions: readExtensions(value.m) };
  const { v, p, reqq, yourip, metadata_size: size } = value;
  if (v instanceof Uint8Array) out.client = new TextDecoder().decode(v);
  if (isInt(p) && p >= 1 && p <= 0xffff) out.port = p;
  if (isInt(reqq) && reqq >= 1) out.requestQueue = reqq;
  if (yourip instanceof Uint8Array && (yourip.length === 4 || yourip.length === 16)) {
    out.yourIp = yourip;
  }
  if (size !== undefined) {
    if (!isInt(size) || size < 0) fail("metadata_size is not a non-negative integer");
    out.metadataSize = size;
  }
  const extra = Object.entries(value).filter(([key]) => !KNOWN.has(key));
  if (extra.length > 0) out.extra = Object.fromEntries(extra);
  return out;
}

function readExtensions(m: BencodeValue | undefined): Map<string, number> {
  const extensions = new Map<string, number>();
  if (m === undefined) return extensions;
  if (!isDict(m)) fail("m is not a dictionary");
  for (const [name, id] of Object.entries(m)) {
    if (!isInt(id) || id < 0 || id > 255) fail(`m.${name} is not an id from 0 to 255`);
    extensions.set(name, id);
  }
  return extensions;
}

function isDict(value: BencodeValue | undefined): value is BencodeDict {
  return typeof value === "object" && !(value instanceof Uint8Array) && !Array.isArray(value);
}

function isInt(value: BencodeValue | undefined): value is number {
  return typeof value === "number";
}

function fail(detail: string): never {
  throw new WireError("bad-extension-handshake", detail);
}
