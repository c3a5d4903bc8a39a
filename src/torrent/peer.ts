/**
 * One connected peer as the torrent sees it: its wire, its address, and the
 * measurements the choker and the request pipeline need.
 *
 * @module
 */

import { formatAddress, type PeerAddress } from "../../transports/mod.ts";
import { toHex } from "../bytes.ts";
import { Bitfield } from "../swarm/bitfield.ts";
import { RequestPipeline } from "../swarm/pipeline.ts";
import { RateMeter } from "../swarm/rate.ts";
import type { BlockMessage } from "../wire/messages.ts";
import type { PeerWire } from "../wire/peer_wire.ts";
import { clientName } from "../wire/peer_id.ts";

/** A connected peer. */
export class Peer {
  /** The open wire. */
  readonly wire: PeerWire;
  /** Where it is, when known. */
  readonly address: PeerAddress | null;
  /** `host:port`, or the peer id in hex when the address is unknown: the key for bans. */
  readonly key: string;
  /** The address bans apply to: the host, or the peer id when the address is unknown. */
  readonly banKey: string;
  /** True when the peer dialled us. */
  readonly incoming: boolean;
  /** When the connection opened (ms, `performance.now()` clock). */
  readonly connectedAt: number;
  /** How deep to pipeline requests to it, from its rate and latency. */
  readonly pipeline: RequestPipeline;
  /** Bytes we sent it. */
  readonly upload: RateMeter;
  /** Requests it queued with us, served in order. */
  readonly requests: BlockMessage[] = [];
  /** True while a request of it is being read from storage and sent. */
  serving = false;
  /** True once it told us its DHT node's port (BEP 5); later ones are ignored. */
  dhtNodeHeard = false;
  /** The pieces it has, as it told us. */
  has: Bitfield;

  constructor(
    wire: PeerWire,
    incoming: boolean,
    now: number,
    maxRequests: number,
    pieceCount: number,
  ) {
    this.wire = wire;
    this.incoming = incoming;
    this.address = wire.remoteAddress;
    this.key = this.address ? formatAddress(this.address) : `id:${toHex(wire.remote.peerId)}`;
    this.banKey = this.address?.host ?? this.key;
    this.connectedAt = now;
    this.pipeline = new RequestPipeline(now, { max: maxRequests });
    const reqq = wire.peerExtensions?.requestQueue;
    if (reqq !== undefined && reqq > 0) this.pipeline.setPeerLimit(reqq);
    this.upload = new RateMeter(now);
    this.has = new Bitfield(pieceCount);
  }

  /** The peer's client, from its peer id (`libtorrent 2.0.8`, `Transmission 3.00`, ...). */
  get client(): string {
    return this.wire.peerExtensions?.client ?? clientName(this.wire.remote.peerId);
  }
}
