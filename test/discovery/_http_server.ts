/**
 * A scripted HTTP tracker on 127.0.0.1 for tests: each test says what to
 * answer, and the raw request URLs are kept for checking the query.
 *
 * @module
 */

/** A running scripted server. */
export interface ScriptedHttp {
  /** `http://127.0.0.1:PORT` + `path`. */
  url(path?: string): string;
  /** Raw request targets (`/announce?...`), in arrival order. */
  readonly requests: string[];
  /** Releases handlers waiting on {@link ScriptedHttp.hang} and shuts the server down. */
  close(): Promise<void>;
  /** A promise for handlers that must not answer until the server closes. */
  readonly hang: Promise<void>;
}

/**
 * Serves `handler` on a free loopback port.
 *
 * @param handler Answers a request, given its raw target.
 */
export function scriptedHttp(
  handler: (target: string, server: ScriptedHttp) => Response | Promise<Response>,
): ScriptedHttp {
  const released = Promise.withResolvers<void>();
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const url = new URL(request.url);
    const target = url.pathname + url.search;
    requests.push(target);
    return handler(target, scripted);
  });
  const scripted: ScriptedHttp = {
    url: (path = "/announce") => `http://127.0.0.1:${server.addr.port}${path}`,
    requests,
    hang: released.promise,
    async close() {
      released.resolve();
      await server.shutdown();
    },
  };
  return scripted;
}

/** A response whose body is exactly these bytes. */
export function bytesResponse(body: Uint8Array | string, status = 200): Response {
  const bytes = typeof body === "string" ? latin1(body) : body;
  return new Response(bytes as Uint8Array<ArrayBuffer>, { status });
}

/** Bytes of a string whose characters are all below U+0100, one byte each. */
export function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** A port on 127.0.0.1 with nothing listening (it was free a moment ago). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}
