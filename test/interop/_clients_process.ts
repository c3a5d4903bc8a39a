/**
 * Runs a real client as a child process that cannot outlive the test: it is
 * started under `_libtorrent.py guard` (or is the libtorrent helper itself),
 * which ends it when its standard input closes, and standard input is a
 * pipe from this process. So `stop()`, a failing test and even a killed
 * `deno test` all end it.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { LOOPBACK } from "./_clients_peer.ts";
import { PYTHON } from "./_tools.ts";

/** `_libtorrent.py`, next to this file. */
export const LT_HELPER: string = fileURLToPath(new URL("./_libtorrent.py", import.meta.url));

/** Lines of output kept for failure messages. */
const TAIL_LINES = 12;

/** Milliseconds `stop()` waits for a clean exit before SIGKILL. */
const STOP_GRACE_MS = 10_000;

/** A child process with its recent output. */
export class ChildProcess {
  /** Settles when the process has exited. */
  readonly exited: Promise<Deno.CommandStatus>;
  #child: Deno.ChildProcess;
  #tail: string[] = [];
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #reading: Promise<unknown>;
  #stopping: Promise<void> | null = null;

  /**
   * Starts `cmd`. With `guard`, it runs under `_libtorrent.py guard`;
   * without, the program must exit by itself when its standard input closes.
   * `onLine` sees every line of standard output.
   */
  constructor(
    cmd: readonly string[],
    options: { guard: boolean; onLine?: (line: string) => void; cwd?: string },
  ) {
    const argv = options.guard ? [PYTHON, LT_HELPER, "guard", ...cmd] : [...cmd];
    this.#child = new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    this.#reading = Promise.all([
      this.#readLines(this.#child.stdout, options.onLine),
      this.#readLines(this.#child.stderr),
    ]);
    this.exited = this.#child.status;
  }

  /** The process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** The last lines it printed (standard output and error), joined. */
  tail(): string {
    return this.#tail.join(" | ");
  }

  /** Writes a line to its standard input. */
  async writeLine(line: string): Promise<void> {
    await this.#stdin.write(new TextEncoder().encode(`${line}\n`));
  }

  /** Closes its standard input (the signal to stop), waits, and kills it if it lingers. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#stdin.close().catch(() => {});
      let timer: ReturnType<typeof setTimeout> | undefined;
      const lingering = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), STOP_GRACE_MS);
      });
      const result = await Promise.race([this.exited, lingering]);
      clearTimeout(timer);
      if (result === "late") {
        try {
          this.#child.kill("SIGKILL");
        } catch {
          // it exited meanwhile
        }
        await this.exited;
      }
      await this.#reading;
    })();
    return this.#stopping;
  }

  async #readLines(stream: ReadableStream<Uint8Array>, onLine?: (line: string) => void) {
    let rest = "";
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + text).split("\n");
      rest = lines.pop()!;
      for (const line of lines) this.#take(line, onLine);
    }
    if (rest) this.#take(rest, onLine);
  }

  #take(line: string, onLine?: (line: string) => void): void {
    if (onLine) onLine(line);
    if (line.trim() === "" || line.startsWith('{"type": "status"')) return;
    this.#tail.push(line.trim().slice(0, 300));
    if (this.#tail.length > TAIL_LINES) this.#tail.shift();
  }
}

/** A port free on 127.0.0.1 for both TCP and UDP at the time of asking. */
export function freePort(): number {
  for (;;) {
    const listener = Deno.listen({ hostname: LOOPBACK, port: 0 });
    const { port } = listener.addr;
    listener.close();
    try {
      Deno.listenDatagram({ transport: "udp", hostname: LOOPBACK, port }).close();
      return port;
    } catch {
      // taken for UDP: pick another
    }
  }
}

/**
 * Calls `poll` every `everyMs` until `signal` aborts; a throwing poll is
 * reported to `onError` and polling goes on.
 */
export async function pollUntilAborted(
  poll: () => Promise<void>,
  everyMs: number,
  signal: AbortSignal,
  onError: (error: unknown) => void,
): Promise<void> {
  while (!signal.aborted) {
    try {
      await poll();
    } catch (error) {
      if (!signal.aborted) onError(error);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Waits for an HTTP endpoint on loopback to answer at all (any status), or throws. */
export async function waitForHttp(
  url: string,
  what: string,
  exited: Promise<unknown>,
  timeoutMs = 15_000,
): Promise<void> {
  let gone = false;
  exited.then(() => gone = true);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${what} exited before its RPC answered`);
    try {
      const response = await fetch(url, { method: "POST", body: "{}" });
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`${what}: its RPC at ${url} did not answer within ${timeoutMs / 1000} s`);
}
