import type { ContainerRef } from '../../../src/model/container.js';
import type { Endpoint, Handshake } from '../../../src/model/connection.js';
import type { Body, Exchange, HttpHeader, HttpMessage, ResponseHead, Termination } from '../../../src/model/exchange.js';
import type { Anomaly } from '../../../src/model/anomaly.js';
import type { Timestamp } from '../../../src/model/time.js';

/** 2023-11-14T22:13:20Z: all builder times are milliseconds after this. */
export const BASE_SEC = 1_700_000_000;

/** BASE + ms (fractions down to the nanosecond). */
export function at(ms: number): Timestamp {
  const totalNs = Math.round(ms * 1e6);
  const sec = BASE_SEC + Math.floor(totalNs / 1e9);
  return { sec, nsec: totalNs - Math.floor(totalNs / 1e9) * 1e9 };
}

export function bytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'utf8')) : data;
}

/** A fully captured body unless `options` says otherwise (size defaults to the data length). */
export function makeBody(data: string | Uint8Array = '', options: Partial<Body> = {}): Body {
  const content = bytes(data);
  return { data: content, size: content.length, truncated: false, lostBytes: 0, chunked: false, trailers: [], ...options };
}

/** The first `cap` bytes of `data`, as the HTTP layer keeps them under --max-body. */
export function cappedBody(data: string | Uint8Array, cap: number): Body {
  const content = bytes(data);
  return makeBody(content.subarray(0, cap), { size: content.length, truncated: content.length > cap });
}

function headers(list: Array<[string, string]>): HttpHeader[] {
  return list.map(([name, value]) => ({ name, value }));
}

function headSize(firstLine: string, list: Array<[string, string]>): number {
  return firstLine.length + 2 + list.reduce((n, [name, value]) => n + name.length + value.length + 4, 0) + 2;
}

export interface InterimSpec {
  status: number;
  reason?: string;
  headers?: Array<[string, string]>;
  at: number;
}

export interface ExchangeSpec {
  seq?: number;
  method?: string;
  target?: string;
  httpVersion?: string;
  requestHeaders?: Array<[string, string]>;
  requestBody?: Body;
  /** null: no response at all. */
  status?: number | null;
  reason?: string;
  responseHeaders?: Array<[string, string]>;
  responseBody?: Body;
  /** ms after BASE: request first/last byte, response first/last byte. */
  times?: [number, number, number, number];
  client?: Endpoint;
  server?: Endpoint;
  connectionId?: string;
  index?: number;
  handshake?: Handshake;
  interim?: InterimSpec[];
  termination?: Termination;
  anomalies?: Anomaly[];
  clientContainer?: ContainerRef;
  serverContainer?: ContainerRef;
}

/** A plausible GET / → 200 exchange, changed by `spec`. */
export function buildExchange(spec: ExchangeSpec = {}): Exchange {
  const method = spec.method ?? 'GET';
  const target = spec.target ?? '/';
  const version = spec.httpVersion ?? 'HTTP/1.1';
  const requestHeaders = spec.requestHeaders ?? [['Host', 'api.example'], ['User-Agent', 'curl/8.0']];
  const [reqFirst, reqLast, resFirst, resLast] = spec.times ?? [0, 0.2, 5.5, 6];
  const status = spec.status === undefined ? 200 : spec.status;
  const responseHeaders = spec.responseHeaders ?? [['Content-Type', 'text/plain'], ['Content-Length', '2']];
  const response: HttpMessage<ResponseHead> | undefined =
    status === null
      ? undefined
      : {
          head: {
            status,
            reason: spec.reason ?? 'OK',
            httpVersion: version,
            headers: headers(responseHeaders),
            headSize: headSize(`${version} ${status} ${spec.reason ?? 'OK'}`, responseHeaders),
          },
          body: spec.responseBody ?? makeBody('ok'),
          firstByte: at(resFirst),
          lastByte: at(resLast),
        };
  return {
    seq: spec.seq ?? 0,
    connection: {
      id: spec.connectionId ?? 'c0',
      client: spec.client ?? { ip: '172.17.0.2', port: 40000 },
      server: spec.server ?? { ip: '172.17.0.3', port: 8080 },
      handshake: spec.handshake ?? {},
      index: spec.index ?? 0,
    },
    request: {
      head: { method, target, httpVersion: version, headers: headers(requestHeaders), headSize: headSize(`${method} ${target} ${version}`, requestHeaders) },
      body: spec.requestBody ?? makeBody(),
      firstByte: at(reqFirst),
      lastByte: at(reqLast),
    },
    response,
    interim: (spec.interim ?? []).map((interim) => {
      const list = interim.headers ?? [];
      return {
        head: { status: interim.status, reason: interim.reason ?? 'Continue', httpVersion: version, headers: headers(list), headSize: headSize(`${version} ${interim.status}`, list) },
        body: makeBody(),
        firstByte: at(interim.at),
        lastByte: at(interim.at),
      };
    }),
    termination: spec.termination ?? (status === null ? 'no-response' : 'complete'),
    anomalies: spec.anomalies ?? [],
    clientContainer: spec.clientContainer,
    serverContainer: spec.serverContainer,
  };
}
