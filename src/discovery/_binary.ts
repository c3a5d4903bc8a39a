/**
 * Binary strings: one char per byte (0-255), how the WebSocket tracker
 * protocol carries 20-byte ids in JSON and how the tracker keys its tables.
 *
 * @module
 */

/** Bytes as a binary string. */
export function binaryString(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** A binary string's bytes, or `null` when a char is above 255. */
export function binaryBytes(text: string): Uint8Array | null {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 255) return null;
    bytes[i] = code;
  }
  return bytes;
}
