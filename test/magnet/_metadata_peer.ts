/**
 * A scripted peer on a real loopback TCP port that speaks just enough of
 * the wire protocol to play a metadata fault: it announces `ut_metadata`
 * with a chosen `metadata_size` and answers each request as told; BEP 52
 * hash requests too, when told how.
 *
 * @module
 */

import { tcpTransport } from "../../transports/tcp.ts";
import type { Listener, PeerAddress } from "../../transports/mod.ts";
import { encodeMessage } from "../../src/wire/encode.ts";
import { encodeExtensionHandshake } from "../../src/wire/extension_handshake.ts";
import {
  decodeMetadataMessage,
  encodeMetadataMessage,
  type MetadataMessage,
} from "../../src/wire/extensions/ut_metadata.ts";
import type { HashRequestMessage, Message } from "../../src/wire/messages.ts";
import { makePeerId } from "../../src/wire/peer_id.ts";
import { RawPeer } from "../wire/_helpers.ts";
import { LOOPBACK } from "./_swarm.ts";

/** The id the scripted peer receives `ut_metadata` under. */
const ITS_ID = 3;

/** A running scripted peer. */
export interface MetadataPeer {
  /** Where it listens. */
  address: PeerAddress;
  /** Requests it received. */
  requests: number;
  /** Hash requests it received. */
  hashRequests: number;
  /** Stops listening and closes its connections. */
  close(): void;
}

/**
 * Starts a scripted peer.
 *
 * @param infoHash The torrent's 20-byte info hash.
 * @param metadataSize The `metadata_size` it announces.
 * @param answer What to send for a request of a piece.
 * @param answerHashes What to send for a hash request; default nothing.
 */
export async function metadataPeer(
  infoHash: Uint8Array,
  metadataSize: number,
  answer: (piece: number) => MetadataMessage,
  answerHashes?: (request: HashRequestMessage) => Message,
): Promise<MetadataPeer> {
  const listener: Listener = await tcpTransport().listen({ host: LOOPBACK, port: 0 });
  const conns: { close(): void }[] = [];
  const peer: MetadataPeer = {
    address: listener.address,
    requests: 0,
    hashRequests: 0,
    close() {
      listener.close();
      for (const conn of conns) conn.close();
    },
  };
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      serve(new RawPeer(conn)).catch(() => conn.close());
    }
  })();

  async function serve(raw: RawPeer): Promise<void> {
    await raw.read(68);
    await raw.sendHandshake(infoHash, makePeerId("-XX0000-"), { extended: true, fast: true });
    const extensions = new Map([["ut_metadata", ITS_ID]]);
    const payload = encodeExtensionHandshake({ extensions, metadataSize });
    await raw.send(encodeMessage({ type: "extended", id: 0, payload }));
    let theirId = 0;
    while (true) {
      const message = await raw.readMessage();
      if (message.type === "hashRequest") {
        peer.hashRequests++;
        if (answerHashes) await raw.send(encodeMessage(answerHashes(message)));
      }
      if (message.type !== "extended") continue;
      if (message.id === 0) {
        const text = new TextDecoder().decode(message.payload);
        theirId = Number(/11:ut_metadatai(\d+)e/.exec(text)?.[1] ?? 0);
        continue;
      }
      if (message.id !== ITS_ID) continue;
      const request = decodeMetadataMessage(message.payload);
      if (request.type !== "request") continue;
      peer.requests++;
      const reply = encodeMetadataMessage(answer(request.piece));
      await raw.send(encodeMessage({ type: "extended", id: theirId, payload: reply }));
    }
  }
  return peer;
}
