import type { Body, Exchange, HttpHeader, HttpMessage, ResponseHead } from '../model/exchange.js';
import type { Timestamp } from '../model/time.js';
import { diffNs, toIsoMicros } from '../model/time.js';
import type { BodyDecoder } from './body-decoder.js';
import { mediaType, renderBytes } from './body-text.js';
import { parseCookieHeader, parseSetCookie } from './cookies.js';
import { harTimings, harTotalTime } from './har-timings.js';
import type {
  HarBodyMarkers,
  HarContent,
  HarCookie,
  HarEntry,
  HarInterim,
  HarNameValue,
  HarPostData,
  HarResponse,
} from './har-types.js';
import { parseParams, parseQuery, requestUrl } from './url.js';

export interface HarEntryOptions {
  /** Removes Content-Encoding (src/http's decodeBody). Without it, encoded bodies stay encoded (base64). */
  decodeBody?: BodyDecoder;
  /** Most decoded bytes shown per body; normally --max-body, so a small gzip cannot expand without bound. */
  maxBody: number;
  /** Formats startedDateTime; default toIsoMicros (createEntryConverter passes a cached one). */
  formatTime?: (ts: Timestamp) => string;
}

/** What one pass over a head's headers tells the converter. */
interface HeadFacts {
  headers: HarNameValue[];
  contentType: string;
  contentEncoding: string;
  host: string | undefined;
  location: string;
  cookies: HarCookie[];
}

function scanHeaders(headers: HttpHeader[], setCookie: boolean, ts: HttpMessage<unknown>['firstByte']): HeadFacts {
  const facts: HeadFacts = { headers: new Array(headers.length), contentType: '', contentEncoding: '', host: undefined, location: '', cookies: [] };
  for (let i = 0; i < headers.length; i++) {
    const { name, value } = headers[i];
    // Fresh objects: redaction replaces values in the entry and must never reach the Exchange.
    facts.headers[i] = { name, value };
    switch (name.length) {
      case 4:
        if (facts.host === undefined && name.toLowerCase() === 'host') facts.host = value;
        break;
      case 6:
        if (!setCookie && name.toLowerCase() === 'cookie') parseCookieHeader(value, facts.cookies);
        break;
      case 8:
        if (name.toLowerCase() === 'location') facts.location = value;
        break;
      case 10:
        if (setCookie && name.toLowerCase() === 'set-cookie') facts.cookies.push(parseSetCookie(value, ts));
        break;
      case 12:
        if (name.toLowerCase() === 'content-type') facts.contentType = value.trim();
        break;
      case 16:
        // Several codings ("gzip, br") are passed on as listed; the decoder undoes them or reports why not.
        if (name.toLowerCase() === 'content-encoding') facts.contentEncoding = facts.contentEncoding === '' ? value.trim() : `${facts.contentEncoding}, ${value.trim()}`;
        break;
    }
  }
  return facts;
}

function copyHeaders(headers: HttpHeader[]): HarNameValue[] {
  const out: HarNameValue[] = new Array(headers.length);
  for (let i = 0; i < headers.length; i++) out[i] = { name: headers[i].name, value: headers[i].value };
  return out;
}

interface RenderedContent extends HarBodyMarkers {
  size: number;
  compression?: number;
  text?: string;
}

/**
 * Body → size, text/base64 and markers. `size` is the decoded size when the whole body was decoded;
 * when only part of an encoded body is known (cap, gap, corrupt stream), the decoded size cannot be
 * known and `size` is the larger of the bytes on the wire and the decoded bytes seen (a lower bound).
 */
function renderContent(body: Body, contentType: string, contentEncoding: string, options: HarEntryOptions): RenderedContent {
  const raw = body.data;
  const rawIncomplete = body.truncated || body.lostBytes > 0;
  let bytes = raw;
  let size = body.size;
  let compression: number | undefined;
  let incomplete = rawIncomplete;
  let leftEncoded: string | undefined;
  let decodeError: string | undefined;
  const coding = contentEncoding.toLowerCase();
  if (raw.length > 0 && coding !== '' && coding !== 'identity') {
    const result = options.decodeBody?.(raw, contentEncoding, options.maxBody + 1);
    if (result !== undefined && result.decoded) {
      bytes = result.data;
      const overflow = bytes.length > options.maxBody;
      if (overflow) bytes = bytes.subarray(0, options.maxBody);
      decodeError = result.error;
      if (!rawIncomplete && !overflow && decodeError === undefined) {
        size = result.data.length;
        compression = size - body.size;
      } else {
        incomplete = true;
        size = Math.max(body.size, result.data.length);
      }
    } else {
      leftEncoded = contentEncoding;
      decodeError = result?.error;
    }
  }
  const content: RenderedContent = { size };
  if (compression !== undefined) content.compression = compression;
  if (bytes.length > 0) {
    const rendered = renderBytes(bytes, mediaType(contentType), incomplete);
    content.text = rendered.text;
    if (rendered.base64) content.encoding = 'base64';
    if (incomplete) {
      content._truncated = true;
      content._capturedSize = rendered.shownBytes;
    }
  } else if (incomplete) {
    content._truncated = true;
    content._capturedSize = 0;
  }
  if (body.lostBytes > 0) content._lostBytes = body.lostBytes;
  if (leftEncoded !== undefined) content._contentEncoding = leftEncoded;
  if (decodeError !== undefined) content._decodeError = decodeError;
  return content;
}

