import { isUtf8 } from 'node:buffer';

/**
 * How body bytes appear in HAR: as text when they are UTF-8 that reads as text, else base64.
 * Lossless either way: base64 keeps the exact bytes of non-UTF-8 text (latin-1 pages, say).
 */
export interface RenderedBody {
  text: string;
  base64: boolean;
  /** Bytes that `text` represents (a cut body loses at most a partial trailing character). */
  shownBytes: number;
}

/** Controls other than tab, line feed, form feed and carriage return: their presence means "binary". */
const CONTROL = /[\x00-\x08\x0B\x0E-\x1F\x7F]/;

const TEXTUAL_APPLICATION = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
  'application/x-javascript',
  'application/ecmascript',
  'application/x-www-form-urlencoded',
  'application/graphql',
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/yaml',
  'application/x-yaml',
  'application/csv',
  'application/sql',
]);

/** The media type of a Content-Type value, lower-cased, without parameters. */
export function mediaType(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** `media` as returned by mediaType(). */
export function isTextualMediaType(media: string): boolean {
  return (
    media.startsWith('text/') ||
    media.endsWith('+json') ||
    media.endsWith('+xml') ||
    TEXTUAL_APPLICATION.has(media)
  );
}

/**
 * Length of `bytes` without a trailing incomplete UTF-8 sequence, so that a body cut by the cap
 * never ends in half a character. Looks at the last four bytes at most.
 */
export function utf8SafeLength(bytes: Uint8Array): number {
  const length = bytes.length;
  let i = length - 1;
  while (i >= 0 && length - i <= 4 && (bytes[i] & 0xc0) === 0x80) i--;
  if (i < 0 || length - i > 4) return length;
  const lead = bytes[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return length - i < need ? i : length;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * `incomplete`: the bytes are a prefix of the body (cut by the cap or by a partial decode), so a
 * partial character at the end is dropped rather than making the whole body look binary.
 */
export function renderBytes(bytes: Uint8Array, media: string, incomplete: boolean): RenderedBody {
  const buffer = asBuffer(bytes);
  const length = incomplete ? utf8SafeLength(buffer) : buffer.length;
  const candidate = length === buffer.length ? buffer : buffer.subarray(0, length);
  if (isUtf8(candidate)) {
    const text = candidate.toString('utf8');
    if (isTextualMediaType(media) || !CONTROL.test(text)) return { text, base64: false, shownBytes: length };
  }
  return { text: buffer.toString('base64'), base64: true, shownBytes: buffer.length };
}
