/**
 * A BitTorrent library for Deno, Node and browsers.
 *
 * A `Client` downloads and seeds torrents over TCP with trackers (HTTP and
 * UDP), over WebRTC with WebSocket trackers (WebTorrent's peers included)
 * and from web seeds, verifying every piece; `startTracker` runs a tracker; the formats come with it: bencode with
 * hostile-input bounds, `.torrent` files (v1, v2 and hybrid) to parse,
 * encode and create, magnet links, and safe file paths.
 *
 * @example
 * ```ts
 * import { createTorrent, formatMagnet, magnetOf, parseTorrent } from "./mod.ts";
 *
 * const data = new TextEncoder().encode("hello, swarm");
 * const files = [{ path: ["hello.txt"], length: data.length, stream: () => new Blob([data]).stream() }];
 * const meta = await parseTorrent(await createTorrent(files, { version: "hybrid" }));
 * console.assert(meta.name === "hello.txt");
 * console.assert(formatMagnet(magnetOf(meta)).includes(meta.infoHash!));
 * ```
 *
 * @module
 */

export { type AddOptions, Client, type ClientOptions } from "./src/client.ts";
export { type PeerInfo, Torrent, type TorrentState } from "./src/torrent.ts";
export type { EncryptionPolicy } from "./src/wire/mse/policy.ts";
export type { PeerEncryption } from "./src/wire/mse/conn.ts";
export type { Dht, DhtOptions } from "./src/discovery/dht.ts";
export type { SwarmLookup } from "./src/discovery/types.ts";
export type { UdpHandler, UdpSocket } from "./src/net/udp.ts";
export type { Storage, StorageFactory, StorageLayout } from "./src/storage/types.ts";
export { memoryStorage } from "./src/storage/memory.ts";
export { fsStorage, type FsStorageOptions } from "./src/storage/fs.ts";
export { defaultStorage } from "./src/storage/default.ts";
export { idbStorage, type IdbStorageOptions } from "./src/storage/idb.ts";
export { checkStorage, type CheckStorageOptions } from "./src/storage/check_storage.ts";
export { verifyPiece } from "./src/storage/verify.ts";
export { MissingDataError } from "./src/storage/errors.ts";
export { type FileStreamOptions, TorrentFileHandle } from "./src/stream/torrent_files.ts";
export type { PiecePriority } from "./src/torrent/file_priorities.ts";
export { type ServedTorrent, torrentHandler } from "./src/stream/http_handler.ts";
export { nodeListener, type NodeRequest, type NodeResponse } from "./src/stream/node_listener.ts";
export { type HttpServer, serveHttp } from "./src/stream/serve_http.ts";
export type {
  Conn,
  DialOptions,
  Listener,
  ListenOptions,
  PeerAddress,
  Transport,
  TransportName,
} from "./transports/mod.ts";
export { formatAddress, parseAddress } from "./transports/mod.ts";
export { tcpTransport } from "./transports/tcp.ts";
export { utpTransport, type UtpTransportOptions } from "./transports/utp/mod.ts";
export type { TransportChoice } from "./src/client_transports.ts";
export { memoryConnPair, MemoryNetwork } from "./transports/memory.ts";
export {
  type ConnOptions,
  createPeer,
  hangUp,
  type PeerOptions,
  type RtcConfig,
  type SimplePeerLike,
  webrtcConn,
} from "./transports/webrtc.ts";
export { type LoopbackOptions, LoopbackSignalling } from "./transports/webrtc_loopback.ts";
export type { WebRtcSettings } from "./src/torrent/signalled_peers.ts";
export { startTracker, type TrackerOptions, type TrackerServer } from "./src/tracker/server.ts";
export {
  defaultSwarmLimits,
  type SwarmCounts,
  type SwarmLimits,
  SwarmTable,
  type TableAnnounce,
  type TrackedPeer,
} from "./src/tracker/swarms.ts";
export { BencodeError, MagnetError, MetainfoError } from "./src/errors.ts";
export * from "./src/wire/mod.ts";
export { Bitfield } from "./src/swarm/bitfield.ts";
export type { DirEntry, FileHandle, FileSystem, OpenOptions, PathInfo } from "./src/fs/types.ts";
export { defaultLimits, type Limits, resolveLimits } from "./src/limits.ts";
export { runtime, type RuntimeName } from "./src/runtime.ts";
export { decodeBencode, type Decoded, encodeBencode, type Span } from "./src/metainfo/bencode.ts";
export { type ParsedInfo, parseInfo, parseTorrent } from "./src/metainfo/parse_torrent.ts";
export {
  encodeTorrent,
  encodeTorrentFile,
  type OuterFields,
} from "./src/metainfo/encode_torrent.ts";
export {
  createTorrent,
  type CreateTorrentOptions,
  type SourceFile,
} from "./src/metainfo/create_torrent.ts";
export { type Sources, sourcesFromBlobs, sourcesFromPath } from "./src/metainfo/sources.ts";
export { choosePieceLength } from "./src/metainfo/piece_length.ts";
export { formatMagnet, isMagnet, type Magnet, parseMagnet } from "./src/metainfo/magnet.ts";
export { magnetOf } from "./src/metainfo/magnet_of.ts";
export { assertDistinctPaths, safePath, safePathComponent } from "./src/metainfo/safe_path.ts";
export type {
  BencodeDict,
  BencodeValue,
  Metainfo,
  TorrentFile,
  TorrentVersion,
} from "./src/metainfo/types.ts";
