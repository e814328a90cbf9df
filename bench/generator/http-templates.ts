import { createdBody, errorBody, gzipBody, plainBody, requestBody } from './bodies.js';
import { Prng } from './prng.js';
import type { ClientFlavor, Service, ServerFlavor } from './topology.js';

/**
 * HTTP messages built once and patched per packet: a template holds the finished bytes plus the
 * offsets of the few fields that change per message (ids, trace ids, the Date header).
 */
export interface MessageTemplate {
  bytes: Buffer;
  /** Offsets of 8-character lowercase hex fields refilled with random values per message. */
  hexFields: number[];
  /** Offset of the 29-character IMF-fixdate value of the Date header, or -1. */
  dateOffset: number;
  gzip: boolean;
  chunked: boolean;
}

/** Length of "Wed, 26 Nov 2025 10:00:00 GMT". */
export const DATE_LENGTH = 29;
const DATE_PLACEHOLDER = 'Thu, 01 Jan 1970 00:00:00 GMT';
const HEX_PLACEHOLDER = '00000000';

/** Accumulates ASCII text and remembers where the patchable fields are. */
class Builder {
  private text = '';
  readonly hexFields: number[] = [];
  dateOffset = -1;

  add(s: string): this {
    this.text += s;
    return this;
  }

  hex(): this {
    this.hexFields.push(this.text.length);
    return this.add(HEX_PLACEHOLDER);
  }

  /** A traceparent value: version 00, 16-byte trace id, 8-byte parent id, sampled. */
  traceparent(): this {
    this.add('00-').hex().hex().hex().hex().add('-').hex().hex();
    return this.add('-01');
  }

  date(): this {
    this.dateOffset = this.text.length;
    return this.add(DATE_PLACEHOLDER);
  }

  line(s = ''): this {
    return this.add(s).add('\r\n');
  }

  build(body: Buffer | undefined, gzip: boolean, chunked: boolean): MessageTemplate {
    const head = Buffer.from(this.text, 'latin1');
    return {
      bytes: body ? Buffer.concat([head, body]) : head,
      hexFields: this.hexFields,
      dateOffset: this.dateOffset,
      gzip,
      chunked,
    };
  }
}

// ---------------------------------------------------------------- requests

interface RequestShape {
  method: 'GET' | 'POST';
  /** Writes the request target (so ids in it can be patched). */
  target: (b: Builder) => void;
  body?: Buffer;
}

/** Header order and spelling as each client library sends them. */
function writeRequestHead(b: Builder, flavor: ClientFlavor, host: string, req: RequestShape): void {
  b.add(`${req.method} `);
  req.target(b);
  b.line(' HTTP/1.1');
  const len = req.body?.length;
  switch (flavor) {
    case 'axios':
      b.line('Accept: application/json, text/plain, */*');
      if (len !== undefined) b.line('Content-Type: application/json');
      b.line('User-Agent: axios/1.6.8');
      if (len !== undefined) b.line(`Content-Length: ${len}`);
      b.line('Accept-Encoding: gzip, compress, deflate, br');
      b.add('traceparent: ').traceparent().line();
      b.line(`Host: ${host}`);
      b.line('Connection: keep-alive');
      break;
    case 'undici':
      b.line(`host: ${host}`);
      b.line('connection: keep-alive');
      if (len !== undefined) b.line('content-type: application/json');
      b.add('traceparent: ').traceparent().line();
      b.line('accept: */*');
      b.line('accept-language: *');
      b.line('sec-fetch-mode: cors');
      b.line('user-agent: node');
      b.line('accept-encoding: gzip, deflate');
      if (len !== undefined) b.line(`content-length: ${len}`);
      break;
    case 'go':
      b.line(`Host: ${host}`);
      b.line('User-Agent: Go-http-client/1.1');
      if (len !== undefined) b.line(`Content-Length: ${len}`);
      b.line('Accept: application/json');
      if (len !== undefined) b.line('Content-Type: application/json');
      b.add('Traceparent: ').traceparent().line();
      b.line('Accept-Encoding: gzip');
      break;
    case 'python-requests':
      b.line(`Host: ${host}`);
      b.line('User-Agent: python-requests/2.31.0');
      b.line('Accept-Encoding: gzip, deflate');
      b.line('Accept: */*');
      b.line('Connection: keep-alive');
      b.add('traceparent: ').traceparent().line();
      if (len !== undefined) b.line('Content-Type: application/json');
      if (len !== undefined) b.line(`Content-Length: ${len}`);
      break;
  }
  b.line();
}

export interface RequestTemplate extends MessageTemplate {
  method: 'GET' | 'POST';
}

/** Relative frequencies of the request templates returned by `requestTemplates` (same order). */
export const REQUEST_WEIGHTS = [45, 20, 10, 15, 10];

