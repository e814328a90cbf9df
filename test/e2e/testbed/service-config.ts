/**
 * Typed configuration of the plain-JavaScript services in services/ (they read it as JSON from the
 * environment). The shapes mirror the comments at the top of hop-service.mjs and client-loop.mjs.
 */

/** The port every testbed service listens on inside its container (each has its own address). */
export const servicePort = 8080;

export interface HopCall {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** Sent as a JSON body. */
  body?: unknown;
  /** Send that body gzip-encoded (Content-Encoding: gzip). */
  gzipBody?: boolean;
  /** Default true (a shared keep-alive connection); false opens a new connection with Connection: close. */
  keepAlive?: boolean;
}

export interface HopRoute {
  /** Exact path, or a prefix ending in '*'. */
  path: string;
  method?: string;
  calls?: HopCall[];
  mode?: 'sequential' | 'parallel';
  /** Fixed answer status. */
  status?: number;
  /** Answer the highest downstream status (a 5xx or a failed call answers 502). */
  statusFromCalls?: boolean;
  /** Wait this long after the calls before answering. */
  delayMs?: number;
  /** gzip the answer when the request accepts gzip. */
  gzip?: boolean;
  /** Send the answer chunked (no Content-Length), in two chunks. */
  chunked?: boolean;
  /** Fixed JSON answer; default: the service name, the path and what each call returned. */
  body?: unknown;
  /** Add a string of this many bytes to the answer. */
  padBytes?: number;
}

export interface HopServiceConfig {
  name: string;
  port?: number;
  routes: HopRoute[];
  /** Read and send traceparent and x-request-id under these prefixed names (logged as usual): no trace headers on the wire. */
  headerPrefix?: string;
}

export interface ClientRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Send Accept-Encoding: gzip. */
  gzip?: boolean;
}

export interface ClientLoopConfig {
  name?: string;
  count: number;
  intervalMs?: number;
  /** Every n-th request opens a new connection with Connection: close; 0 never does. */
  newConnectionEvery?: number;
  /** Default true: send a W3C traceparent with each request. */
  traceparent?: boolean;
  /** Send x-request-id and traceparent under these prefixed names (logged as usual). */
  headerPrefix?: string;
  /** Cycled through, request i uses requests[i % length]. */
  requests: ClientRequest[];
}

/** One line of a hop-service log (the node services): an incoming request and the calls it made. */
export interface HopLogLine {
  ts: string;
  service: string;
  seq: number;
  peer: string;
  method: string;
  url: string;
  httpVersion: string;
  status: number;
  reqBytes: number;
  reqBodyBytes: number;
  resBytes: number;
  gzip: boolean;
  seen: { traceparent: string | null; 'x-request-id': string | null };
  calls: HopCallLog[];
  ms: number;
}

export interface HopCallLog {
  method: string;
  url: string;
  status: number;
  reqBytes: number;
  resBytes: number;
  resBodyBytes?: number;
  resEncoding?: string | null;
  reused?: boolean;
  local?: string;
  sent: { traceparent: string; 'x-request-id': string | null };
  error?: string;
  ms: number;
}

/** One line of a client-loop log; the last line is a ClientSummary instead. */
export interface ClientLogLine {
  ts: string;
  i: number;
  client: string;
  method: string;
  url: string;
  status: number;
  reqBytes: number;
  resBytes: number;
  resBodyBytes?: number;
  resEncoding?: string | null;
  servedBy?: string | null;
  newConnection?: boolean;
  local?: string;
  sent: { 'x-request-id': string; traceparent: string | null };
  error?: string;
  ms: number;
}

export interface ClientSummary {
  summary: true;
  client: string;
  count: number;
  ok: number;
  clientErrors: number;
  serverErrors: number;
  failed: number;
  newConnections: number;
}
