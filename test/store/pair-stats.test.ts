import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { ContainerRef } from '../../src/model/container.js';
import type { Exchange } from '../../src/model/exchange.js';
import { exchangeLatencyMs } from '../../src/model/latency.js';
import { ExchangeStore } from '../../src/store/exchange-store.js';
import { compileFilter } from '../../src/store/filter.js';
import { pairFilter, pairSortKeys, pairStats, type PairStats } from '../../src/store/pair-stats.js';
import { clientName, serverName } from '../../src/trace/index.js';
import { mulberry32 } from '../support/mulberry32.js';
import { ownCaptures } from '../support/paths.js';
import { runCapture } from '../support/run-capture.js';
import { buildExchange, makeBody } from '../sinks/support/exchange-builder.js';
import { demoExchanges } from './support/demo-exchanges.js';

function storeOf(exchanges: Exchange[]): ExchangeStore {
  const store = new ExchangeStore();
  for (const exchange of exchanges) store.add(exchange);
  return store;
}

/** Percentile by its definition, not by a rank formula: the smallest value with ≥ p% of all values at or below it. */
function percentileOracle(values: number[], p: number): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.find((v) => sorted.filter((w) => w <= v).length / sorted.length >= p / 100);
}

function container(name: string): ContainerRef {
  return { kind: 'container', name };
}

describe('pairStats over the demo capture', () => {
  let demo: Exchange[] = [];
  before(async () => {
    demo = (await demoExchanges()).map((d) => d.exchange);
  });

  it('one row per client→server container pair, each number checked against the exchanges', () => {
    const rows = pairStats(storeOf(demo), 'requests');
    assert.deepEqual(rows.map((r) => `${r.client} → ${r.server}`).sort(), [
      'demo-client → demo-gateway',
      'demo-client → demo-web',
      'demo-gateway → demo-orders',
      'demo-gateway → demo-users',
      'demo-orders → demo-inventory',
    ]);
    const starts = demo.map((e) => e.request.firstByte.sec + e.request.firstByte.nsec / 1e9);
    const ends = demo.map((e) => {
      const t = e.response?.lastByte ?? e.request.lastByte;
      return t.sec + t.nsec / 1e9;
    });
    const span = Math.max(1, Math.max(...ends) - Math.min(...starts));
    assert.ok(span > 1, `the demo spans ${span} s`);
    for (const row of rows) {
      const mine = demo.filter((e) => e.clientContainer?.name === row.client && e.serverContainer?.name === row.server);
      assert.equal(row.requests, mine.length);
      assert.ok(Math.abs(row.requestsPerSecond - mine.length / span) < 1e-6, `${row.requestsPerSecond} vs ${mine.length / span}`);
      const errors = mine.filter((e) => e.termination !== 'complete' || (e.response?.head.status ?? 0) >= 500).length;
      assert.equal(row.errors, errors);
      assert.equal(row.errorRate, errors / mine.length);
      const latencies = mine.flatMap((e) => exchangeLatencyMs(e) ?? []);
      assert.equal(row.p50, percentileOracle(latencies, 50));
      assert.equal(row.p95, percentileOracle(latencies, 95));
      assert.equal(row.p99, percentileOracle(latencies, 99));
      assert.equal(row.bytesOut, mine.reduce((n, e) => n + e.request.body.size, 0));
      assert.equal(row.bytesIn, mine.reduce((n, e) => n + (e.response?.body.size ?? 0), 0));
    }
    assert.ok(rows.some((r) => r.bytesOut > 0), 'the demo posts bodies');
    assert.ok(rows.some((r) => r.errors > 0), 'the demo has errors');
  });

  it('sorts descending by every key, ties by requests then names', () => {
    const store = storeOf(demo);
    const key: Record<string, (r: PairStats) => number> = {
      requests: (r) => r.requests,
      rate: (r) => r.requestsPerSecond,
      errors: (r) => r.errors,
      p50: (r) => r.p50 ?? -Infinity,
      p95: (r) => r.p95 ?? -Infinity,
      p99: (r) => r.p99 ?? -Infinity,
      bytes: (r) => r.bytesIn + r.bytesOut,
    };
    for (const sort of pairSortKeys) {
      const rows = pairStats(store, sort);
      for (let i = 1; i < rows.length; i++) {
        const [a, b] = [rows[i - 1], rows[i]];
        assert.ok(key[sort](a) >= key[sort](b), `${sort}: ${a.client}→${a.server} before ${b.client}→${b.server}`);
        if (key[sort](a) === key[sort](b)) assert.ok(a.requests >= b.requests);
      }
    }
    const byP99 = pairStats(store, 'p99').map((r) => r.p99 as number);
    assert.deepEqual(byP99, [...byP99].sort((a, b) => b - a));
  });

  it('follows the store filter', () => {
    const store = storeOf(demo);
    store.setFilter('method=POST');
    const rows = pairStats(store, 'requests');
    const posts = demo.filter((e) => e.request.head.method === 'POST');
    assert.ok(posts.length > 0 && posts.length < demo.length);
    assert.equal(rows.reduce((n, r) => n + r.requests, 0), posts.length);
    store.setFilter('status=999');
    assert.deepEqual(pairStats(store, 'requests'), []);
  });

  it('pairFilter selects exactly one pair’s exchanges, for every pair of the demo', () => {
    const store = storeOf(demo);
    const rows = pairStats(store, 'requests');
    for (const row of rows) {
      const filter = pairFilter(row.client, row.server);
      assert.equal(filter, `client="${row.client}" and server="${row.server}"`);
      assert.equal(store.setFilter(filter), undefined);
      assert.equal(store.visibleCount, row.requests, filter);
      const drilled = pairStats(store, 'requests');
      assert.deepEqual(drilled.map((r) => [r.client, r.server]), [[row.client, row.server]]);
    }
  });
});

