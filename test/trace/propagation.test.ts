import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpHeader } from '../../src/model/exchange.js';
import { propagatedIds, propagationNames, relateIds, withoutPropagationHeaders } from '../../src/trace/propagation.js';
import { buildExchange } from '../sinks/support/exchange-builder.js';

const h = (...pairs: Array<[string, string]>): HttpHeader[] => pairs.map(([name, value]) => ({ name, value }));

describe('propagated ids', () => {
  it('reads each format into keys, a trace id and B3 spans', () => {
    const table: Array<[HttpHeader[], Record<string, string>, string | undefined, string | undefined, string | undefined]> = [
      [h(['traceparent', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01']), { w3c: '4bf92f3577b34da6a3ce929d0e0e4736' }, '4bf92f3577b34da6a3ce929d0e0e4736', undefined, undefined],
      [h(['X-Request-ID', ' req-7 ']), { 'x-request-id': 'req-7' }, 'req-7', undefined, undefined],
      [
        h(['X-B3-TraceId', '463ac35c9f6413ad'], ['X-B3-SpanId', 'a2fb4a1d1a96d312'], ['X-B3-ParentSpanId', '0020000000000001']),
        { b3: '0000000000000000463ac35c9f6413ad' },
        '0000000000000000463ac35c9f6413ad',
        'a2fb4a1d1a96d312',
        '0020000000000001',
      ],
      [h(['b3', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90']), { b3: '80f198ee56343ba864fe8b2a57d3eff7' }, '80f198ee56343ba864fe8b2a57d3eff7', 'e457b5a2e4d86bd1', '05e3ac9a4f6e3b90'],
      [h(['X-Amzn-Trace-Id', 'Self=1-67891234-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1']), { aws: '1-67891233-abcdef012345678912345678' }, '1-67891233-abcdef012345678912345678', undefined, undefined],
      [h(['X-Cloud-Trace-Context', '105445aa7843bc8bf206b12000100000/1;o=1']), { gcp: '105445aa7843bc8bf206b12000100000' }, '105445aa7843bc8bf206b12000100000', undefined, undefined],
      // The trace id wins over a request id for naming the tree; both are keys.
      [h(['x-request-id', 'r1'], ['traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']), { 'x-request-id': 'r1', w3c: '0af7651916cd43dd8448eb211c80319c' }, '0af7651916cd43dd8448eb211c80319c', undefined, undefined],
    ];
    for (const [headers, keys, traceId, spanId, parentSpanId] of table) {
      const ids = propagatedIds(headers);
      assert.deepEqual(Object.fromEntries(ids.keys ?? []), keys, headers[0].name);
      assert.equal(ids.traceId, traceId, headers[0].name);
      assert.equal(ids.spanId, spanId, headers[0].name);
      assert.equal(ids.parentSpanId, parentSpanId, headers[0].name);
    }
  });

  it('ignores malformed and all-zero ids, and headers it was not told about', () => {
    for (const headers of [
      h(['traceparent', 'nonsense']),
      h(['traceparent', '00-00000000000000000000000000000000-00f067aa0ba902b7-01']),
      h(['b3', '1']),
      h(['x-request-id', '']),
      h(['X-Amzn-Trace-Id', 'Self=1-2-3']),
      h(['x-correlation-id', 'abc']),
    ]) {
      assert.equal(propagatedIds(headers).keys, undefined, `${headers[0].name}: ${headers[0].value}`);
    }
    const extra = propagatedIds(h(['X-Correlation-Id', 'abc']), new Set(['x-correlation-id']));
    assert.deepEqual(Object.fromEntries(extra.keys ?? []), { 'x-correlation-id': 'abc' });
  });

  it('relates two requests by the kinds they both carry', () => {
    const a = propagatedIds(h(['x-request-id', 'r1'], ['traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']));
    const sameTrace = propagatedIds(h(['traceparent', '00-0af7651916cd43dd8448eb211c80319c-1111111111111111-01']));
    const otherRequest = propagatedIds(h(['x-request-id', 'r2'], ['traceparent', '00-0af7651916cd43dd8448eb211c80319c-1111111111111111-01']));
    const none = propagatedIds(h(['accept', '*/*']));
    assert.equal(relateIds(a, sameTrace), 'shared');
    assert.equal(relateIds(a, otherRequest), 'conflict');
    assert.equal(relateIds(a, none), 'none');
  });

  it('strips every propagation header from a copy, leaving the original and other headers alone', () => {
    const original = buildExchange({
      requestHeaders: [['Host', 'x'], ['TraceParent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'], ['X-Request-Id', 'r'], ['b3', '1-2'], ['X-Tenant', 't']],
    });
    const copy = withoutPropagationHeaders(original, propagationNames(['x-tenant']));
    assert.deepEqual(copy.request.head.headers.map((x) => x.name), ['Host']);
    assert.equal(original.request.head.headers.length, 5);
    assert.equal(copy.seq, original.seq);
  });
});
