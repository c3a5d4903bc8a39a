/**
 * Helpers for interop tests that drive real tools (mktorrent, Transmission,
 * libtorrent): find them, skip politely when one is missing outside CI, and
 * run them.
 *
 * @module
 */

/** Debian's python with the libtorrent bindings (the first python on PATH may lack them). */
export const PYTHON = "/usr/bin/python3";

/** The output of a finished command. */
export interface RunResult {
  /** Exit code. */
  code: number;
  /** Standard output as UTF-8 text. */
  stdout: string;
  /** Standard error as UTF-8 text. */
  stderr: string;
}

/** Options for {@link run}. */
export interface RunOptions {
  /** Working directory. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Bytes written to the command's standard input (otherwise it gets none). */
  stdin?: Uint8Array;
  /** Kills the command. */
  signal?: AbortSignal;
}

/**
 * Runs a command to completion and collects its output. Standard input is
 * never inherited: the command reads `opts.stdin`, or nothing.
 *
 * @example
 * ```ts
 * import { run } from "./_tools.ts";
 * const { code, stdout } = await run(["echo", "hi"]);
 * console.assert(code === 0 && stdout === "hi\n");
 * ```
 *
 * @param cmd The program and its arguments.
 * @param opts Working directory, environment, input and an abort signal.
 * @returns The exit code and the decoded standard output and error.
 */
export async function run(cmd: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [program, ...args] = cmd;
  if (program === undefined) throw new TypeError("Cannot run an empty command");
  const command = new Deno.Command(program, {
    args,
    stdin: opts.stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    ...(opts.env === undefined ? {} : { env: opts.env }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  const child = command.spawn();
  if (opts.stdin) {
    const writer = child.stdin.getWriter();
    await writer.write(opts.stdin);
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

/**
 * Tells whether a tool can be run: an executable file at an absolute path or
 * on `PATH`, or, for the name `"libtorrent"`, a {@link PYTHON} that can
 * `import libtorrent`.
 *
 * @example
 * ```ts
 * import { haveTool } from "./_tools.ts";
 * console.assert(await haveTool("sh"));
 * console.assert(!(await haveTool("no-such-tool-here")));
 * ```
 *
 * @param name A program name, an absolute path, or `"libtorrent"`.
 * @returns True when the tool is there.
 */
export async function haveTool(name: string): Promise<boolean> {
  if (name === "libtorrent") {
    if (!(await isExecutable(PYTHON))) return false;
    return (await run([PYTHON, "-c", "import libtorrent"])).code === 0;
  }
  if (name.includes("/")) return await isExecutable(name);
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir && await isExecutable(`${dir}/${name}`)) return true;
  }
  return false;
}

/**
 * Checks that a tool is there before a test uses it. Outside CI a missing
 * tool prints `skipping: <tool> is not installed` and gives false, so the
 * test can be skipped; in CI (`CI=true`) every interop test must run, so a
 * missing tool throws.
 *
 * @example
 * ```ts
 * import { requireTool } from "./_tools.ts";
 * const ok = await requireTool("sh");
 * console.assert(ok);
 * ```
 *
 * @param name A program name, an absolute path, or `"libtorrent"`.
 * @returns True when the tool is there, false when the test should skip.
 * @throws {Error} When the tool is missing and `CI` is `"true"`.
 */
export async function requireTool(name: string): Promise<boolean> {
  if (await haveTool(name)) return true;
  if (Deno.env.get("CI") === "true") {
    throw new Error(`${name} is not installed, and CI must run every interop test`);
  }
  console.log(`skipping: ${name} is not installed`);
  return false;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const stat = await Deno.stat(path);
    return stat.isFile && (stat.mode === null || (stat.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}
