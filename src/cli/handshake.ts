/**
 * `torrent handshake <file.torrent> HOST:PORT`: connects to a peer and
 * prints who it is.
 *
 * @module
 */

import { parseAddress } from "../../transports/mod.ts";
import { tcpTransport } from "../../transports/tcp.ts";
import { toHex } from "../bytes.ts";
import { readFlags } from "../wire/handshake.ts";
import { clientName, makePeerId } from "../wire/peer_id.ts";
import { PeerWire } from "../wire/peer_wire.ts";
import { type Command, parse, UsageError } from "./_cli.ts";
import { wireInfoHash } from "./_info_hash.ts";
import { loadTorrentOrMagnet } from "./_load.ts";

/** The `handshake` subcommand. */
export const handshakeCommand: Command = {
  summary: "connect to a peer and print its peer id, client and extensions",
  usage: `Usage: torrent handshake <file.torrent|magnet> HOST:PORT [--json]

Connects over TCP, exchanges the BitTorrent handshake (and the BEP 10
extension handshake when both support it), prints what the peer said, and
disconnects.`,
  async run(args, io) {
    const { values, positionals } = parse(args, { json: { type: "boolean" } });
    if (positionals.length !== 2) throw new UsageError("handshake takes a torrent and HOST:PORT");
    let address;
    try {
      address = parseAddress(positionals[1]!);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const loaded = await loadTorrentOrMagnet(positionals[0]!);
    const conn = await tcpTransport().dial(address, { signal: AbortSignal.timeout(10_000) });
    const wire = await PeerWire.connect(conn, {
      infoHash: wireInfoHash(loaded),
      peerId: makePeerId(),
    });
    try {
      const remote = wire.remote;
      const flags = readFlags(remote.reserved);
      const ext = wire.peerExtensions;
      const report = {
        peerId: toHex(remote.peerId),
        client: clientName(remote.peerId),
        version: ext?.client ?? null,
        reserved: toHex(remote.reserved),
        extensions: {
          fast: flags.fast,
          extended: flags.extended,
          dht: flags.dht,
          v2: flags.v2,
        },
        extended: ext
          ? {
            messages: Object.fromEntries(ext.extensions),
            port: ext.port ?? null,
            reqq: ext.requestQueue ?? null,
            metadataSize: ext.metadataSize ?? null,
          }
          : null,
      };
      if (values.json) {
        io.out(JSON.stringify(report) + "\n");
        return;
      }
      io.out(`peer id:    ${report.peerId} (${report.client})\n`);
      if (report.version) io.out(`client:     ${report.version}\n`);
      const bits = Object.entries(report.extensions).filter(([, on]) => on).map(([n]) => n);
      io.out(`extensions: ${bits.join(", ") || "none"}\n`);
      if (report.extended) {
        const names = Object.entries(report.extended.messages).map(([n, id]) => `${n}=${id}`);
        io.out(`BEP 10:     ${names.join(" ") || "(no messages)"}`);
        if (report.extended.reqq !== null) io.out(` reqq=${report.extended.reqq}`);
        io.out("\n");
      }
    } finally {
      wire.close("local", "handshake done");
    }
  },
};
