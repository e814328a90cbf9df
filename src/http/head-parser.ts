import type { RequestHead, ResponseHead } from '../model/exchange.js';
import { headerColon, lineEnd, trimEnd, trimStart, valueOf } from './header-lines.js';
import { NO_HEADERS, ParsedRequestHead, ParsedResponseHead } from './parsed-head.js';

/**
 * Parsing of one HTTP/1.x message head that is already known to be complete, from its latin1 text.
 * Lines end in CRLF or bare LF; obsolete line folding is joined with one space; headers stay in wire
 * order with their names as sent. Facts that decide body framing are collected on the way (no second
 * pass, no regexes) into a reusable HeadFacts object owned by the caller.
 */

/** Framing facts of the last parsed head. One instance per direction parser, reset on every parse. */
export class HeadFacts {
  /** Content-Length value; -1 when absent. */
  contentLength = -1;
  /** Content-Length was repeated (identical values) or a list. */
  contentLengthRepeated = false;
  /** Content-Length values disagree or are not decimal digits. */
  contentLengthInvalid = false;
  /** A Transfer-Encoding header was present. */
  hasTransferEncoding = false;
  /** The last transfer coding is chunked. */
  chunked = false;
  /** An Upgrade header was present. */
  upgrade = false;
  /** Header lines without a colon (or with whitespace in the name) that were skipped. */
  malformedLines = 0;
  /** Why the head is not HTTP, or '' when it parsed. */
  error = '';
  /** What is wrong with a request line that was accepted leniently, or '' when it was well formed. */
  malformedRequestLine = '';
  /** Length of the head in bytes up to and including its empty line (an earlier bare-LF empty line may end it before the text does). */
  headLength = 0;

  reset(): void {
    this.contentLength = -1;
    this.contentLengthRepeated = false;
    this.contentLengthInvalid = false;
    this.hasTransferEncoding = false;
    this.chunked = false;
    this.upgrade = false;
    this.malformedLines = 0;
    this.error = '';
    this.malformedRequestLine = '';
    this.headLength = 0;
  }
}

// Local rather than imported: the hot loops compare against constants, not module bindings.
const CH_TAB = 9;
const CH_CR = 13;
const CH_SP = 32;

