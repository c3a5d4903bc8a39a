/**
 * TCP, with the implementation for the running runtime loaded on first use:
 * `Deno.connect`/`Deno.listen` under Deno (about twice as fast there as
 * `node:net`), `node:net` under Node. A browser bundle never runs either.
 *
 * @example
 * ```ts
 * import { tcpTransport } from "./tcp.ts";
 * const tcp = tcpTransport();
 * const listener = await tcp.listen({ host: "127.0.0.1" });
 * const dialled = await tcp.dial(listener.address);
 * for await (const accepted of listener) {
 *   await dialled.writable.getWriter().write(new Uint8Array([42]));
 *   const { value } = await accepted.readable.getReader().read();
 *   console.assert(value?.[0] === 42);
 *   accepted.close();
 *   break;
 * }
 * listener.close();
 * await dialled.closed;
 * ```
 *
 * @module
 */

import { runtime } from "../src/runtime.ts";
import type { Transport } from "./mod.ts";

let implementation: Promise<Transport> | undefined;

/**
 * The TCP transport for this runtime.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { tcpTransport } from "./tcp.ts";
 *
 * const tcp = tcpTransport();
 * const listener = await tcp.listen({ host: "127.0.0.1", port: 0 });
 * const dialled = await tcp.dial(listener.address);
 * for await (const accepted of listener) {
 *   await dialled.writable.getWriter().write(new Uint8Array([42]));
 *   deepStrictEqual((await accepted.readable.getReader().read()).value, new Uint8Array([42]));
 *   accepted.close();
 *   break;
 * }
 * listener.close();
 * await dialled.closed;
 * ```
 *
 * @returns A transport whose `dial` and `listen` load the runtime's implementation on first use
 *   and reject in a browser, which has no TCP.
 */
export function tcpTransport(): Transport {
  return {
    name: "tcp",
    dial: async (address, options) => (await load()).dial(address, options),
    listen: async (options) => (await load()).listen(options),
  };
}

function load(): Promise<Transport> {
  implementation ??= runtime === "deno"
    ? import("./tcp_deno.ts").then((m) => m.denoTcpTransport())
    : runtime === "node"
    ? import("./tcp_node.ts").then((m) => m.nodeTcpTransport())
    : Promise.reject(new Error("This runtime has no TCP sockets; use WebRTC"));
  return implementation;
}
