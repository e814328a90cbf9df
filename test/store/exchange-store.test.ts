import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ExchangeStore, keptBodyBytes, type StoredExchange } from '../../src/store/exchange-store.js';
import { compileFilter, FilterSyntaxError } from '../../src/store/filter.js';
import { exchangeId } from '../../src/trace/index.js';
import { mulberry32 } from '../support/mulberry32.js';
import { buildExchange, makeBody } from '../sinks/support/exchange-builder.js';
import { demoExchanges, type LinkedExchange } from './support/demo-exchanges.js';

function fill(store: ExchangeStore, items: LinkedExchange[]): void {
  for (const { exchange, link } of items) store.add(exchange, link);
}

function visibleIds(store: ExchangeStore): number[] {
  return store.visibleSlice(0, store.visibleCount).map((s) => s.id);
}

/** What the visible list must be: the kept exchanges (ids first..added-1) that pass the filter. */
function expectedVisible(items: LinkedExchange[], firstKeptId: number, filter: string): number[] {
  const passes = compileFilter(filter);
  const ids: number[] = [];
  for (let id = firstKeptId; id < items.length; id++) if (passes(items[id].exchange)) ids.push(id);
  return ids;
}

describe('ExchangeStore over the demo capture', () => {
  let demo: LinkedExchange[] = [];
  before(async () => {
    demo = await demoExchanges();
  });

  it('keeps all 247 exchanges in order, by id and by exchange id, and their children', () => {
    const store = new ExchangeStore();
    fill(store, demo);
    assert.equal(demo.length, 247);
    assert.equal(store.size, 247);
    assert.equal(store.added, 247);
    assert.equal(store.evicted, 0);
    assert.equal(store.visibleCount, 247);
    assert.deepEqual(visibleIds(store), demo.map((_, i) => i));
    for (let i = 0; i < demo.length; i++) {
      const stored = store.visibleAt(i);
      assert.equal(stored.exchange, demo[i].exchange);
      assert.equal(stored.link, demo[i].link);
      assert.equal(store.indexOfId(i), i);
      assert.equal(store.byExchangeId(exchangeId(demo[i].exchange)), stored);
    }
    // 147 calls have a parent; childrenOf returns exactly them, grouped by parent, in order.
    let children = 0;
    for (const { exchange } of demo) {
      const id = exchangeId(exchange);
      const kids = store.childrenOf(id);
      children += kids.length;
      assert.deepEqual(
        kids.map((k) => k.id),
        demo.flatMap((d, i) => (d.link.parentId === id ? [i] : [])),
      );
    }
    assert.equal(children, 147);
  });

  it('filters (server=demo-users) and recomputes on a new filter; a syntax error keeps the previous one', () => {
    const store = new ExchangeStore();
    fill(store, demo);
    const before = store.version;
    assert.equal(store.setFilter('server=demo-users'), undefined);
    assert.ok(store.version > before);
    assert.equal(store.filterText, 'server=demo-users');
    const users = expectedVisible(demo, 0, 'server=demo-users');
    assert.ok(users.length > 0 && users.length < 247);
    assert.deepEqual(visibleIds(store), users);
    const hidden = demo.findIndex((_, i) => !users.includes(i));
    assert.equal(store.indexOfId(hidden), -1);
    assert.equal(store.indexOfId(users[3]), 3);

    const version = store.version;
    const error = store.setFilter('status>=');
    assert.ok(error instanceof FilterSyntaxError);
    assert.equal(error.position, 8);
    assert.equal(store.filterText, 'server=demo-users');
    assert.deepEqual(visibleIds(store), users);
    assert.equal(store.version, version, 'a rejected filter changes nothing');

    store.setFilter('');
    assert.equal(store.visibleCount, 247);
  });

  it('adds under a filter incrementally: the same list as filtering afterwards', () => {
    const store = new ExchangeStore();
    store.setFilter('method=POST or status>=500');
    fill(store, demo);
    assert.deepEqual(visibleIds(store), expectedVisible(demo, 0, 'method=POST or status>=500'));
  });

  it('evicts the oldest beyond maxExchanges, counts them, and forgets them in every index', () => {
    const store = new ExchangeStore({ maxExchanges: 100 });
    store.setFilter('server=demo-gateway');
    fill(store, demo);
    assert.equal(store.size, 100);
    assert.equal(store.evicted, 147);
    assert.equal(store.added, 247);
    assert.equal(store.get(146), undefined);
    assert.equal(store.get(147)?.exchange, demo[147].exchange);
    assert.deepEqual(visibleIds(store), expectedVisible(demo, 147, 'server=demo-gateway'));
    store.setFilter('');
    assert.deepEqual(visibleIds(store), expectedVisible(demo, 147, ''));
    for (let i = 0; i < demo.length; i++) {
      const found = store.byExchangeId(exchangeId(demo[i].exchange));
      assert.equal(found?.id, i < 147 ? undefined : i);
    }
    let children = 0;
    for (const { exchange } of demo) {
      const id = exchangeId(exchange);
      const kids = store.childrenOf(id).map((k) => k.id);
      children += kids.length;
      assert.deepEqual(
        kids,
        demo.flatMap((d, i) => (i >= 147 && d.link.parentId === id ? [i] : [])),
      );
    }
    assert.equal(children, demo.slice(147).filter((d) => d.link.parentId !== undefined).length);
  });

  it('clear empties without counting evictions; ids go on increasing', () => {
    const store = new ExchangeStore({ maxExchanges: 200 });
    fill(store, demo);
    assert.equal(store.evicted, 47);
    const version = store.version;
    store.clear();
    assert.ok(store.version > version);
    assert.equal(store.size, 0);
    assert.equal(store.visibleCount, 0);
    assert.equal(store.bodyBytes, 0);
    assert.equal(store.evicted, 47);
    assert.equal(store.byExchangeId(exchangeId(demo[246].exchange)), undefined);
    assert.deepEqual(store.childrenOf(demo[246].link.parentId ?? ''), []);
    store.add(demo[0].exchange, demo[0].link);
    assert.equal(store.visibleAt(0).id, 247);
    assert.equal(store.added, 248);
    assert.equal(store.indexOfId(247), 0);
  });
});