describe('pairStats on unnamed ends and hand-made exchanges', () => {
  it('names ends by address when no container is known, and pairFilter selects them (IPv6 too)', async () => {
    for (const file of ['ipv6.pcapng', 'vlan.pcap', 'multi-interface.pcapng']) {
      const { exchanges } = await runCapture(join(ownCaptures, file));
      const store = storeOf(exchanges);
      const rows = pairStats(store, 'requests');
      assert.ok(rows.length > 0);
      for (const row of rows) {
        const mine = exchanges.filter((e) => clientName(e) === row.client && serverName(e) === row.server);
        assert.equal(row.requests, mine.length);
        assert.equal(store.setFilter(pairFilter(row.client, row.server)), undefined);
        assert.equal(store.visibleCount, mine.length, `${file}: ${pairFilter(row.client, row.server)}`);
        store.setFilter('');
      }
    }
    const { exchanges } = await runCapture(join(ownCaptures, 'ipv6.pcapng'));
    const [row] = pairStats(storeOf(exchanges), 'requests');
    assert.deepEqual([row.client, row.server, row.requests], ['fd00:18::2', '[fd00:18::3]:80', 2]);
  });

  it('pairFilter quotes names with spaces and quotes so that only that pair matches', () => {
    const names = ['web 1', 'say "hi"', "it's", `both "x" and 'y' /z`, 'web'];
    const exchanges = names.flatMap((client, i) =>
      names.map((server, j) =>
        buildExchange({ connectionId: `c${i}-${j}`, clientContainer: container(client), serverContainer: container(server) }),
      ),
    );
    for (const client of names) {
      for (const server of names) {
        const matches = exchanges.filter(compileFilter(pairFilter(client, server)));
        assert.deepEqual(
          matches.map((e) => [e.clientContainer?.name, e.serverContainer?.name]),
          [[client, server]],
          pairFilter(client, server),
        );
      }
    }
    assert.equal(pairFilter('say "hi"', 'web'), `client='say "hi"' and server="web"`);
  });

  it('counts 5xx and every exchange without a complete response as errors', () => {
    const pair = { clientContainer: container('a'), serverContainer: container('b') };
    const exchanges = [
      buildExchange({ ...pair, status: 200 }),
      buildExchange({ ...pair, status: 404 }),
      buildExchange({ ...pair, status: 500 }),
      buildExchange({ ...pair, status: 503 }),
      buildExchange({ ...pair, status: null }),
      buildExchange({ ...pair, status: 200, termination: 'reset' }),
      buildExchange({ ...pair, status: 200, termination: 'gap' }),
      buildExchange({ ...pair, status: 200, requestBody: makeBody('12345'), responseBody: makeBody('x', { size: 1000, truncated: true }) }),
    ];
    const [row] = pairStats(storeOf(exchanges), 'errors');
    assert.equal(row.requests, 8);
    assert.equal(row.errors, 5);
    assert.equal(row.errorRate, 5 / 8);
    assert.equal(row.bytesOut, 5);
    assert.equal(row.bytesIn, 2 * 6 + 1000, 'declared sizes, beyond the capture cap');
    assert.equal(row.requestsPerSecond, 8, 'a span under a second counts as one second');
  });

  it('percentiles are exact nearest-rank values against a sorted-array oracle, no response → none', () => {
    const random = mulberry32(99);
    for (const n of [1, 2, 3, 7, 20, 99, 100, 101, 1000]) {
      const latencies: number[] = [];
      const exchanges = Array.from({ length: n }, (_, i) => {
        const ms = Math.round(random() * 5000) / 10;
        latencies.push(ms);
        return buildExchange({ connectionId: `c${i}`, times: [i, i + 0.1, i + ms / 2, i + ms] });
      });
      exchanges.push(buildExchange({ connectionId: 'none', status: null }));
      const [row] = pairStats(storeOf(exchanges), 'p50');
      const measured = exchanges.flatMap((e) => exchangeLatencyMs(e) ?? []);
      assert.equal(measured.length, n);
      for (const [p, value] of [[50, row.p50], [95, row.p95], [99, row.p99]] as const) {
        assert.equal(value, percentileOracle(measured, p), `n=${n} p${p}`);
      }
      const sorted = [...measured].sort((a, b) => a - b);
      if (n === 100) assert.deepEqual([row.p50, row.p95, row.p99], [sorted[49], sorted[94], sorted[98]]);
    }
    const [none] = pairStats(storeOf([buildExchange({ status: null })]), 'p99');
    assert.deepEqual([none.p50, none.p95, none.p99], [undefined, undefined, undefined]);
  });

  it('a pair without any latency sorts after pairs with one', () => {
    const exchanges = [
      buildExchange({ connectionId: 'x', status: null, clientContainer: container('a'), serverContainer: container('silent') }),
      buildExchange({ connectionId: 'y', clientContainer: container('a'), serverContainer: container('b') }),
      buildExchange({ connectionId: 'z', clientContainer: container('a'), serverContainer: container('silent') }),
    ];
    const store = storeOf(exchanges.slice(0, 2));
    assert.deepEqual(pairStats(store, 'p50').map((r) => r.server), ['b', 'silent']);
    store.add(exchanges[2]);
    assert.deepEqual(pairStats(store, 'p50').map((r) => r.server), ['silent', 'b'], 'equal p50: more requests first');
  });
});
