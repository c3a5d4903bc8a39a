/**
 * A `PeerWire` opened (as the receiver) against a scripted raw peer, for
 * tests that feed it hand-made bytes.
 *
 * @module
 */

import { concatBytes } from "../../src/bytes.ts";
import type { Limits } from "../../src/limits.ts";
import { encodeMessage } from "../../src/wire/encode.ts";
import { encodeExtensionHandshake } from "../../src/wire/extension_handshake.ts";
import type { HandshakeFlags } from "../../src/wire/handshake.ts";
import type { Message } from "../../src/wire/messages.ts";
import { makePeerId } from "../../src/wire/peer_id.ts";
import type { TorrentShape } from "../../src/wire/torrent_shape.ts";
import type { CloseInfo } from "../../src/wire/peer_wire_options.ts";
import { PeerWire } from "../../src/wire/peer_wire.ts";
import { INFO_HASH, RawPeer } from "./_helpers.ts";
import { connPair } from "./_conns.ts";

/** What the scripted peer announces and what the wire knows. */
export interface ScriptOptions {
  /** Extensions the raw peer announces (default BEP 6 only). */
  peerFlags?: Partial<HandshakeFlags>;
  /** Extensions the wire announces (default BEP 6 and BEP 10). */
  flags?: Partial<HandshakeFlags>;
  /** The wire's limits. */
  limits?: Partial<Limits>;
  /** The torrent's shape (default 10 pieces of 32 KiB, the last of 1000 bytes). */
  torrent?: TorrentShape | null;
}

/** The default torrent: 10 pieces of 32 KiB, the last of 1000 bytes. */
export const SHAPE: TorrentShape = { pieceCount: 10, pieceLength: 32768, lastPieceLength: 1000 };

/** Opens a wire against a raw peer that has sent and read the handshakes. */
export async function scripted(
  options: ScriptOptions = {},
): Promise<{ wire: PeerWire; peer: RawPeer }> {
  const [a, b] = connPair();
  const peer = new RawPeer(a);
  const peerFlags = options.peerFlags ?? { fast: true };
  const opening = PeerWire.accept(b, {
    peerId: makePeerId(),
    accept: () => ({ torrent: options.torrent === undefined ? SHAPE : options.torrent }),
    ...(options.flags ? { flags: options.flags } : {}),
    limits: { idleTimeoutMs: 2000, ...options.limits }, // a missed fault fails fast
  });
  await peer.sendHandshake(INFO_HASH, makePeerId("-XX0000-"), peerFlags);
  await peer.read(68);
  if (peerFlags.extended && (options.flags?.extended ?? true)) {
    await peer.readMessage(); // the wire's extension handshake
    const payload = encodeExtensionHandshake({ extensions: new Map([["ut_metadata", 2]]) });
    await peer.send(encodeMessage({ type: "extended", id: 0, payload }));
  }
  return { wire: await opening, peer };
}

/** Sends messages from the raw peer in one chunk, iterates the wire to its end, and says how it closed. */
export async function feed(
  wire: PeerWire,
  peer: RawPeer,
  ...messages: (Message | Uint8Array)[]
): Promise<{ received: Message[]; info: CloseInfo }> {
  const received: Message[] = [];
  const reading = (async () => {
    for await (const message of wire) received.push(message);
  })();
  await peer.send(concatBytes(messages.map((m) => m instanceof Uint8Array ? m : encodeMessage(m))));
  await reading;
  const info = await wire.closed;
  await peer.ended();
  return { received, info };
}
