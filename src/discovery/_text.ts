/**
 * Text a tracker supplies (failure reasons, warnings, error messages),
 * decoded leniently and bounded, so it is safe to show and to log.
 *
 * @module
 */

/** Longest tracker-supplied text kept, in characters. */
const MAX_TEXT = 1024;

const lossyUtf8 = new TextDecoder();

/** Decodes UTF-8 (bad bytes become U+FFFD) and cuts the text to 1024 characters. */
export function trackerText(bytes: Uint8Array): string {
  const text = lossyUtf8.decode(bytes.subarray(0, MAX_TEXT * 4));
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
