/**
 * IP address text for peers decoded from compact bytes, and recognising IP
 * literals.
 *
 * @module
 */

/** Dotted-quad text of 4 bytes. */
export function formatIPv4(bytes: Uint8Array): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/**
 * RFC 5952 text of 16 bytes: lower case, leading zeros dropped, the longest
 * run of two or more zero groups written `::`. An IPv4-mapped address
 * (`::ffff:a.b.c.d`) becomes plain IPv4.
 */
export function formatIPv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return formatIPv4(bytes.subarray(12, 16));
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j > i ? j : i + 1;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(":");
  const head = hex.slice(0, bestStart).join(":");
  const tail = hex.slice(bestStart + bestLength).join(":");
  return `${head}::${tail}`;
}

/** True for an IPv4 dotted quad or an IPv6 literal (without brackets); false for host names. */
export function isIPLiteral(host: string): boolean {
  return host.includes(":") || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * The bytes of an IP literal: 4 for IPv4, 16 for IPv6 (`::ffff:a.b.c.d`
 * becomes its 4 IPv4 bytes); `null` for anything else.
 */
export function ipBytes(host: string): Uint8Array | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((n) => n <= 255) ? Uint8Array.from(parts) : null;
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  if (mapped) return ipBytes(mapped[1]!);
  if (!/^[0-9a-f:]+$/i.test(host) || host.split("::").length > 2) return null;
  const [head, tail] = host.includes("::") ? host.split("::") : [host, undefined];
  const groups = (text: string | undefined) => text ? text.split(":") : [];
  const front = groups(head);
  const back = groups(tail);
  const missing = 8 - front.length - back.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const all = [...front, ...Array(missing).fill("0"), ...back];
  if (all.some((g) => g.length === 0 || g.length > 4)) return null;
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    const n = parseInt(g, 16);
    bytes[2 * i] = n >> 8;
    bytes[2 * i + 1] = n & 0xff;
  });
  return bytes;
}
