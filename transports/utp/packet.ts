/**
 * The uTP packet format of BEP 29: a 20-byte header (type and version,
 * first extension, connection id, timestamp, timestamp difference, window,
 * sequence and ack numbers, all big-endian), a chain of extensions (the
 * selective ack is type 1; ours adds the largest packet a peer receives),
 * then the payload. Pure: no sockets, no clock.
 *
 * @example
 * ```ts
 * import { encodeHeader, PacketType, readPacket, UtpHeader } from "./packet.ts";
 * const bytes = new Uint8Array(20);
 * encodeHeader(bytes, PacketType.STATE, 7, 1000, 0, 65536, 2, 1, 0);
 * const header = new UtpHeader();
 * console.assert(readPacket(bytes, header) === 20 && header.type === PacketType.STATE);
 * ```
 *
 * @module
 */

/** The five packet types. */
export const PacketType = {
  /** Payload. */
  DATA: 0,
  /** The sender's last packet: no data after this sequence number. */
  FIN: 1,
  /** An ack (and window update) without payload. */
  STATE: 2,
  /** The connection is gone at the sender. */
  RESET: 3,
  /** Opens a connection. */
  SYN: 4,
} as const;

/** The protocol version uTP packets carry in the low nibble of their first byte. */
export const VERSION = 1;
/** Size of the fixed header. */
export const HEADER_SIZE = 20;
/** Extension type of the selective ack. */
export const EXTENSION_SACK = 1;
/**
 * Extension type of the largest packet the sender receives (a 16-bit count of
 * bytes of UDP payload): not in BEP 29, ours, offered in the SYN and the
 * STATE that answers it where the path takes packets larger than the usual
 * 1,400 bytes (loopback). Peers that do not know it skip it (libtorrent and
 * libutp skip unknown extension types), and never get packets above 1,400
 * bytes from us: libtorrent reads datagrams into 1,500 bytes.
 */
export const EXTENSION_MAX_PACKET = 0x4d;
/** Bytes of the {@link EXTENSION_MAX_PACKET} extension: its header and the 16-bit size. */
export const MAX_PACKET_EXTENSION_SIZE = 4;
/** Most bytes of selective-ack bitmask we send (1,024 packets past `ack_nr + 1`). */
export const MAX_SACK_BYTES = 128;

/**
 * Tells uTP packets from the others sharing a UDP port (tracker replies,
 * DHT messages starting with `d`): at least a header, version 1, a known type.
 *
 * @param bytes A UDP payload.
 * @returns Whether it looks like uTP.
 */
export function isUtpPacket(bytes: Uint8Array): boolean {
  return bytes.length >= HEADER_SIZE && (bytes[0]! & 0x0f) === VERSION && bytes[0]! >> 4 <= 4;
}

/** A decoded header; one object is reused for every packet read. */
export class UtpHeader {
  /** One of {@link PacketType}. */
  type = 0;
  /** Connection id (16 bits). */
  connectionId = 0;
  /** Sender's clock in microseconds, 32 bits. */
  timestamp = 0;
  /** Sender's last measured one-way delay of our packets, microseconds, 32 bits. */
  timestampDiff = 0;
  /** Bytes the sender can still receive. */
  windowSize = 0;
  /** Sequence number (16 bits). */
  seq = 0;
  /** Last sequence number received in order (16 bits). */
  ack = 0;
  /** Offset of the selective-ack bitmask in the packet, or -1. */
  sackOffset = -1;
  /** Length of the selective-ack bitmask in bytes. */
  sackLength = 0;
  /** The largest packet the sender receives ({@link EXTENSION_MAX_PACKET}), or 0 when it did not say. */
  maxPacket = 0;
}

/**
 * Reads a packet's header and extensions into `header`.
 *
 * @param bytes The UDP payload.
 * @param header Filled in place.
 * @returns The offset of the payload, or -1 when the packet is malformed
 *   (short, another version, an unknown type, a broken extension chain).
 */
