import type { Anomaly } from './anomaly.js';
import type { ContainerRef } from './container.js';
import type { Endpoint, Handshake } from './connection.js';
import type { Timestamp } from './time.js';

export interface HttpHeader {
  name: string;
  value: string;
}

export interface RequestHead {
  method: string;
  /** The request target exactly as on the wire (origin form, absolute form, authority form for CONNECT, or *). */
  target: string;
  /** "HTTP/1.1", "HTTP/1.0". */
  httpVersion: string;
  /** In wire order, names as sent. */
  headers: HttpHeader[];
  /** Bytes of the head: request line, header lines and the empty line. */
  headSize: number;
}

export interface ResponseHead {
  status: number;
  reason: string;
  httpVersion: string;
  headers: HttpHeader[];
  headSize: number;
}

export interface Body {
  /** Body bytes as sent (chunk framing removed, content encoding kept), at most the capture cap. */
  data: Uint8Array;
  /** All body bytes of the message after removing chunk framing, including any beyond the cap or lost in gaps. */
  size: number;
  /** True when `size` > `data.length` because the cap (--max-body) was reached. */
  truncated: boolean;
  /** Bytes of the body that were never captured (TCP gaps); they are not in `data`. */
  lostBytes: number;
  chunked: boolean;
  trailers: HttpHeader[];
}

export interface HttpMessage<Head> {
  head: Head;
  body: Body;
  /** Capture time of the message's first and last byte. */
  firstByte: Timestamp;
  lastByte: Timestamp;
}

export type Termination = 'complete' | 'no-response' | 'gap' | 'reset' | 'capture-end';

export interface ExchangeConnection {
  /** Stable id of the TCP connection within a run (shared by every exchange on it). */
  id: string;
  client: Endpoint;
  server: Endpoint;
  /** Handshake times when captured; HAR's connect timing uses them on the first exchange of a connection. */
  handshake: Handshake;
  /** 0 for the first exchange on the connection, 1 for the next… */
  index: number;
}

/** One request with its response (or none). The one record every sink consumes. */
export interface Exchange {
  /** Order in which requests started within a run, from 0. */
  seq: number;
  connection: ExchangeConnection;
  request: HttpMessage<RequestHead>;
  response?: HttpMessage<ResponseHead>;
  /** Interim 1xx responses received before the final response, in order. */
  interim: Array<HttpMessage<ResponseHead>>;
  termination: Termination;
  anomalies: Anomaly[];
  clientContainer?: ContainerRef;
  serverContainer?: ContainerRef;
}

/**
 * HTTP → ordering → sinks. The HTTP layer calls `begin` when a request's first byte arrives and then
 * exactly one of `complete` (with the exchange carrying that seq) or `abandon` (the bytes never became a
 * request), so that output can follow the order in which requests started.
 */
export interface ExchangeSink {
  begin(ts: Timestamp): number;
  complete(exchange: Exchange): void;
  abandon(seq: number): void;
}