/** RFC 9110 tchar. */
export function isTokenChar(c: number): boolean {
  if (c >= 0x61 && c <= 0x7a) return true; // a-z
  if (c >= 0x41 && c <= 0x5a) return true; // A-Z
  if (c >= 0x30 && c <= 0x39) return true; // 0-9
  switch (c) {
    case 0x21: case 0x23: case 0x24: case 0x25: case 0x26: case 0x27: case 0x2a: case 0x2b:
    case 0x2d: case 0x2e: case 0x5e: case 0x5f: case 0x60: case 0x7c: case 0x7e:
      return true;
    default:
      return false;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** "HTTP/d.d" at text[from, from+8). */
function isVersionAt(text: string, from: number): boolean {
  return (
    text.charCodeAt(from) === 0x48 && text.charCodeAt(from + 1) === 0x54 && text.charCodeAt(from + 2) === 0x54 &&
    text.charCodeAt(from + 3) === 0x50 && text.charCodeAt(from + 4) === 0x2f && isDigit(text.charCodeAt(from + 5)) &&
    text.charCodeAt(from + 6) === 0x2e && isDigit(text.charCodeAt(from + 7))
  );
}

/**
 * Request line check on a single line (without its line ending): METHOD SP target SP HTTP/d.d,
 * METHOD any token. Spaces inside the target are tolerated (some clients send them raw).
 */
export function isRequestLine(line: string): boolean {
  return isRequestLineAt(line, line.length);
}

/** isRequestLine() for text[0, n), the first line of a longer text, without slicing it out. */
function isRequestLineAt(line: string, n: number): boolean {
  if (n < 14 || !isVersionAt(line, n - 8) || line.charCodeAt(n - 9) !== CH_SP) return false;
  const sp = line.indexOf(' ');
  if (sp <= 0 || sp >= n - 10) return false;
  for (let i = 0; i < sp; i++) if (!isTokenChar(line.charCodeAt(i))) return false;
  return line.charCodeAt(sp + 1) !== CH_SP;
}

/** Version of a request line that has none (RFC 1945 "Simple-Request": what servers call HTTP/0.9). */
export const HTTP09 = 'HTTP/0.9';

/**
 * Methods recognised without a space after them ("GET/ HTTP/1.1", "OPTIONSHTTP/1.1") or with a
 * target that does not look like one ("POST abcd12345", "OPTIONS").
 */
const KNOWN_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

/** The parts of a request line that isRequestLine() rejected but a server would still answer. */
export interface LenientRequestLine {
  method: string;
  target: string;
  /** As sent ("HTTP/1.", "HTTP"), or HTTP09 when the line has none. */
  httpVersion: string;
  /** What is wrong, for the http.malformed-request-line anomaly. */
  problem: string;
}

function allTokenChars(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return to > from;
}

/** "host:port" (a CONNECT target) at the start of `rest`, up to its end or a space. */
function isAuthorityAt(rest: string): boolean {
  let end = rest.indexOf(' ');
  if (end < 0) end = rest.length;
  const colon = rest.lastIndexOf(':', end - 1);
  if (colon <= 0) return false;
  for (let i = 0; i < colon; i++) {
    const c = rest.charCodeAt(i);
    if (!(isTokenChar(c) || c === 0x5b || c === 0x5d || c === 0x3a)) return false;
  }
  let digits = 0;
  let i = colon + 1;
  for (; i < rest.length && isDigit(rest.charCodeAt(i)); i++) digits++;
  return digits > 0 && digits <= 5 && (i === rest.length || rest.charCodeAt(i) === CH_SP);
}

/** What follows the method looks like a request target: origin form, *, absolute form or authority form. */
function looksLikeTarget(rest: string): boolean {
  const c = rest.charCodeAt(0);
  if (c === 0x2f || c === 0x2a) return true;
  const lower = rest.slice(0, 8).toLowerCase();
  return lower.startsWith('http://') || lower.startsWith('https://') || isAuthorityAt(rest);
}

/** "SIP/2.0", "RTSP/1.0": the version of another protocol that borrowed HTTP's request line. */
function isOtherProtocolVersion(word: string): boolean {
  const slash = word.indexOf('/');
  if (slash <= 0 || !isDigit(word.charCodeAt(slash + 1))) return false;
  for (let i = 0; i < slash; i++) {
    const c = word.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) return false;
  }
  return !isVersionish(word);
}

/** A last word that was meant as the version: "HTTP/…" or a bare "HTTP". */
function isVersionish(word: string): boolean {
  return word === 'HTTP' || word.startsWith('HTTP/');
}

/**
 * A request line that real servers receive and answer (usually with 400) although it is not
 * METHOD SP target SP HTTP/d.d: no version ("GET /", HTTP/0.9 style), no target ("OPTIONS HTTP/1.1",
 * "OPTIONS"), no space before the version ("GET /HTTP/1.1": the target is "/HTTP/1.1", as a server
 * reads it), no space after a known method ("GET/ HTTP/1.1"), a malformed version ("GET / HTTP/1.").
 * Accepted when the method is a known one, or any token followed by something that looks like a target
 * (origin form, *, http(s):// or host:port); undefined otherwise (binary bytes, prose, other protocols,
 * non-ASCII methods). Only called after isRequestLine() failed: the common case never gets here.
 */
export function parseLenientRequestLine(line: string): LenientRequestLine | undefined {
  const n = line.length;
  if (n === 0 || n > 8192) return undefined;
  for (let i = 0; i < n; i++) {
    const c = line.charCodeAt(i);
    if ((c < 0x20 && c !== CH_TAB) || c === 0x7f) return undefined;
  }
  const problems: string[] = [];
  let sp = line.indexOf(' ');
  if (sp < 0) sp = n;
  let method: string;
  let restFrom: number;
  if (allTokenChars(line, 0, sp)) {
    method = line.slice(0, sp);
    restFrom = sp;
    const rest = line.slice(trimStart(line, sp, n));
    if (!KNOWN_METHODS.includes(method) && !looksLikeTarget(rest)) return undefined;
  } else {
    const known = KNOWN_METHODS.find((m) => line.startsWith(m));
    const after = known === undefined ? -1 : line.charCodeAt(known.length);
    if (known !== undefined && (after === 0x2f || after === 0x2a || line.startsWith('HTTP/', known.length))) {
      method = known;
      restFrom = known.length;
      problems.push('no space after the method');
    } else {
      return undefined;
    }
  }
  const from = trimStart(line, restFrom, n);
  const to = trimEnd(line, from, n);
  const rest = line.slice(from, to);
  const lastSp = rest.lastIndexOf(' ');
  const lastWord = rest.slice(lastSp + 1);
  if (isOtherProtocolVersion(lastWord)) return undefined;
  let target = rest;
  let httpVersion = HTTP09;
  if (rest.length > 0 && isVersionish(lastWord)) {
    httpVersion = lastWord;
    target = lastSp < 0 ? '' : rest.slice(0, trimEnd(rest, 0, lastSp));
    if (httpVersion.length !== 8 || !isVersionAt(httpVersion, 0)) problems.push('malformed HTTP version');
  } else {
    problems.push('no HTTP version (an HTTP/0.9 request line)');
  }
  if (target.length === 0) problems.push('no target');
  // What isRequestLine() rejected and nothing above names: extra or trailing spaces, tabs.
  if (problems.length === 0) problems.push('irregular whitespace');
  return { method, target, httpVersion, problem: problems.join(', ') };
}

/** Status line check on a single line: HTTP/d.d SP 3DIGIT [SP reason]. */
export function isStatusLine(line: string): boolean {
  return isStatusLineAt(line, line.length);
}

/** isStatusLine() for text[0, n), the first line of a longer text. */
function isStatusLineAt(line: string, n: number): boolean {
  if (n < 12 || !isVersionAt(line, 0) || line.charCodeAt(8) !== CH_SP) return false;
  if (!isDigit(line.charCodeAt(9)) || !isDigit(line.charCodeAt(10)) || !isDigit(line.charCodeAt(11))) return false;
  return n === 12 || line.charCodeAt(12) === CH_SP;
}

/** Parses a Content-Length value ("12", or a list of identical values "12, 12") into facts. */
function noteContentLength(facts: HeadFacts, value: string): void {
  let parsed = -1;
  let n = 0;
  let digits = 0;
  let items = 0;
  for (let i = 0; i <= value.length; i++) {
    const c = i < value.length ? value.charCodeAt(i) : 0x2c;
    if (isDigit(c)) {
      if (digits === 15) {
        facts.contentLengthInvalid = true; // beyond what a double counts exactly
        return;
      }
      n = n * 10 + (c - 0x30);
      digits++;
    } else if (c === 0x2c) {
      if (digits === 0) {
        facts.contentLengthInvalid = true;
        return;
      }
      if (items > 0 && n !== parsed) {
        facts.contentLengthInvalid = true;
        return;
      }
      parsed = n;
      items++;
      n = 0;
      digits = 0;
    } else if (c !== CH_SP && c !== CH_TAB) {
      facts.contentLengthInvalid = true;
      return;
    }
  }
  if (items > 1) facts.contentLengthRepeated = true;
  if (facts.contentLength >= 0) {
    facts.contentLengthRepeated = true;
    if (facts.contentLength !== parsed) facts.contentLengthInvalid = true;
  }
  facts.contentLength = parsed;
}

/** Transfer-Encoding: only the last coding of the last header decides chunked framing (RFC 9112 §6.3). */
function noteTransferEncoding(facts: HeadFacts, value: string): void {
  facts.hasTransferEncoding = true;
  const comma = value.lastIndexOf(',');
  const from = trimStart(value, comma + 1, value.length);
  const to = trimEnd(value, from, value.length);
  facts.chunked = to - from === 7 && value.slice(from, to).toLowerCase() === 'chunked';
}

/** Case-insensitive comparison of text[from, from + lower.length) with a lower-case ASCII name. */
function nameAt(text: string, from: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = text.charCodeAt(from + i);
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * The framing facts of one well-formed header line text[pos, end) with its colon at `colon`. Only
 * the few names that decide framing are compared, by length first: most headers are none of these.
 */
function noteHeaderAt(facts: HeadFacts, text: string, pos: number, colon: number, end: number): void {
  const n = colon - pos;
  if (n === 14) {
    if (nameAt(text, pos, 'content-length')) noteContentLength(facts, valueOf(text, colon, end));
  } else if (n === 17) {
    if (nameAt(text, pos, 'transfer-encoding')) noteTransferEncoding(facts, valueOf(text, colon, end));
  } else if (n === 7) {
    if (nameAt(text, pos, 'upgrade')) facts.upgrade = true;
  }
}

/**
 * The one pass over a head's header lines on the hot path: framing facts, malformed lines and the
 * head length, without making a string or object per header (headers are built only when a sink
 * asks for them, by parseHeaderLines over the same text, which sees the same lines). Folded lines
 * only extend a value, so framing is noted from each header's first line, as parseHeaderLines does.
 */
export function scanHeaderLines(text: string, from: number, facts: HeadFacts): void {
  let pos = from;
  let valid = 0;
  const n = text.length;
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n; // defensive: the caller guarantees an empty line
    const end = lineEnd(text, nl, pos);
    if (end === pos) {
      facts.headLength = nl + 1;
      return;
    }
    const first = text.charCodeAt(pos);
    if (first === CH_SP || first === CH_TAB) {
      if (valid === 0) facts.malformedLines++; // a continuation with no header to continue
    } else {
      const colon = headerColon(text, pos, nl);
      if (colon < 0) facts.malformedLines++;
      else {
        valid++;
        noteHeaderAt(facts, text, pos, colon, end);
      }
    }
    pos = nl + 1;
  }
  facts.headLength = n;
}

/**
 * Whether text[from...] begins a header line or the empty line that ends a head: a token then a colon,
 * CR or LF, or (when `partial`) a run of token characters that may still become one. False when
 * nothing follows.
 */
export function startsHeaderLine(text: string, from: number, partial: boolean): boolean {
  const n = text.length;
  if (from >= n) return false;
  const first = text.charCodeAt(from);
  if (first === CH_CR || first === 0x0a) return true;
  for (let i = from; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) return i > from;
    if (!isTokenChar(c)) return false;
  }
  return partial;
}

