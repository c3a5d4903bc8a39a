/**
 * Dials one peer over several transports in order of preference, each given
 * a head start before the next joins in ("happy eyeballs"): a peer that
 * answers uTP gets a uTP connection, and a peer that does not (a TCP-only
 * client drops the SYN without a word) costs the head start, not the whole
 * uTP connect timeout.
 *
 * @module
 */

import type { Conn, PeerAddress, Transport } from "../../transports/mod.ts";

/**
 * Dials `address` over `transports`: the first starts at once, each next one
 * when the one before fails or has run `headStartMs` without connecting. The
 * first connection wins; dials still running are aborted and connections
 * that arrive later are closed.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { MemoryNetwork } from "../../transports/memory.ts";
 * import { staggeredDial } from "./staggered_dial.ts";
 *
 * const network = new MemoryNetwork();
 * const transport = network.transport("10.0.0.1");
 * const listener = await transport.listen({ port: 6881 });
 * const conn = await staggeredDial([transport], listener.address, { headStartMs: 300 });
 * strictEqual(conn.remoteAddress?.port, 6881);
 * conn.close();
 * listener.close();
 * ```
 *
 * @param transports In order of preference; at least one.
 * @param address The peer.
 * @param options The head start each transport has over the next, and a signal to give up.
 * @returns The first connection made.
 * @throws {Error} The last transport's error when every one failed, or the
 *   signal's reason when aborted.
 */
export function staggeredDial(
  transports: readonly Transport[],
  address: PeerAddress,
  options: { headStartMs: number; signal?: AbortSignal },
): Promise<Conn> {
  const abort = new AbortController();
  const outer = options.signal;
  return new Promise<Conn>((resolve, reject) => {
    let settled = false;
    let next = 0;
    let running = 0;
    let lastError: unknown = new Error("no transport to dial with");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (error: unknown, conn?: Conn) => {
      settled = true;
      clearTimeout(timer);
      outer?.removeEventListener("abort", onAbort);
      abort.abort();
      if (conn) resolve(conn);
      else reject(error);
    };
    const onAbort = () => finish(outer!.reason);
    const startNext = () => {
      clearTimeout(timer);
      if (settled || next >= transports.length) {
        if (!settled && running === 0) finish(lastError);
        return;
      }
      const transport = transports[next++]!;
      running++;
      timer = setTimeout(startNext, options.headStartMs);
      transport.dial(address, { signal: abort.signal }).then((conn) => {
        running--;
        if (settled) conn.close();
        else finish(null, conn);
      }, (error) => {
        running--;
        if (settled) return;
        lastError = error;
        startNext();
      });
    };
    if (outer?.aborted) return reject(outer.reason);
    outer?.addEventListener("abort", onAbort, { once: true });
    startNext();
  });
}
