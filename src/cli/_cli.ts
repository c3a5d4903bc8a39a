/**
 * What every subcommand shares: argument parsing with usage errors, output,
 * and the exit-code convention (0 done, 1 bad input, 2 bad usage).
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";

/** Wrong arguments: the command prints its usage and exits with 2. */
export class UsageError extends Error {
  /** @param message What is wrong with the arguments. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Where a command writes. Tests pass their own. */
export interface Io {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** True when standard error is a terminal (progress lines may redraw). */
  errIsTerminal: boolean;
}

/** A subcommand: its usage text and what it does. */
export interface Command {
  /** One-line summary for the command list. */
  summary: string;
  /** Full usage text for `--help`. */
  usage: string;
  /** Runs the command; throws UsageError for bad arguments. */
  run(args: string[], io: Io): Promise<void>;
}

/**
 * Parses arguments strictly; unknown options and missing values become
 * `UsageError`s.
 *
 * @param args The command's arguments.
 * @param options The options it takes (node:util `parseArgs` form).
 * @returns The option values and positional arguments.
 */
export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0]!);
  }
}

/** Human-readable size: `1.5 MiB`. */
export function humanSize(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Human-readable size with the exact count: `1.5 MiB (1572864 bytes)`. */
export function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${humanSize(bytes)} (${bytes} bytes)`;
}

/** Parses a byte count like `262144`, `256K`, `256KiB` or `4M`. */
export function parseBytes(text: string, option: string): number {
  const match = /^(\d+)\s*([KMG]?)(i?B)?$/i.exec(text.trim());
  if (!match) {
    throw new UsageError(`${option} takes a size in bytes like 262144 or 256K, not "${text}"`);
  }
  const scale = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2]!.toUpperCase()]!;
  return Number(match[1]) * scale;
}