/** "HTTP/1.1" and "HTTP/1.0" without a new string each time; text[from, from+8) is a version. */
function versionAt(text: string, from: number): string {
  if (text.charCodeAt(from + 5) === 0x31) {
    const minor = text.charCodeAt(from + 7);
    if (minor === 0x31) return 'HTTP/1.1';
    if (minor === 0x30) return 'HTTP/1.0';
  }
  return text.slice(from, from + 8);
}

/** The method text[0, sp), without a new string for the common ones. */
function methodOf(text: string, sp: number): string {
  const c = text.charCodeAt(0);
  if (sp === 3 && c === 0x47 && text.charCodeAt(1) === 0x45 && text.charCodeAt(2) === 0x54) return 'GET';
  if (sp === 4 && c === 0x50 && text.charCodeAt(1) === 0x4f && text.charCodeAt(2) === 0x53 && text.charCodeAt(3) === 0x54) return 'POST';
  return text.slice(0, sp);
}

/** Parses a request head; returns undefined with facts.error set when the request line is not HTTP. */
export function parseRequestHead(text: string, facts: HeadFacts): RequestHead | undefined {
  facts.reset();
  const nl = text.indexOf('\n');
  const end = lineEnd(text, nl < 0 ? text.length : nl, 0);
  if (!isRequestLineAt(text, end)) return parseLenientRequestHead(text, text.slice(0, end), nl, facts);
  const sp = text.indexOf(' ');
  scanHeaderLines(text, nl + 1, facts);
  return new ParsedRequestHead(methodOf(text, sp), text.slice(sp + 1, end - 9), versionAt(text, end - 8), facts.headLength, text, nl + 1);
}

