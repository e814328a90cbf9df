import type { HttpHeader, RequestHead, ResponseHead } from '../model/exchange.js';
import { parseHeaderLines } from './header-lines.js';

/**
 * Heads as the parser hands them out. Framing needs only a few facts from the header lines, which
 * the parser finds in one scan; the HttpHeader[] (an object and two strings per header) is built
 * from the head's text the first time something reads `headers`, so a run that never looks at
 * headers (--summary, the table) never pays for them. Reading `headers` twice gives the same array;
 * assigning it replaces it. toJSON() gives the plain RequestHead/ResponseHead shape.
 */

/** No header lines to build (an HTTP/0.9 request line, a response without a status line). */
const NO_HEADERS = -1;

function buildHeaders(text: string, from: number): HttpHeader[] {
  return from === NO_HEADERS ? [] : parseHeaderLines(text, from, null);
}

/** The lazily built header list both head kinds share. */
abstract class LazyHeaders {
  private built: HttpHeader[] | null = null;

  /** `text` holds the head; its header lines start at `headersFrom` (NO_HEADERS: none). */
  constructor(
    private readonly text: string,
    private readonly headersFrom: number,
  ) {}

  get headers(): HttpHeader[] {
    if (this.built === null) this.built = buildHeaders(this.text, this.headersFrom);
    return this.built;
  }

  set headers(headers: HttpHeader[]) {
    this.built = headers;
  }
}

export class ParsedRequestHead extends LazyHeaders implements RequestHead {
  constructor(
    public method: string,
    public target: string,
    public httpVersion: string,
    public headSize: number,
    text: string,
    headersFrom: number,
  ) {
    super(text, headersFrom);
  }

  toJSON(): RequestHead {
    return { method: this.method, target: this.target, httpVersion: this.httpVersion, headers: this.headers, headSize: this.headSize };
  }
}

export class ParsedResponseHead extends LazyHeaders implements ResponseHead {
  constructor(
    public status: number,
    public reason: string,
    public httpVersion: string,
    public headSize: number,
    text: string,
    headersFrom: number,
  ) {
    super(text, headersFrom);
  }

  toJSON(): ResponseHead {
    return { status: this.status, reason: this.reason, httpVersion: this.httpVersion, headers: this.headers, headSize: this.headSize };
  }
}

export { NO_HEADERS };