describe('ExchangeStore body-byte limit', () => {
  const withBodies = (requestBytes: number, responseBytes: number, index: number) =>
    buildExchange({
      connectionId: 'c1',
      index,
      requestBody: makeBody('q'.repeat(requestBytes)),
      responseBody: makeBody('r'.repeat(responseBytes)),
    });

  it('counts request and response body data and evicts the oldest beyond maxBodyBytes', () => {
    const store = new ExchangeStore({ maxBodyBytes: 1000 });
    store.add(withBodies(100, 200, 0)); // 300
    store.add(withBodies(0, 300, 1)); // 600
    store.add(withBodies(250, 150, 2)); // 1000: at the limit, kept
    assert.equal(store.size, 3);
    assert.equal(store.bodyBytes, 1000);
    assert.equal(store.evicted, 0);
    store.add(withBodies(1, 0, 3)); // 1001 → the oldest (300) goes
    assert.equal(store.size, 3);
    assert.equal(store.evicted, 1);
    assert.equal(store.bodyBytes, 701);
    assert.deepEqual(visibleIds(store), [1, 2, 3]);
    store.add(withBodies(0, 700, 4)); // 1401 → 1 and 2 go (1401 - 300 - 400 = 701)
    assert.deepEqual(visibleIds(store), [3, 4]);
    assert.equal(store.bodyBytes, 701);
    assert.equal(store.evicted, 3);
    assert.equal(store.byExchangeId('c1#1'), undefined);
    assert.equal(store.byExchangeId('c1#4')?.id, 4);
  });

  it('counts the captured bytes, not the declared size of a truncated body', () => {
    const truncated = buildExchange({ responseBody: makeBody('x'.repeat(10), { size: 1_000_000, truncated: true }) });
    assert.equal(keptBodyBytes(truncated), 10);
  });

  it('keeps the newest exchange even when it alone is over the limit', () => {
    const store = new ExchangeStore({ maxBodyBytes: 100 });
    store.add(withBodies(10, 10, 0));
    store.add(withBodies(0, 500, 1));
    assert.equal(store.size, 1);
    assert.equal(store.visibleAt(0).id, 1);
    assert.equal(store.evicted, 1);
    store.add(withBodies(0, 0, 2));
    assert.deepEqual(visibleIds(store), [2]);
    assert.equal(store.bodyBytes, 0);
  });

  it('a response-less exchange counts its request body only', () => {
    const store = new ExchangeStore({ maxBodyBytes: 10 });
    store.add(buildExchange({ status: null, requestBody: makeBody('0123456789') }));
    assert.equal(store.bodyBytes, 10);
    assert.equal(store.size, 1);
  });
});