function postData(body: Body, facts: HeadFacts, options: HarEntryOptions): HarPostData {
  const { size: _size, compression: _compression, text, ...markers } = renderContent(body, facts.contentType, facts.contentEncoding, options);
  const data: HarPostData = { mimeType: facts.contentType, text: text ?? '', ...markers };
  if (text !== undefined && markers.encoding === undefined && mediaType(facts.contentType) === 'application/x-www-form-urlencoded') {
    data.params = parseParams(text);
  }
  return data;
}

function msBetween(later: HttpMessage<unknown>['firstByte'], earlier: HttpMessage<unknown>['firstByte']): number {
  const ns = diffNs(later, earlier);
  return ns <= 0 ? 0 : Math.round(ns / 1e3) / 1e3;
}

const NO_RESPONSE: () => HarResponse = () => ({
  status: 0,
  statusText: '',
  httpVersion: '',
  cookies: [],
  headers: [],
  content: { size: 0, mimeType: '' },
  redirectURL: '',
  headersSize: -1,
  bodySize: -1,
});

function response(message: HttpMessage<ResponseHead>, options: HarEntryOptions): HarResponse {
  const { head, body } = message;
  const facts = scanHeaders(head.headers, true, message.firstByte);
  const { size, compression, text, ...markers } = renderContent(body, facts.contentType, facts.contentEncoding, options);
  const content: HarContent = { size, mimeType: facts.contentType };
  if (compression !== undefined) content.compression = compression;
  if (text !== undefined) content.text = text;
  Object.assign(content, markers);
  const out: HarResponse = {
    status: head.status,
    statusText: head.reason,
    httpVersion: head.httpVersion,
    cookies: facts.cookies,
    headers: facts.headers,
    content,
    redirectURL: facts.location,
    headersSize: head.headSize,
    bodySize: body.size,
  };
  if (body.trailers.length > 0) out._trailers = copyHeaders(body.trailers);
  return out;
}

/** One exchange as a HAR 1.2 entry (also the --jsonl line). Never throws on odd traffic. */
export function toHarEntry(exchange: Exchange, options: HarEntryOptions): HarEntry {
  const { request, connection } = exchange;
  const head = request.head;
  const facts = scanHeaders(head.headers, false, request.firstByte);
  const url = requestUrl(head, connection.server, facts.host);
  const timings = harTimings(exchange);
  const entry: HarEntry = {
    startedDateTime: (options.formatTime ?? toIsoMicros)(request.firstByte),
    time: harTotalTime(timings),
    request: {
      method: head.method,
      url,
      httpVersion: head.httpVersion,
      cookies: facts.cookies,
      headers: facts.headers,
      queryString: parseQuery(url),
      headersSize: head.headSize,
      bodySize: request.body.size,
    },
    response: exchange.response === undefined ? NO_RESPONSE() : response(exchange.response, options),
    cache: {},
    timings,
    serverIPAddress: connection.server.ip,
    connection: connection.id,
    _clientIPAddress: connection.client.ip,
    _clientPort: connection.client.port,
    _serverPort: connection.server.port,
    _connectionIndex: connection.index,
    _termination: exchange.termination,
    _anomalies: exchange.anomalies.map((anomaly) => ({ code: anomaly.code, message: anomaly.message })),
  };
  if (request.body.size > 0) entry.request.postData = postData(request.body, facts, options);
  if (request.body.trailers.length > 0) entry.request._trailers = copyHeaders(request.body.trailers);
  if (exchange.clientContainer !== undefined) entry._clientContainer = { ...exchange.clientContainer };
  if (exchange.serverContainer !== undefined) entry._serverContainer = { ...exchange.serverContainer };
  if (exchange.interim.length > 0) {
    entry._interim = exchange.interim.map(
      (interim): HarInterim => ({
        status: interim.head.status,
        statusText: interim.head.reason,
        httpVersion: interim.head.httpVersion,
        headers: copyHeaders(interim.head.headers),
        time: msBetween(interim.firstByte, request.firstByte),
      }),
    );
  }
  return entry;
}
