/**
 * The handshake exchange of a `PeerWire`: BEP 3 handshakes (the dialler
 * first, or the receiver after its accept callback), what the reserved bits
 * agree, and the BEP 10 extension handshakes when both sides support them.
 *
 * @module
 */

import { bytesEqual, toHex } from "../bytes.ts";
import type { Link } from "./_link.ts";
import { encodeExtensionHandshake } from "./extension_handshake.ts";
import {
  encodeHandshake,
  type Handshake,
  HANDSHAKE_BYTES,
  type HandshakeFlags,
} from "./handshake.ts";
import { parseHandshake, readFlags, reservedBytes } from "./handshake.ts";
import type { AcceptTorrent, TorrentSettings } from "./peer_wire_options.ts";
import { WireError } from "./wire_error.ts";

/** What we announce unless told otherwise: BEP 6 and BEP 10. */
const DEFAULT_FLAGS: Partial<HandshakeFlags> = { fast: true, extended: true };

/** Which side we are: dialling for an info hash, or deciding what to serve. */
export type Role = { infoHash: Uint8Array } | { accept: AcceptTorrent };

/**
 * Runs the exchange to its end.
 *
 * @param link The connection.
 * @param role The info hash we dial for, or the callback that decides what we serve.
 * @returns The peer's handshake.
 * @throws {WireError} When the peer fails the handshake; whatever `accept` throws.
 */
export async function exchange(link: Link, role: Role): Promise<Handshake> {
  const { inbox, options, limits } = link;
  let settings: TorrentSettings = options;
  if ("infoHash" in role) sendHandshake(link, role.infoHash, settings);
  const head = await inbox.readAtLeast(HANDSHAKE_BYTES) ?? link.throwClosed();
  const remote = parseHandshake(head.subarray(0, HANDSHAKE_BYTES));
  if ("infoHash" in role && !bytesEqual(role.infoHash, remote.infoHash)) {
    const detail = `asked for ${toHex(role.infoHash)}, got ${toHex(remote.infoHash)}`;
    throw new WireError("info-hash-mismatch", detail);
  }
  if ("accept" in role) {
    const answer = await role.accept(remote.infoHash, remote);
    if (inbox.done) link.throwClosed();
    if (!answer) throw new WireError("unknown-info-hash", `refused ${toHex(remote.infoHash)}`);
    if (answer !== true) settings = { ...settings, ...answer };
    sendHandshake(link, remote.infoHash, settings);
  }
  const ours = settings.flags ?? DEFAULT_FLAGS;
  const theirs = readFlags(remote.reserved);
  inbox.agree({
    fast: !!ours.fast && theirs.fast,
    extended: !!ours.extended && theirs.extended,
    limits,
    torrent: settings.torrent ?? null,
  });
  if (inbox.state.extended) {
    const defaults = { extensions: new Map(), requestQueue: limits.maxPeerRequests };
    const payload = encodeExtensionHandshake({ ...defaults, ...settings.extensionHandshake });
    link.send({ type: "extended", id: 0, payload });
  }
  inbox.ingest(head.subarray(HANDSHAKE_BYTES));
  while (inbox.state.extended && !inbox.peerExtensions) {
    inbox.ingest(await inbox.read() ?? link.throwClosed());
  }
  inbox.opening = false;
  return remote;
}

function sendHandshake(link: Link, infoHash: Uint8Array, settings: TorrentSettings): void {
  const { flags = DEFAULT_FLAGS } = settings;
  link.write(
    encodeHandshake({ reserved: reservedBytes(flags), infoHash, peerId: link.options.peerId }),
  );
}
