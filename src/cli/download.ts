/**
 * `torrent download <file.torrent> -o <dir>`: downloads, verifies, and exits
 * when complete (or keeps seeding with `--seed`).
 *
 * @module
 */

import { memoryStorage } from "../storage/memory.ts";
import { type Command, parse, UsageError } from "./_cli.ts";
import { addNamedTorrent, addOptions, addUsage, selectInput, startClient } from "./_add.ts";
import {
  interrupted,
  peerUsage,
  progressJson,
  sessionInputs,
  sessionOptions,
  showProgress,
} from "./_session.ts";
import { fileSystem } from "../runtime.ts";

/** The `download` subcommand. */
export const downloadCommand: Command = {
  summary: "download a torrent, verify it, exit when complete",
  usage: `Usage: torrent download <file.torrent|magnet> -o <dir> [options]

Downloads into <dir>: a single-file torrent at <dir>/<name>, a multi-file one
under <dir>/<name>/. Data already there is checked and kept. Exits 0 once
every piece is downloaded and verified.

Options:
  -o, --output DIR         download folder (with --piece: the file to write)
  --peer HOST:PORT         a peer to dial; repeatable
  --announce URL           an extra tracker (http, https, udp, ws, wss); repeatable
  --port N                 port to accept peers on (default 6881, 0 picks one)
${peerUsage}
  --seed                   keep seeding after the download, until Ctrl-C
  --piece N                fetch only piece N, verified, and write it to -o
  --json                   progress as newline-delimited JSON on stdout
  --quiet                  no progress output
${addUsage}`,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      ...sessionOptions,
      ...addOptions,
      output: { type: "string", short: "o" },
      seed: { type: "boolean" },
      piece: { type: "string" },
    });
    if (positionals.length !== 1) {
      throw new UsageError("download takes one .torrent file or magnet");
    }
    if (!values.output) throw new UsageError("download needs -o <dir>");
    const piece = values.piece === undefined ? null : Number(values.piece);
    if (piece !== null && (!Number.isInteger(piece) || piece < 0)) {
      throw new UsageError(`--piece takes a piece number, not "${values.piece}"`);
    }
    const { peers, announce, ...where } = sessionInputs(values);
    const client = await startClient(where, values, io);
    const stop = interrupted();
    try {
      const torrent = await addNamedTorrent(client, positionals[0]!, {
        peers,
        announce,
        values,
        io,
      }, {
        paused: true,
        ...selectInput(values),
        ...(piece === null ? { dir: values.output } : { storage: memoryStorage() }),
      });
      const pieceCount = torrent.meta.pieceCount;
      if (piece !== null && piece >= pieceCount) {
        throw new Error(`piece ${piece} does not exist: the torrent has ${pieceCount}`);
      }
      // The first record shows what was found on disk, before anything is fetched.
      if (values.json) io.out(JSON.stringify({ ...progressJson(torrent), type: "checked" }) + "\n");
      if (piece !== null) torrent.select([piece]);
      torrent.resume();
      if (piece !== null) {
        const got = new Promise<void>((resolve) =>
          torrent.addEventListener("piece", (e) => {
            if ((e as CustomEvent<number>).detail === piece) resolve();
          })
        );
        await showProgress(torrent, io, values, Promise.race([got, stop.promise]));
        if (!torrent.pieces.get(piece)) throw new Error("interrupted");
        const fs = await fileSystem();
        await fs.writeFile(values.output, await torrent.readPiece(piece));
        if (!values.json) io.err(`wrote piece ${piece} to ${values.output}\n`);
        return;
      }
      const finished = Promise.race([
        torrent.done.then(() => true),
        stop.promise.then(() => false),
      ]);
      await showProgress(torrent, io, values, finished);
      if (!(await finished)) throw new Error("interrupted before the download completed");
      if (values.json) io.out(JSON.stringify({ type: "done", infoHash: torrent.infoHash }) + "\n");
      if (values.seed) {
        if (!values.json && !values.quiet) io.err("complete; seeding until Ctrl-C\n");
        await showProgress(torrent, io, values, stop.promise);
      }
    } finally {
      stop.dispose();
      await client.close();
    }
  },
};