describe('ExchangeStore against a plain-array oracle', () => {
  it('random adds, filters and clears with both limits keep every index equal to the oracle', () => {
    const random = mulberry32(20240605);
    const filters = ['', 'status>=500', 'method=POST', 'not status=200', 'path~/a'];
    const methods = ['GET', 'POST', 'PUT'];
    const statuses = [200, 201, 404, 500, 503];
    const store = new ExchangeStore({ maxExchanges: 37, maxBodyBytes: 2000 });
    let oracle: StoredExchange[] = [];
    let oracleBytes = 0;
    let evicted = 0;
    let filter = '';
    let nextId = 0;
    for (let step = 0; step < 3000; step++) {
      const roll = random();
      if (roll < 0.01) {
        store.clear();
        oracle = [];
        oracleBytes = 0;
      } else if (roll < 0.04) {
        filter = filters[Math.floor(random() * filters.length)];
        assert.equal(store.setFilter(filter), undefined);
      } else {
        const parentIndex = oracle.length > 0 && random() < 0.5 ? Math.floor(random() * oracle.length) : -1;
        const exchange = buildExchange({
          connectionId: `c${step % 13}`,
          index: step,
          method: methods[Math.floor(random() * methods.length)],
          target: random() < 0.5 ? '/a/b' : '/b',
          status: statuses[Math.floor(random() * statuses.length)],
          responseBody: makeBody('x'.repeat(Math.floor(random() * 200))),
        });
        const link =
          parentIndex < 0
            ? undefined
            : { traceId: 't', parentId: exchangeId(oracle[parentIndex].exchange), depth: 1, inferred: false, confidence: 1, via: 'trace' as const };
        store.add(exchange, link);
        oracle.push(link === undefined ? { id: nextId, exchange } : { id: nextId, exchange, link });
        nextId++;
        oracleBytes += keptBodyBytes(exchange);
        while (oracle.length > 1 && (oracle.length > 37 || oracleBytes > 2000)) {
          oracleBytes -= keptBodyBytes((oracle.shift() as StoredExchange).exchange);
          evicted++;
        }
      }
      const passes = compileFilter(filter);
      const expected = oracle.filter((s) => passes(s.exchange)).map((s) => s.id);
      assert.deepEqual(visibleIds(store), expected, `step ${step}`);
      assert.equal(store.size, oracle.length);
      assert.equal(store.bodyBytes, oracleBytes);
      assert.equal(store.evicted, evicted);
      if (step % 50 === 0) {
        for (const s of oracle) {
          const id = exchangeId(s.exchange);
          assert.equal(store.byExchangeId(id)?.id, s.id);
          assert.deepEqual(
            store.childrenOf(id).map((c) => c.id),
            oracle.filter((c) => c.link?.parentId === id).map((c) => c.id),
          );
        }
      }
    }
    assert.ok(evicted > 1000, `evictions exercised (${evicted})`);
  });
});