/** The requests one client flavor sends to one service: item reads, list pages, history, two POST sizes. */
export function requestTemplates(prng: Prng, flavor: ClientFlavor, service: Service): RequestTemplate[] {
  const host = service.port === 80 ? service.name : `${service.name}:${service.port}`;
  const base = `/api/v1/${service.resource}`;
  const shapes: RequestShape[] = [
    { method: 'GET', target: (b) => b.add(`${base}/`).hex() },
    { method: 'GET', target: (b) => b.add(`${base}?limit=25&cursor=`).hex() },
    { method: 'GET', target: (b) => b.add(`${base}/`).hex().add('/history?days=7') },
    { method: 'POST', target: (b) => b.add(base), body: requestBody(prng, 160) },
    { method: 'POST', target: (b) => b.add(base), body: requestBody(prng, 520) },
  ];
  return shapes.map((shape) => {
    const b = new Builder();
    writeRequestHead(b, flavor, host, shape);
    return { ...b.build(shape.body, false, false), method: shape.method };
  });
}

// ---------------------------------------------------------------- responses

const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 404: 'Not Found', 500: 'Internal Server Error' };

/** Chunk framing as servers emit it: at most 4 KB per chunk, then the last-chunk and no trailers. */
function chunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let off = 0; off < body.length; off += 4096) {
    const piece = body.subarray(off, Math.min(off + 4096, body.length));
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

function etag(prng: Prng, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let s = '';
  for (let i = 0; i < 27; i++) s += alphabet[prng.int(0, 63)];
  return `W/"${length.toString(16)}-${s}"`;
}

function framing(b: Builder, length: number, chunked: boolean): void {
  b.line(chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`);
}

/** Response heads as nginx 1.25 and Express 4 (node:http) write them. */
function response(
  prng: Prng, flavor: ServerFlavor, status: number, body: Buffer, gzip: boolean, chunked: boolean,
): MessageTemplate {
  const b = new Builder();
  b.line(`HTTP/1.1 ${status} ${REASONS[status]}`);
  if (flavor === 'nginx') {
    b.line('Server: nginx/1.25.3');
    b.add('Date: ').date().line();
    b.line('Content-Type: application/json');
    framing(b, body.length, chunked);
    b.line('Connection: keep-alive');
    if (gzip) b.line('Vary: Accept-Encoding').line('Content-Encoding: gzip');
  } else {
    b.line('X-Powered-By: Express');
    b.line('Content-Type: application/json; charset=utf-8');
    if (!chunked) b.line(`Content-Length: ${body.length}`);
    b.line(`ETag: ${etag(prng, body.length)}`);
    if (gzip) b.line('Vary: Accept-Encoding').line('Content-Encoding: gzip');
    b.add('Date: ').date().line();
    b.line('Connection: keep-alive');
    b.line('Keep-Alive: timeout=5');
    if (chunked) b.line('Transfer-Encoding: chunked');
  }
  b.line();
  return b.build(chunked ? chunk(body) : body, gzip, chunked);
}

/** Body sizes on the wire for 200 responses, and how often each occurs (small JSON dominates). */
export const OK_BODY_BYTES = [120, 250, 450, 800, 1400, 2400, 3800, 5300];
export const OK_BODY_WEIGHTS = [20, 24, 20, 14, 10, 6, 4, 2];

/** Index: [gzip 0|1][chunked 0|1]. */
export type Variants = MessageTemplate[][];

export interface ResponseCatalogue {
  /** ok[sizeIndex][gzip][chunked] */
  ok: Variants[];
  created: Variants;
  notFound: Variants;
  serverError: Variants;
}

function variants(prng: Prng, flavor: ServerFlavor, status: number, plain: Buffer, gzipped: Buffer): Variants {
  return [0, 1].map((gz) =>
    [0, 1].map((ch) => response(prng, flavor, status, gz ? gzipped : plain, gz === 1, ch === 1)),
  );
}

/** Every response one server flavor sends. Bodies are shared between flavors (same sizes, same bytes). */
export function responseCatalogue(prng: Prng, flavor: ServerFlavor, bodies: SharedBodies): ResponseCatalogue {
  return {
    ok: bodies.okPlain.map((plain, i) => variants(prng, flavor, 200, plain, bodies.okGzip[i])),
    created: variants(prng, flavor, 201, bodies.created, bodies.createdGzip),
    notFound: variants(prng, flavor, 404, bodies.notFound, bodies.notFoundGzip),
    serverError: variants(prng, flavor, 500, bodies.serverError, bodies.serverErrorGzip),
  };
}

export interface SharedBodies {
  okPlain: Buffer[];
  okGzip: Buffer[];
  created: Buffer;
  createdGzip: Buffer;
  notFound: Buffer;
  notFoundGzip: Buffer;
  serverError: Buffer;
  serverErrorGzip: Buffer;
}

export function sharedBodies(prng: Prng, gzip: (b: Buffer) => Buffer): SharedBodies {
  const created = createdBody(prng);
  const notFound = errorBody(404, 'no such resource');
  const serverError = errorBody(500, 'upstream timed out');
  return {
    okPlain: OK_BODY_BYTES.map((n) => plainBody(prng, n)),
    okGzip: OK_BODY_BYTES.map((n) => gzipBody(prng, n)),
    created,
    createdGzip: gzip(created),
    notFound,
    notFoundGzip: gzip(notFound),
    serverError,
    serverErrorGzip: gzip(serverError),
  };
}

/** Every template, for size checks. */
export function allResponses(c: ResponseCatalogue): MessageTemplate[] {
  return [...c.ok, c.created, c.notFound, c.serverError].flat(2);
}
