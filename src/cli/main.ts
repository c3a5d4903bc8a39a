/**
 * The `torrent` command: `deno task torrent <command> ...`, or
 * `deno run --allow-read --allow-write jsr:@seed/torrent/cli <command>`.
 *
 * Exit codes: 0 on success, 1 with a one-line error on bad input, 2 with the
 * usage on bad arguments.
 *
 * @module
 */

import { type Command, type Io, UsageError } from "./_cli.ts";
import { announceCommand, scrapeCommand } from "./announce.ts";
import { bencodeCommand } from "./bencode.ts";
import { handshakeCommand } from "./handshake.ts";
import { downloadCommand } from "./download.ts";
import { seedCommand } from "./seed.ts";
import { serveCommand } from "./serve.ts";
import { createCommand } from "./create.ts";
import { infoCommand } from "./info.ts";
import { magnetCommand } from "./magnet.ts";
import { trackerCommand } from "./tracker.ts";

/** Every subcommand by name. */
export const commands: Record<string, Command> = {
  info: infoCommand,
  create: createCommand,
  magnet: magnetCommand,
  bencode: bencodeCommand,
  download: downloadCommand,
  seed: seedCommand,
  serve: serveCommand,
  announce: announceCommand,
  scrape: scrapeCommand,
  handshake: handshakeCommand,
  tracker: trackerCommand,
};

const usage = `Usage: torrent <command> [options]

Commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`).join("\n")}

Run "torrent <command> --help" for a command's options.`;

/**
 * Runs the CLI.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * let text = "";
 * const io = { out: (t: string) => text += t, err: () => {}, errIsTerminal: false };
 * console.assert(await main(["--help"], io) === 0 && text.includes("Usage"));
 * ```
 *
 * @param args Arguments after the program name.
 * @param io Where to write (defaults to the process's standard streams).
 * @returns The exit code.
 */
export async function main(args: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(usage + "\n");
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command || !Object.hasOwn(commands, name)) {
    io.err(`torrent: unknown command "${name}"\n\n${usage}\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(command.usage + "\n");
    return 0;
  }
  try {
    await command.run(rest, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`torrent ${name}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`torrent ${name}: ${message.split("\n")[0]}\n`);
    return 1;
  }
}

/** Standard output and error of this process, in Deno or Node. */
function processIo(): Io {
  const encoder = new TextEncoder();
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (deno) {
    const writer = (stream: { writeSync(data: Uint8Array): number }) => (text: string) => {
      const data = encoder.encode(text);
      for (let at = 0; at < data.length;) at += stream.writeSync(data.subarray(at));
    };
    return {
      out: writer(deno.stdout),
      err: writer(deno.stderr),
      errIsTerminal: deno.stderr.isTerminal(),
    };
  }
  const proc = (globalThis as unknown as {
    process: { stdout: NodeStream; stderr: NodeStream & { isTTY?: boolean } };
  }).process;
  return {
    out: (text) => proc.stdout.write(text),
    err: (text) => proc.stderr.write(text),
    errIsTerminal: proc.stderr.isTTY === true,
  };
}

interface NodeStream {
  write(text: string): unknown;
}

if (import.meta.main) {
  const code = await main(
    (globalThis as { Deno?: typeof Deno }).Deno?.args ??
      (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2),
  );
  const g = globalThis as unknown as {
    Deno?: typeof Deno;
    process?: { exit(code: number): never };
  };
  if (g.Deno) g.Deno.exit(code);
  else g.process?.exit(code);
}
