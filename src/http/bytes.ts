import { isRequestLine, isStatusLine, isTokenChar } from './head-parser.js';

/**
 * Byte-level helpers over Uint8Array without wrapping each chunk in a Buffer: Buffer's native latin1
 * decoder and multi-byte indexOf accept any Uint8Array as `this`, and calling them directly avoids a
 * Buffer object per chunk.
 */

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
type BytesIndexOf = (this: Uint8Array, value: Uint8Array, byteOffset: number) => number;

const latin1SliceFn = (Buffer.prototype as unknown as { latin1Slice: Latin1Slice }).latin1Slice;
const indexOfFn = Buffer.prototype.indexOf as unknown as BytesIndexOf;

const CRLFCRLF = new Uint8Array([13, 10, 13, 10]);

export const LF = 10;
export const CR = 13;

/** Longest start line considered while scanning for a message start. */
export const MAX_START_LINE = 8192;

export function latin1(bytes: Uint8Array, start: number, end: number): string {
  return latin1SliceFn.call(bytes, start, end);
}

/**
 * Index just past the empty line that ends a head starting at or before `from` (CRLFCRLF, or the
 * bare-LF forms LFLF / LFCRLF), or -1. A CRLFCRLF found first may lie after an earlier bare-LF empty
 * line: the head parser then reports the shorter head length, so the common case needs one search
 * (one native search measured faster than walking the LFs from JavaScript). Without a CRLFCRLF
 * (a head still incomplete, or bare-LF line ends) one walk over the LFs finds the earliest bare-LF
 * empty line, instead of two more native searches.
 */
export function findHeadEnd(bytes: Uint8Array, from: number): number {
  const e = indexOfFn.call(bytes, CRLFCRLF, from);
  if (e >= 0) return e + 4;
  const n = bytes.length;
  let lf = bytes.indexOf(LF, from);
  while (lf >= 0 && lf + 1 < n) {
    const c = bytes[lf + 1];
    if (c === LF) return lf + 2;
    if (c === CR && lf + 2 < n && bytes[lf + 2] === LF) return lf + 3;
    lf = bytes.indexOf(LF, lf + 1);
  }
  return -1;
}

export const START_NONE = 0;
export const START_REQUEST = 1;
export const START_STATUS = 2;

/**
 * Whether bytes[from, lf) (a line without its LF) is a request line or a status line. Cheap byte
 * tests reject most non-HTTP lines before any string is made.
 */
export function matchStartLine(bytes: Uint8Array, from: number, lf: number): number {
  let end = lf;
  if (end > from && bytes[end - 1] === CR) end--;
  const n = end - from;
  if (n < 12 || n > MAX_START_LINE) return START_NONE;
  const first = bytes[from];
  if (first === 0x48 && bytes[from + 4] === 0x2f && bytes[from + 8] === 0x20) {
    if (isStatusLine(latin1(bytes, from, end))) return START_STATUS;
  }
  // A request line ends in "HTTP/d.d".
  if (!isTokenChar(first) || bytes[end - 8] !== 0x48 || bytes[end - 4] !== 0x2f || bytes[end - 9] !== 0x20) {
    return START_NONE;
  }
  return isRequestLine(latin1(bytes, from, end)) ? START_REQUEST : START_NONE;
}
