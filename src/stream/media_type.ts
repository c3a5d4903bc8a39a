/**
 * `Content-Type` by file extension, for the HTTP server.
 *
 * @module
 */

const TYPES: Record<string, string> = {
  aac: "audio/aac",
  avi: "video/x-msvideo",
  css: "text/css; charset=utf-8",
  epub: "application/epub+zip",
  flac: "audio/flac",
  gif: "image/gif",
  htm: "text/html; charset=utf-8",
  html: "text/html; charset=utf-8",
  jpeg: "image/jpeg",
  jpg: "image/jpeg",
  js: "text/javascript; charset=utf-8",
  json: "application/json",
  m4a: "audio/mp4",
  m4v: "video/mp4",
  md: "text/markdown; charset=utf-8",
  mkv: "video/x-matroska",
  mov: "video/quicktime",
  mp3: "audio/mpeg",
  mp4: "video/mp4",
  ogg: "audio/ogg",
  ogv: "video/ogg",
  opus: "audio/opus",
  pdf: "application/pdf",
  png: "image/png",
  srt: "application/x-subrip",
  svg: "image/svg+xml",
  txt: "text/plain; charset=utf-8",
  vtt: "text/vtt; charset=utf-8",
  wav: "audio/wav",
  webm: "video/webm",
  webp: "image/webp",
  zip: "application/zip",
};

/**
 * The media type for a file name.
 *
 * @example
 * ```ts
 * import { mediaType } from "./media_type.ts";
 * console.assert(mediaType("Movie.MP4") === "video/mp4");
 * console.assert(mediaType("data.bin") === "application/octet-stream");
 * ```
 *
 * @param name A file name.
 * @returns Its type; `application/octet-stream` when unknown.
 */
export function mediaType(name: string): string {
  const dot = name.lastIndexOf(".");
  const extension = dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
  return Object.hasOwn(TYPES, extension) ? TYPES[extension]! : "application/octet-stream";
}
