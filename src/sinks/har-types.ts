/**
 * The HAR 1.2 shapes hopscope writes (http://www.softwareishard.com/blog/har-12-spec/), with the
 * `_`-prefixed extension fields it adds. Plain data: every sink that serialises exchanges uses these.
 */
import type { ContainerRef } from '../model/container.js';
import type { Termination } from '../model/exchange.js';

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  /** ISO 8601. */
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
}

/** Fields shared by postData and content that describe how much of a body is shown. */
export interface HarBodyMarkers {
  /** 'base64' when `text` holds base64 (binary or non-UTF-8 bytes). */
  encoding?: 'base64';
  /** Present (true) when `text` does not hold the whole body: --max-body cut it, or bytes were lost. */
  _truncated?: true;
  /** Bytes represented by `text` (after content decoding) when `_truncated`. */
  _capturedSize?: number;
  /** Body bytes never captured (TCP gaps). */
  _lostBytes?: number;
  /** Set when `text` still carries this Content-Encoding (unknown coding, or decoding failed). */
  _contentEncoding?: string;
  _decodeError?: string;
}

export interface HarPostData extends HarBodyMarkers {
  mimeType: string;
  text: string;
  params?: HarNameValue[];
}

export interface HarContent extends HarBodyMarkers {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
  _trailers?: HarNameValue[];
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  _trailers?: HarNameValue[];
}

export interface HarTimings {
  blocked: number;
  dns: number;
  connect: number;
  send: number;
  wait: number;
  receive: number;
  ssl: number;
}

/** An interim (1xx) response that came before the final one. */
export interface HarInterim {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: HarNameValue[];
  /** Milliseconds from the request's first byte to this response's first byte. */
  time: number;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: HarTimings;
  serverIPAddress: string;
  connection: string;
  _clientIPAddress: string;
  _clientPort: number;
  _serverPort: number;
  /** 0 for the first exchange on the connection, 1 for the next (pipelining, keep-alive). */
  _connectionIndex: number;
  _termination: Termination;
  _anomalies: Array<{ code: string; message: string }>;
  _clientContainer?: ContainerRef;
  _serverContainer?: ContainerRef;
  _interim?: HarInterim[];
}

export interface HarPage {
  id: string;
  title: string;
  startedDateTime: string;
  pageTimings: Record<string, never>;
}