export function readPacket(bytes: Uint8Array, header: UtpHeader): number {
  if (!isUtpPacket(bytes)) return -1;
  header.type = bytes[0]! >> 4;
  header.connectionId = (bytes[2]! << 8) | bytes[3]!;
  header.timestamp = readU32(bytes, 4);
  header.timestampDiff = readU32(bytes, 8);
  header.windowSize = readU32(bytes, 12);
  header.seq = (bytes[16]! << 8) | bytes[17]!;
  header.ack = (bytes[18]! << 8) | bytes[19]!;
  header.sackOffset = -1;
  header.sackLength = 0;
  header.maxPacket = 0;
  let extension = bytes[1]!;
  let offset = HEADER_SIZE;
  while (extension !== 0) {
    if (offset + 2 > bytes.length) return -1;
    const next = bytes[offset]!;
    const length = bytes[offset + 1]!;
    if (offset + 2 + length > bytes.length) return -1;
    if (extension === EXTENSION_SACK) {
      // BEP 29 asks for a multiple of 4 bytes, but libtorrent sends any length.
      if (length === 0) return -1;
      header.sackOffset = offset + 2;
      header.sackLength = length;
    } else if (extension === EXTENSION_MAX_PACKET && length === 2) {
      header.maxPacket = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    }
    extension = next;
    offset += 2 + length;
  }
  return offset;
}

/**
 * Writes a 20-byte header at the start of `target`.
 *
 * @param target At least {@link HEADER_SIZE} bytes.
 * @param type One of {@link PacketType}.
 * @param connectionId Connection id (16 bits).
 * @param timestamp Our clock in microseconds (32 bits).
 * @param timestampDiff Our last measured one-way delay of the peer's packets.
 * @param windowSize Bytes we can still receive.
 * @param seq Sequence number.
 * @param ack Last sequence number received in order.
 * @param extension First extension type (0 for none).
 */
export function encodeHeader(
  target: Uint8Array,
  type: number,
  connectionId: number,
  timestamp: number,
  timestampDiff: number,
  windowSize: number,
  seq: number,
  ack: number,
  extension: number,
): void {
  target[0] = (type << 4) | VERSION;
  target[1] = extension;
  target[2] = connectionId >> 8;
  target[3] = connectionId;
  writeU32(target, 4, timestamp);
  writeU32(target, 8, timestampDiff);
  writeU32(target, 12, windowSize);
  target[16] = seq >> 8;
  target[17] = seq;
  target[18] = ack >> 8;
  target[19] = ack;
}

/**
 * Rewrites the parts of a header that change when a packet is sent again:
 * timestamp, timestamp difference, window and ack number.
 */
export function refreshHeader(
  target: Uint8Array,
  timestamp: number,
  timestampDiff: number,
  windowSize: number,
  ack: number,
): void {
  writeU32(target, 4, timestamp);
  writeU32(target, 8, timestampDiff);
  writeU32(target, 12, windowSize);
  target[18] = ack >> 8;
  target[19] = ack;
}

/**
 * Writes a selective-ack extension (no next extension) at `offset`: bit `i`
 * (least significant bit first in each byte) says packet `ack + 2 + i` arrived.
 *
 * @param target The packet, with room for `2 + length` bytes at `offset`.
 * @param offset Where the extension starts (after the header).
 * @param length Bytes of bitmask, a multiple of 4.
 * @param has Whether the packet `ack + 2 + i` arrived, for `i` below `length * 8`.
 */
export function writeSack(
  target: Uint8Array,
  offset: number,
  length: number,
  has: (i: number) => boolean,
): void {
  target[offset] = 0;
  target[offset + 1] = length;
  for (let byte = 0; byte < length; byte++) {
    let bits = 0;
    for (let bit = 0; bit < 8; bit++) if (has(byte * 8 + bit)) bits |= 1 << bit;
    target[offset + 2 + byte] = bits;
  }
}

/**
 * Writes an {@link EXTENSION_MAX_PACKET} extension (no next extension) at `offset`.
 *
 * @param target The packet, with room for {@link MAX_PACKET_EXTENSION_SIZE} bytes at `offset`.
 * @param offset Where the extension starts (after the header).
 * @param size The largest UDP payload we receive, at most 65,535.
 */
export function writeMaxPacket(target: Uint8Array, offset: number, size: number): void {
  target[offset] = 0;
  target[offset + 1] = 2;
  target[offset + 2] = size >> 8;
  target[offset + 3] = size;
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>>
    0;
}

function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = value >>> 16;
  bytes[at + 2] = value >>> 8;
  bytes[at + 3] = value;
}
