/**
 * Fetches the piece layers of a v2 torrent that came from a magnet (BEP 52):
 * the info dictionary names each file's pieces root, but the hashes of its
 * pieces travel in `hash request` / `hashes` messages. Peers are asked one
 * after another; each answer is checked against the pieces root before it
 * is kept, and a peer that refuses, lies, or stays silent for
 * `limits.requestTimeoutMs` is left for the next one.
 *
 * @module
 */

import { formatAddress, type PeerAddress, type Transport } from "../../transports/mod.ts";
import { concatBytes, toHex } from "../bytes.ts";
import type { Limits } from "../limits.ts";
import { checkHashes, type HashRange, pieceLayerRequests } from "../metainfo/merkle_proof.ts";
import type { Metainfo } from "../metainfo/types.ts";
import type { HashesMessage, HashRequestMessage } from "../wire/messages.ts";
import { PeerWire } from "../wire/peer_wire.ts";
import type { EncryptionPolicy } from "../wire/mse/policy.ts";
import { dialPeer } from "./peer_dial.ts";

/** Requests kept outstanding with one peer. */
const IN_FLIGHT = 8;

/** What fetching piece layers needs from the client. */
export interface PieceLayerFetchOptions {
  /** Our 20-byte peer id. */
  peerId: Uint8Array;
  /** Transports to dial with. */
  transports: readonly Transport[];
  /** Bounds: `requestTimeoutMs`, `transportHeadStartMs`, `handshakeTimeoutMs`. */
  limits: Limits;
  /** When to use MSE; default `prefer`. */
  encryption?: EncryptionPolicy;
  /** Gives up (rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** One request still to be answered: its file's root and range. */
interface Wanted extends HashRange {
  piecesRoot: Uint8Array;
}

/**
 * Fetches the piece layer of every file longer than a piece.
 *
 * @param meta A v2 torrent whose `pieceLayers` may be empty.
 * @param peers Peers that have the torrent (those that sent its metadata first).
 * @param options Peer id, transports, bounds, signal.
 * @returns The piece layers by pieces root in hex, each checked against its root.
 * @throws {Error} When no peer gave them all, or with the signal's reason.
 */
export async function fetchPieceLayers(
  meta: Metainfo,
  peers: readonly PeerAddress[],
  options: PieceLayerFetchOptions,
): Promise<Map<string, Uint8Array>> {
  const wanted = new Map<string, Wanted>();
  const parts = new Map<string, Uint8Array[]>();
  for (const file of meta.files) {
    if (!file.piecesRoot || file.length <= meta.pieceLength) continue;
    const root = toHex(file.piecesRoot);
    if (parts.has(root)) continue;
    const ranges = pieceLayerRequests(file.length, meta.pieceLength);
    parts.set(root, []);
    for (const range of ranges) {
      wanted.set(keyOf(root, range), { ...range, piecesRoot: file.piecesRoot });
    }
  }
  const tried = new Set<string>();
  for (const address of peers) {
    if (wanted.size === 0) break;
    options.signal?.throwIfAborted();
    const key = formatAddress(address);
    if (tried.has(key)) continue;
    tried.add(key);
    await askPeer(meta, address, wanted, parts, options).catch(() => {});
  }
  options.signal?.throwIfAborted();
  if (wanted.size > 0) {
    throw new Error(`no peer sent the piece layers (${tried.size} asked)`);
  }
  const layers = new Map<string, Uint8Array>();
  for (const file of meta.files) {
    if (!file.piecesRoot) continue;
    const root = toHex(file.piecesRoot);
    const got = parts.get(root);
    if (!got || layers.has(root)) continue;
    layers.set(root, concatBytes(got).subarray(0, Math.ceil(file.length / meta.pieceLength) * 32));
  }
  return layers;
}

function keyOf(root: string, range: HashRange): string {
  return `${root}:${range.baseLayer}:${range.index}`;
}

/** Asks one peer for what is still wanted; keeps what checks out. */
async function askPeer(
  meta: Metainfo,
  address: PeerAddress,
  wanted: Map<string, Wanted>,
  parts: Map<string, Uint8Array[]>,
  options: PieceLayerFetchOptions,
): Promise<void> {
  const { limits } = options;
  const infoHash = meta.infoHashV2Bytes!.subarray(0, 20);
  const conn = await dialPeer(address, {
    transports: options.transports,
    headStartMs: limits.transportHeadStartMs,
    encryption: options.encryption ?? "prefer",
    infoHash,
    timeoutMs: limits.handshakeTimeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const wire = await PeerWire.connect(conn, {
    infoHash,
    peerId: options.peerId,
    limits,
    torrent: null,
  });
  const stop = () => wire.close("local", "piece layer fetch over");
  options.signal?.addEventListener("abort", stop, { once: true });
  let timer = setTimeout(stop, limits.requestTimeoutMs);
  const queue = [...wanted.values()];
  let outstanding = 0;
  const askMore = () => {
    for (; queue.length > 0 && outstanding < IN_FLIGHT; outstanding++) {
      void wire.send({ type: "hashRequest", ...queue.shift()! });
    }
  };
  try {
    askMore();
    for await (const message of wire) {
      if (message.type === "hashReject") return;
      if (message.type !== "hashes") continue;
      const range = wanted.get(keyOfWanted(message));
      if (!range || !(await accept(range, message, parts))) return;
      wanted.delete(keyOfWanted(message));
      outstanding--;
      if (wanted.size === 0) return;
      clearTimeout(timer);
      timer = setTimeout(stop, limits.requestTimeoutMs);
      askMore();
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", stop);
    stop();
  }
}

function keyOfWanted(message: Omit<HashRequestMessage, "type">): string {
  return keyOf(toHex(message.piecesRoot), message);
}

/** Checks an answer; files its base hashes in order when the proof holds. */
async function accept(
  range: Wanted,
  message: HashesMessage,
  parts: Map<string, Uint8Array[]>,
): Promise<boolean> {
  if (message.length !== range.length || message.proofLayers !== range.proofLayers) return false;
  const base = await checkHashes(range, message.hashes, range.piecesRoot);
  if (!base) return false;
  const part = parts.get(toHex(range.piecesRoot))!;
  part[range.index / range.length] = concatBytes(base);
  return true;
}
