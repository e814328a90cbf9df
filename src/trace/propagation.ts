import type { Exchange, HttpHeader } from '../model/exchange.js';

/**
 * Ids that instrumented services (or proxies) propagate in request headers. Two kinds of evidence:
 * - `keys`: values that stay the same along a whole request tree (a trace id, a request id). Two
 *   exchanges with the same key kind and different values belong to different trees.
 * - `spanId` / `parentSpanId` (B3 only): Zipkin's shared-span model gives a server the caller's span id,
 *   so a child call's parent span id names its parent exchange exactly. W3C traceparent, X-Ray and
 *   Cloud Trace carry only the caller's *client* span, which never appears on the inbound request, so they
 *   group a tree but cannot link a parent on their own.
 */
export interface PropagatedIds {
  /** kind → value, e.g. 'w3c' → 32 hex digits, 'x-request-id' → 'abc'. Absent when the request carried none. */
  keys: Map<string, string> | undefined;
  /** The id a tree is named by: the first trace id found (w3c, b3, aws, gcp), else the first other key. */
  traceId: string | undefined;
  spanId: string | undefined;
  parentSpanId: string | undefined;
}

/** Every header name the built-in extractors read (lower case). */
export const PROPAGATION_HEADERS: readonly string[] = [
  'traceparent',
  'x-request-id',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'b3',
  'x-amzn-trace-id',
  'x-cloud-trace-context',
];

const TRACE_KINDS = ['w3c', 'b3', 'aws', 'gcp'] as const;
const NO_IDS: PropagatedIds = { keys: undefined, traceId: undefined, spanId: undefined, parentSpanId: undefined };

const W3C = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}/i;
const ZEROS = /^0+$/;

function validId(id: string): boolean {
  return id.length > 0 && !ZEROS.test(id);
}

/** Header names, lower-cased, to the extractor's kind; `extra` names are correlation keys of their own. */
export function propagationNames(extra: readonly string[] = []): Set<string> {
  return new Set([...PROPAGATION_HEADERS, ...extra.map((name) => name.toLowerCase())]);
}

/**
 * Reads the propagated ids of a request. `extra` are further header names (lower case) whose values
 * are correlation keys. Malformed values are ignored rather than trusted.
 */
export function propagatedIds(headers: HttpHeader[], extra: ReadonlySet<string> = new Set()): PropagatedIds {
  let keys: Map<string, string> | undefined;
  let spanId: string | undefined;
  let parentSpanId: string | undefined;
  const put = (kind: string, value: string) => {
    if (!validId(value)) return;
    keys ??= new Map();
    if (!keys.has(kind)) keys.set(kind, value.toLowerCase());
  };
  for (let i = 0; i < headers.length; i++) {
    const { name, value } = headers[i];
    // Cheap length filter first: most headers are none of these.
    const n = name.length;
    if (n !== 2 && n !== 11 && n !== 12 && n !== 15 && n !== 17 && n !== 21 && extra.size === 0) continue;
    const lower = name.toLowerCase();
    const v = value.trim();
    switch (lower) {
      case 'traceparent': {
        const m = W3C.exec(v);
        if (m) put('w3c', m[1]);
        break;
      }
      case 'x-request-id':
        put('x-request-id', v);
        break;
      case 'x-b3-traceid':
        // 64-bit B3 trace ids are the low half of a 128-bit one: pad so both spellings agree.
        put('b3', v.padStart(32, '0'));
        break;
      case 'x-b3-spanid':
        if (validId(v)) spanId ??= v.toLowerCase();
        break;
      case 'x-b3-parentspanid':
        if (validId(v)) parentSpanId ??= v.toLowerCase();
        break;
      case 'b3': {
        // {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]], or a bare sampling state ("0").
        const parts = v.split('-');
        if (parts.length >= 2) {
          put('b3', parts[0].padStart(32, '0'));
          if (validId(parts[1])) spanId ??= parts[1].toLowerCase();
          if (parts.length >= 4 && validId(parts[3])) parentSpanId ??= parts[3].toLowerCase();
        }
        break;
      }
      case 'x-amzn-trace-id': {
        const root = /(?:^|;)\s*Root=([^;]+)/i.exec(v);
        if (root) put('aws', root[1].trim());
        break;
      }
      case 'x-cloud-trace-context': {
        const slash = v.indexOf('/');
        put('gcp', slash < 0 ? v.split(';')[0] : v.slice(0, slash));
        break;
      }
      default:
        if (extra.has(lower)) put(lower, v);
    }
  }
  if (keys === undefined && spanId === undefined) return NO_IDS;
  let traceId: string | undefined;
  if (keys !== undefined) {
    for (const kind of TRACE_KINDS) {
      traceId = keys.get(kind);
      if (traceId !== undefined) break;
    }
    traceId ??= keys.values().next().value;
  }
  return { keys, traceId, spanId, parentSpanId };
}

/** How two requests' ids relate: 'conflict' when some kind has different values, 'shared' when some value is equal. */
export function relateIds(a: PropagatedIds, b: PropagatedIds): 'shared' | 'conflict' | 'none' {
  if (a.keys === undefined || b.keys === undefined) return 'none';
  let shared = false;
  for (const [kind, value] of a.keys) {
    const other = b.keys.get(kind);
    if (other === undefined) continue;
    if (other !== value) return 'conflict';
    shared = true;
  }
  return shared ? 'shared' : 'none';
}

/**
 * A copy of the exchange whose request carries none of the named headers (default: every propagation
 * header): what a capture of uninstrumented services looks like, for measuring inference on its own.
 */
export function withoutPropagationHeaders(exchange: Exchange, names: ReadonlySet<string> = propagationNames()): Exchange {
  const head = exchange.request.head;
  return {
    ...exchange,
    request: { ...exchange.request, head: { ...head, headers: head.headers.filter((h) => !names.has(h.name.toLowerCase())) } },
  };
}
