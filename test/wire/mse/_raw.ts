/**
 * MSE by hand for the tests: real loopback TCP pairs, and an initiator
 * whose every field can be set or broken (VC, crypto_provide, padding
 * lengths, initial payload, info hash), built from the library's own
 * primitives.
 *
 * @module
 */

import { concatBytes } from "../../../src/bytes.ts";
import { ByteReader } from "../../../src/wire/mse/_reader.ts";
import { view } from "../../../src/wire/mse/_steps.ts";
import { dhKeys, dhSecret } from "../../../src/wire/mse/dh.ts";
import { type Ciphers, ciphersFor, labelled, xor20 } from "../../../src/wire/mse/keys.ts";
import type { Conn } from "../../../transports/mod.ts";
import { tcpTransport } from "../../../transports/tcp.ts";

/** A connected TCP pair on 127.0.0.1: [the dialler's end, the listener's end]. */
export async function tcpPair(): Promise<[Conn, Conn]> {
  const transport = tcpTransport();
  const listener = await transport.listen({ host: "127.0.0.1", port: 0 });
  try {
    const accepted = listener[Symbol.asyncIterator]().next();
    const dialled = await transport.dial(listener.address);
    return [dialled, (await accepted).value as Conn];
  } finally {
    listener.close();
  }
}

/** What the hand-made initiator sends. */
export interface RawInitiator {
  /** SKEY. */
  infoHash: Uint8Array;
  /** crypto_provide; default 0x03. */
  provide?: number;
  /** PadA's length; default 0. */
  padA?: number;
  /** PadC's length as written in len(PadC); default 0. */
  padC?: number;
  /** PadC bytes actually sent; default len(PadC), at most 600. */
  padCSent?: number;
  /** IA; default none. */
  ia?: Uint8Array;
  /** VC; default 8 zero bytes. */
  vc?: Uint8Array;
}

/** The initiator after step 3: its reader, writer and ciphers, to go on by hand. */
export interface RawSession {
  input: ByteReader;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  ciphers: Ciphers;
}

/**
 * Runs steps 1 and 3 of the initiator as told (step 3 after reading Yb).
 *
 * @param conn The dialled connection.
 * @param raw The fields to send.
 * @returns The session, to read step 4 by hand.
 */
export async function rawInitiator(conn: Conn, raw: RawInitiator): Promise<RawSession> {
  const input = new ByteReader(conn.readable.getReader());
  const writer = conn.writable.getWriter();
  const keys = dhKeys();
  await writer.write(concatBytes([keys.publicKey, new Uint8Array(raw.padA ?? 0)]));
  const secret = dhSecret(keys, await input.take(96, "Yb"))!;
  const ciphers = await ciphersFor(secret, raw.infoHash, true);
  const padC = raw.padC ?? 0;
  const ia = raw.ia ?? new Uint8Array(0);
  const padCSent = raw.padCSent ?? Math.min(padC, 600);
  const tail = new Uint8Array(8 + 4 + 2 + padCSent + 2 + ia.length);
  tail.set(raw.vc ?? new Uint8Array(8));
  view(tail).setUint32(8, raw.provide ?? 0x03);
  view(tail).setUint16(12, padC);
  const afterPad = 14 + padCSent;
  view(tail).setUint16(afterPad, ia.length);
  tail.set(ia, afterPad + 2);
  await writer.write(concatBytes([
    await labelled("req1", secret),
    xor20(await labelled("req2", raw.infoHash), await labelled("req3", secret)),
    ciphers.encrypt.apply(tail),
  ]));
  return { input, writer, ciphers };
}

/**
 * Reads step 4 by hand.
 *
 * @returns crypto_select.
 */
export async function readStep4(session: RawSession): Promise<number> {
  const { input, ciphers } = session;
  await input.skipPast(ciphers.decrypt.apply(new Uint8Array(8)), 512, "VC");
  const head = view(ciphers.decrypt.apply(await input.take(6, "crypto_select")));
  ciphers.decrypt.apply(await input.take(head.getUint16(4), "PadD"));
  return head.getUint32(0);
}
