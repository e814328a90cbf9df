import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyHistogram } from '../../src/sinks/latency-histogram.js';
import { renderSummaryJson, renderSummaryTable, SummaryCollector } from '../../src/sinks/summary.js';
import { buildExchange, makeBody } from './support/exchange-builder.js';
import { mulberry32 as rng } from '../support/mulberry32.js';


function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

describe('LatencyHistogram', () => {
  it('gives every quantile within 1% of the exact nearest-rank value on random data', () => {
    const random = rng(7);
    for (const shape of ['lognormal', 'uniform', 'bimodal'] as const) {
      const histogram = new LatencyHistogram();
      const values: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        const u = random();
        const value =
          shape === 'uniform'
            ? 0.01 + u * 5000
            : shape === 'bimodal'
              ? (u < 0.7 ? 2 : 400) * (1 + random())
              : Math.exp(Math.sqrt(-2 * Math.log(u + 1e-12)) * Math.cos(2 * Math.PI * random()) * 1.5 + 2);
        values.push(value);
        histogram.add(value);
      }
      values.sort((a, b) => a - b);
      for (const q of [0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 1]) {
        const exact = exactQuantile(values, q);
        const estimate = histogram.quantile(q);
        assert.ok(Math.abs(estimate - exact) <= 0.01 * exact, `${shape} q=${q}: ${estimate} vs ${exact}`);
      }
      assert.equal(histogram.max, values[values.length - 1]);
      assert.equal(histogram.count, values.length);
    }
  });

  it('keeps its memory bounded whatever the count and range', () => {
    const histogram = new LatencyHistogram();
    const random = rng(3);
    for (let i = 0; i < 200_000; i++) histogram.add(10 ** (random() * 14 - 4));
    const slots = (histogram as unknown as { counts: Float64Array }).counts.length;
    assert.ok(slots <= 2 * 1300, `${slots} buckets`);
    assert.ok(Number.isNaN(new LatencyHistogram().quantile(0.5)));
  });

  it('treats values at or below 1 µs as one bucket reported exactly as the smallest', () => {
    const histogram = new LatencyHistogram();
    histogram.add(0);
    histogram.add(0);
    histogram.add(5);
    assert.equal(histogram.quantile(0.5), 0);
    assert.ok(Math.abs(histogram.quantile(1) - 5) <= 0.05);
  });
});

describe('SummaryCollector', () => {
  it('groups by container names (else IPs) and server port, sorted by requests', () => {
    const collector = new SummaryCollector();
    const web = { kind: 'container' as const, name: 'web' };
    const users = { kind: 'container' as const, name: 'users' };
    for (let i = 0; i < 3; i++) {
      collector.add(buildExchange({ clientContainer: web, serverContainer: users, requestBody: makeBody('abcd'), responseBody: makeBody('x'.repeat(10)), times: [0, 0, 1, 1 + i] }));
    }
    collector.add(buildExchange({ clientContainer: web, serverContainer: users, status: null, termination: 'reset', anomalies: [{ code: 'tcp.gap', message: 'gap' }] }));
    collector.add(buildExchange({ clientContainer: web, serverContainer: users, status: 503 }));
    collector.add(buildExchange({ clientContainer: web, serverContainer: users, server: { ip: '172.17.0.3', port: 9090 }, status: 101 }));
    collector.add(buildExchange({ server: { ip: 'fd00::9', port: 80 }, status: 404 }));
    collector.add(buildExchange({ server: { ip: 'fd00::9', port: 80 }, status: 302 }));
    const summary = collector.result();
    assert.equal(summary.requests, 8);
    assert.deepEqual(
      summary.pairs.map((p) => [p.client, p.server, p.serverPort, p.requests]),
      [
        ['web', 'users', 8080, 5],
        ['172.17.0.2', 'fd00::9', 80, 2],
        ['web', 'users', 9090, 1],
      ],
    );
    const top = summary.pairs[0];
    assert.deepEqual(top.status, { '1xx': 0, '2xx': 3, '3xx': 0, '4xx': 0, '5xx': 1, other: 0, none: 1 });
    assert.equal(top.bytesSent, 12);
    assert.equal(top.bytesReceived, 32);
    assert.deepEqual(top.terminations, { complete: 4, reset: 1 });
    assert.deepEqual(top.anomalies, { 'tcp.gap': 1 });
    assert.equal(top.latencyMs?.count, 4);
    assert.equal(top.latencyMs?.max, 6);
    assert.ok(Math.abs((top.latencyMs?.p50 ?? 0) - 2) <= 0.02);

    const json = JSON.parse(renderSummaryJson(summary));
    assert.deepEqual(json.pairs[0], JSON.parse(JSON.stringify(top)));

    const table = renderSummaryTable(summary).split('\n');
    assert.match(table[0], /request first byte → response last byte in ms/);
    assert.match(table[1], /^CLIENT +SERVER +REQS +1xx +2xx +3xx +4xx +5xx +none +p50 +p90 +p99 +max +SENT +RECV +NOTES$/);
    assert.match(table[2], /^web +users:8080 +5 +0 +3 +0 +0 +1 +1 .* reset:1 tcp\.gap:1$/);
    assert.match(table[3], /^172\.17\.0\.2 +\[fd00::9\]:80 +2 /);
    const reqsEnd = table[1].indexOf('REQS') + 4;
    assert.equal(table[2].slice(reqsEnd - 1, reqsEnd), '5', 'numbers are right-aligned under their heading');
  });

  it('merges pairs beyond the limit into one row instead of growing', () => {
    const collector = new SummaryCollector({ maxPairs: 2 });
    for (let i = 0; i < 10; i++) collector.add(buildExchange({ client: { ip: `10.0.0.${i}`, port: 1 } }));
    const summary = collector.result();
    assert.equal(summary.pairs.length, 3);
    assert.equal(summary.mergedRequests, 8);
    assert.equal(summary.pairs[0].client, '(other)');
    assert.equal(summary.pairs[0].requests, 8);
  });
});
