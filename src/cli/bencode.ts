/**
 * `torrent bencode <file>`: prints any bencoded file as JSON.
 *
 * @module
 */

import { toHex, utf8OrNull } from "../bytes.ts";
import { decodeBencode } from "../metainfo/bencode.ts";
import { keyBytes } from "../metainfo/bencode_keys.ts";
import type { BencodeValue } from "../metainfo/types.ts";
import { fileSystem } from "../runtime.ts";
import { type Command, parse, UsageError } from "./_cli.ts";

/** The `bencode` subcommand. */
export const bencodeCommand: Command = {
  summary: "print any bencoded file (a .torrent, a tracker reply) as JSON",
  usage: `Usage: torrent bencode <file>

Prints the file as JSON. Integers are numbers; byte strings that are UTF-8
are strings, others are {"hex": "..."}; dictionary keys that are not UTF-8
are written as "hex:...".`,
  async run(args, io) {
    const { positionals } = parse(args, {});
    if (positionals.length !== 1) throw new UsageError("bencode takes one file");
    const fs = await fileSystem();
    const path = positionals[0]!;
    const bytes = await fs.readFile(path).catch((error: Error) => {
      throw new Error(`Cannot read "${path}": ${error.message}`);
    });
    io.out(JSON.stringify(toJson(decodeBencode(bytes).value), null, 2) + "\n");
  },
};

/** A JSON view of a bencode value. */
export function toJson(value: BencodeValue): unknown {
  if (typeof value === "number") return value;
  if (value instanceof Uint8Array) {
    const text = utf8OrNull(value);
    return text ?? { hex: toHex(value) };
  }
  if (Array.isArray(value)) return value.map(toJson);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const bytes = keyBytes(key);
    out[utf8OrNull(bytes) === null ? `hex:${toHex(bytes)}` : key] = toJson(item);
  }
  return out;
}