/**
 * The slow path of parseRequestHead for lines that are not METHOD SP target SP HTTP/d.d. A request
 * line without a version is the whole request unless header lines follow it (HTTP/0.9 has none):
 * its head is then just that line, and what follows is the next message.
 */
function parseLenientRequestHead(text: string, line: string, nl: number, facts: HeadFacts): RequestHead | undefined {
  const parts = parseLenientRequestLine(line);
  if (parts === undefined || nl < 0) {
    facts.error = 'invalid request line';
    return undefined;
  }
  facts.malformedRequestLine = `${parts.problem}: ${JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line)}`;
  let headersFrom = NO_HEADERS;
  if (parts.httpVersion === HTTP09 && !startsHeaderLine(text, nl + 1, false)) {
    facts.headLength = nl + 1;
  } else {
    headersFrom = nl + 1;
    scanHeaderLines(text, headersFrom, facts);
  }
  return new ParsedRequestHead(parts.method, parts.target, parts.httpVersion, facts.headLength, text, headersFrom);
}

/** Parses a response head; returns undefined with facts.error set when the status line is not HTTP. */
export function parseResponseHead(text: string, facts: HeadFacts): ResponseHead | undefined {
  facts.reset();
  const nl = text.indexOf('\n');
  const end = lineEnd(text, nl < 0 ? text.length : nl, 0);
  if (!isStatusLineAt(text, end)) {
    facts.error = 'invalid status line';
    return undefined;
  }
  const status =
    (text.charCodeAt(9) - 0x30) * 100 + (text.charCodeAt(10) - 0x30) * 10 + (text.charCodeAt(11) - 0x30);
  scanHeaderLines(text, nl + 1, facts);
  const reason = end === 15 && text.charCodeAt(13) === 0x4f && text.charCodeAt(14) === 0x4b ? 'OK' : end > 13 ? text.slice(13, end) : '';
  return new ParsedResponseHead(status, reason, versionAt(text, 0), facts.headLength, text, nl + 1);
}

/** A response head for an answer without a status line (HTTP/0.9): no headers. */
export function simpleResponseHead(): ResponseHead {
  return new ParsedResponseHead(0, '', HTTP09, 0, '', NO_HEADERS);
}
