/**
 * The BEP 10 extensions a torrent with metadata speaks: serves its info
 * dictionary over `ut_metadata` (BEP 9) and swaps peers over `ut_pex`
 * (BEP 11). PEX sends each peer what was added and dropped since the last
 * message, at most 50 of each, on the torrent's PEX timer; peers learned
 * from one peer's PEX are dialled at most `limits.maxPexDialsPerPeer` times
 * per connection. Private torrents (BEP 27) do not speak PEX.
 *
 * @module
 */

import { formatAddress, type PeerAddress } from "../../transports/mod.ts";
import type { Limits } from "../limits.ts";
import type { Metainfo } from "../metainfo/types.ts";
import {
  decodeMetadataMessage,
  encodeMetadataMessage,
  METADATA_PIECE_BYTES,
  metadataPieceCount,
  UT_METADATA,
} from "../wire/extensions/ut_metadata.ts";
import {
  decodePexMessage,
  encodePexMessage,
  PexFlags,
  type PexPeer,
  UT_PEX,
} from "../wire/extensions/ut_pex.ts";
import type { ExtendedMessage } from "../wire/messages.ts";
import { WireError } from "../wire/wire_error.ts";
import { LOCAL_UT_METADATA_ID } from "./metadata_fetch.ts";
import type { Peer } from "./peer.ts";

/** The id we receive `ut_pex` under. */
const LOCAL_UT_PEX_ID = 2;
/** Most added, and most dropped, peers in one PEX message we send (BEP 11). */
export const PEX_MAX_PEERS = 50;

/** What the extensions need of their torrent. */
export interface ExtensionsHost {
  /** The torrent. */
  meta: Metainfo;
  /** Bounds: `maxPexDialsPerPeer`. */
  limits: Limits;
  /** Queues an address to dial. */
  dial(address: PeerAddress): void;
}

interface PexState {
  /** Addresses (keys) this peer was told about and not told dropped. */
  told: Map<string, PeerAddress>;
  /** Dials its PEX messages caused. */
  dials: number;
}

/** One torrent's `ut_metadata` and `ut_pex`. */
export class TorrentExtensions {
  #host: ExtensionsHost;
  #pex = new WeakMap<Peer, PexState>();

  constructor(host: ExtensionsHost) {
    this.#host = host;
  }

  /** Our BEP 10 handshake's `m` and `metadata_size`. */
  handshake(): { extensions: Map<string, number>; metadataSize: number } {
    const extensions = new Map([[UT_METADATA, LOCAL_UT_METADATA_ID]]);
    if (!this.#host.meta.private) extensions.set(UT_PEX, LOCAL_UT_PEX_ID);
    return { extensions, metadataSize: this.#host.meta.infoBytes.length };
  }

  /** Handles an extended message from a peer; a bad one closes the peer. */
  onMessage(peer: Peer, message: ExtendedMessage): void {
    try {
      if (message.id === LOCAL_UT_METADATA_ID) this.#onMetadata(peer, message.payload);
      else if (message.id === LOCAL_UT_PEX_ID && !this.#host.meta.private) {
        this.#onPex(peer, message.payload);
      }
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      peer.wire.close(error.reason, error.message);
    }
  }

  /**
   * Sends each peer that speaks PEX the peers added and dropped since its
   * last message.
   *
   * @param peers Every connected peer.
   */
  sendPex(peers: ReadonlySet<Peer>): void {
    if (this.#host.meta.private) return;
    const current = new Map<string, PexPeer>();
    for (const peer of peers) {
      const address = listenAddress(peer);
      if (address) current.set(formatAddress(address), { address, flags: flagsOf(peer) });
    }
    for (const peer of peers) {
      const id = peer.wire.peerExtensions?.extensions.get(UT_PEX) ?? 0;
      if (id === 0) continue;
      const state = this.#state(peer);
      const self = listenAddress(peer);
      const selfKey = self ? formatAddress(self) : peer.key;
      const added = [...current].filter(([key]) => key !== selfKey && !state.told.has(key))
        .slice(0, PEX_MAX_PEERS);
      const dropped = [...state.told].filter(([key]) => !current.has(key))
        .slice(0, PEX_MAX_PEERS);
      if (added.length === 0 && dropped.length === 0) continue;
      for (const [key, pex] of added) state.told.set(key, pex.address);
      for (const [key] of dropped) state.told.delete(key);
      void peer.wire.extended(
        id,
        encodePexMessage({ added: added.map(([, p]) => p), dropped: dropped.map(([, a]) => a) }),
      );
    }
  }

  #onMetadata(peer: Peer, payload: Uint8Array): void {
    const message = decodeMetadataMessage(payload);
    const id = peer.wire.peerExtensions?.extensions.get(UT_METADATA) ?? 0;
    if (message.type !== "request" || id === 0) return;
    const info = this.#host.meta.infoBytes;
    const piece = message.piece;
    const reply = piece < metadataPieceCount(info.length)
      ? encodeMetadataMessage({
        type: "data",
        piece,
        totalSize: info.length,
        data: info.subarray(piece * METADATA_PIECE_BYTES, (piece + 1) * METADATA_PIECE_BYTES),
      })
      : encodeMetadataMessage({ type: "reject", piece });
    void peer.wire.extended(id, reply);
  }

  #onPex(peer: Peer, payload: Uint8Array): void {
    // Added and dropped may each hold 50 by BEP 11; some clients send more, so allow some room.
    const { added } = decodePexMessage(payload, 4 * PEX_MAX_PEERS);
    const state = this.#state(peer);
    for (const { address } of added) {
      if (state.dials >= this.#host.limits.maxPexDialsPerPeer) return;
      state.dials++;
      this.#host.dial(address);
    }
  }

  #state(peer: Peer): PexState {
    let state = this.#pex.get(peer);
    if (!state) this.#pex.set(peer, state = { told: new Map(), dials: 0 });
    return state;
  }
}

/** Where a peer accepts connections: its address, or for one that dialled us, its host and announced port. */
function listenAddress(peer: Peer): PeerAddress | null {
  if (!peer.address) return null;
  if (!peer.incoming) return peer.address;
  const port = peer.wire.peerExtensions?.port;
  return port ? { host: peer.address.host, port } : null;
}

function flagsOf(peer: Peer): number {
  return (peer.has.hasAll() ? PexFlags.seed : 0) | (peer.incoming ? 0 : PexFlags.reachable);
}
