import type { HttpHeader } from '../model/exchange.js';
import type { HeadFacts } from './head-parser.js';

/**
 * Walking the header lines of a head's latin1 text: line ends (CRLF or bare LF), optional
 * whitespace, well-formed header lines. Shared by the head parser's one scan and by building
 * HttpHeader[] on demand (parsed-head.ts), so that both see exactly the same lines.
 */

export const CH_TAB = 9;
export const CH_CR = 13;
export const CH_SP = 32;

/** End of the line that starts at `from` (index of its LF, or of its CR before the LF). */
export function lineEnd(text: string, nl: number, from: number): number {
  return nl > from && text.charCodeAt(nl - 1) === CH_CR ? nl - 1 : nl;
}

export function trimStart(text: string, from: number, to: number): number {
  while (from < to) {
    const c = text.charCodeAt(from);
    if (c !== CH_SP && c !== CH_TAB) break;
    from++;
  }
  return from;
}

export function trimEnd(text: string, from: number, to: number): number {
  while (to > from) {
    const c = text.charCodeAt(to - 1);
    if (c !== CH_SP && c !== CH_TAB) break;
    to--;
  }
  return to;
}

/** A header line's value, trimmed, from after its colon to the end of its line. */
export function valueOf(text: string, colon: number, end: number): string {
  const vFrom = trimStart(text, colon + 1, end);
  return text.slice(vFrom, trimEnd(text, vFrom, end));
}

/**
 * The colon of a well-formed header line that starts at `pos` and whose LF is at `nl` (RFC 9112
 * §5.1: a non-empty name without a space in it and no tab before the colon), or -1 for a malformed
 * line. Two native searches measured faster than walking the name with charCodeAt.
 */
export function headerColon(text: string, pos: number, nl: number): number {
  const colon = text.indexOf(':', pos);
  if (colon < 0 || colon >= nl || colon === pos) return -1;
  const sp = text.indexOf(' ', pos);
  if ((sp >= 0 && sp < colon) || text.charCodeAt(colon - 1) === CH_TAB) return -1;
  return colon;
}

/**
 * Header lines from `from` to the end of the head, in wire order with obsolete folding joined.
 * With `facts`, also sets facts.headLength to the end of the empty line and counts malformed lines
 * (trailers use that); heads get their facts from scanHeaderLines instead.
 */
export function parseHeaderLines(text: string, from: number, facts: HeadFacts | null): HttpHeader[] {
  const headers: HttpHeader[] = [];
  let pos = from;
  const n = text.length;
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n; // defensive: the caller guarantees an empty line
    const end = lineEnd(text, nl, pos);
    if (end === pos) {
      if (facts !== null) facts.headLength = nl + 1;
      return headers;
    }
    const first = text.charCodeAt(pos);
    if (first === CH_SP || first === CH_TAB) {
      // Obsolete line folding: the line continues the previous header's value.
      const last = headers.length > 0 ? headers[headers.length - 1] : undefined;
      const vFrom = trimStart(text, pos, end);
      const vTo = trimEnd(text, vFrom, end);
      if (last === undefined) {
        if (facts !== null) facts.malformedLines++;
      } else if (vTo > vFrom) {
        last.value = last.value.length > 0 ? `${last.value} ${text.slice(vFrom, vTo)}` : text.slice(vFrom, vTo);
      }
    } else {
      const colon = headerColon(text, pos, nl);
      if (colon < 0) {
        if (facts !== null) facts.malformedLines++;
      } else {
        headers.push({ name: text.slice(pos, colon), value: valueOf(text, colon, end) });
      }
    }
    pos = nl + 1;
  }
  if (facts !== null) facts.headLength = n;
  return headers;
}
