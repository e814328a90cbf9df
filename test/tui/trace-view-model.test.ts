import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Exchange } from '../../src/model/exchange.js';
import { criticalPath, renderTraceTree } from '../../src/sinks/trace-tree.js';
import { ExchangeStore, type StoreLimits } from '../../src/store/exchange-store.js';
import { TraceBuilder } from '../../src/trace/trace-builder.js';
import { exchangeId, traceNodes, type Trace } from '../../src/trace/trace-types.js';
import { barColumns, waterfallModel } from '../../src/tui/trace-view-model.js';
import { captureExchanges, demoCapture, demoContainers } from './tui-fixtures.js';

// The waterfall's data from a store filled as the UI fills it: the demo capture's exchanges (real
// trees, linked by their traceparent headers) with the links a TraceBuilder gives them.

interface Linked {
  store: ExchangeStore;
  traces: Trace[];
}

function linkedStore(exchanges: readonly Exchange[], limits: Partial<StoreLimits> = {}): Linked {
  const store = new ExchangeStore(limits);
  const builder = new TraceBuilder();
  const traces: Trace[] = [];
  for (const exchange of exchanges) {
    store.add(exchange, builder.add(exchange));
    traces.push(...builder.drain());
  }
  traces.push(...builder.finish());
  return { store, traces };
}

describe('waterfall view model on the demo capture', () => {
  let exchanges: Exchange[];
  let linked: Linked;
  /** A /api/profile tree: gateway → users, gateway → orders → inventory. */
  let profile: Trace;

  before(async () => {
    exchanges = await captureExchanges(demoCapture, { containers: demoContainers });
    linked = linkedStore(exchanges);
    profile = linked.traces.find((t) => t.root.exchange.request.head.target.startsWith('/api/profile') && t.depth === 2) as Trace;
    assert.ok(profile !== undefined, 'a profile tree of depth 2');
  });

  it('opened on a deep call, shows the whole tree from its root in the order the table prints it', () => {
    const nodes = traceNodes(profile);
    const deepest = nodes.find((n) => n.link.depth === 2) as (typeof nodes)[number];
    const model = waterfallModel(linked.store, deepest.id);
    assert.ok(model !== undefined);
    assert.equal(model.rootId, profile.root.id);
    assert.equal(model.traceId, profile.traceId);
    assert.equal(model.depth, 2);
    assert.equal(model.parentMissing, false);
    assert.deepEqual(model.rows.map((r) => r.id), nodes.map((n) => n.id));
    assert.deepEqual(model.rows.map((r) => r.opened), nodes.map((n) => n === deepest));
    // Tree lines and requests as `read --traces` draws them.
    const table = renderTraceTree(profile, { requestWidth: 200 });
    model.rows.forEach((row, i) => assert.ok(table[i].startsWith(`${row.prefix}${row.request}`), `${table[i]} vs ${row.prefix}${row.request}`));
    assert.match(model.rows[1].prefix + model.rows[1].route, /^├─ demo-gateway → demo-users$/);
    assert.match(model.rows[3].prefix + model.rows[3].route, /^ {3}└─ demo-orders → demo-inventory$/);
  });

  it('marks the critical path as the table does, with each hop\'s share of the root\'s time', () => {
    const model = waterfallModel(linked.store, profile.root.id);
    assert.ok(model !== undefined);
    const critical = criticalPath(profile);
    const nodes = traceNodes(profile);
    assert.deepEqual(model.rows.map((r) => r.critical), nodes.map((n) => critical.has(n)));
    assert.equal(model.rows[0].share, 1);
    const table = renderTraceTree(profile, { requestWidth: 200 });
    model.rows.forEach((row, i) => {
      const e = nodes[i].exchange;
      const ms = ((e.response?.lastByte.sec ?? 0) - e.request.firstByte.sec) * 1e3 + ((e.response?.lastByte.nsec ?? 0) - e.request.firstByte.nsec) / 1e6;
      assert.ok(Math.abs(row.latencyMs - ms) < 1e-6);
      assert.ok(row.share !== undefined && row.share > 0 && row.share <= 1);
      const printed = /← (\d+)% of the root's time/.exec(table[i]);
      if (i > 0 && row.critical) assert.equal(Math.round((row.share as number) * 100), Number(printed?.[1]), table[i]);
      if (!row.critical) assert.equal(printed, null);
    });
  });

  it('places bars on the shared axis: the root spans it, calls inside their caller, in start order', () => {
    const model = waterfallModel(linked.store, profile.root.id);
    assert.ok(model !== undefined);
    const width = 60;
    const bars = model.rows.map((row) => barColumns(row, model.spanNs, width));
    assert.deepEqual(bars[0], { start: 0, end: width });
    assert.equal(model.rows[0].startNs, 0);
    assert.equal(model.rows[0].endNs, model.spanNs);
    const byId = new Map(model.rows.map((r, i) => [r.id, i]));
    model.rows.forEach((row, i) => {
      assert.ok(bars[i].end > bars[i].start);
      const parentId = row.stored.link?.parentId;
      if (parentId === undefined) return;
      const parent = bars[byId.get(parentId) as number];
      assert.ok(bars[i].start >= parent.start && bars[i].end <= parent.end, `${row.request} outside its caller`);
    });
    // users/42 and orders start at once (parallel), items.json after orders started.
    assert.ok(model.rows[3].startNs > model.rows[2].startNs);
    assert.ok(bars[3].start >= bars[2].start);
  });

  it('every exchange in the capture opens the tree it belongs to', () => {
    const rootOf = new Map<string, string>();
    for (const trace of linked.traces) for (const node of traceNodes(trace)) rootOf.set(node.id, trace.root.id);
    for (const exchange of exchanges) {
      const id = exchangeId(exchange);
      const model = waterfallModel(linked.store, id);
      assert.equal(model?.rootId, rootOf.get(id), id);
      assert.ok(model?.rows.some((r) => r.id === id && r.opened));
    }
  });

  it('an evicted caller: the kept lower part of the tree, said so; an evicted exchange: nothing', () => {
    const nodes = traceNodes(profile).map((n) => n.exchange);
    // root, users, orders, inventory: a store of 2 keeps orders → inventory.
    const small = linkedStore(nodes, { maxExchanges: 2 });
    const deepest = exchangeId(nodes[3]);
    const model = waterfallModel(small.store, deepest);
    assert.ok(model !== undefined);
    assert.equal(model.parentMissing, true);
    assert.equal(model.rootId, exchangeId(nodes[2]));
    assert.deepEqual(model.rows.map((r) => r.depth), [0, 1]);
    assert.equal(waterfallModel(small.store, exchangeId(nodes[0])), undefined);
  });

  it('an exchange stored without a link is a tree of one', () => {
    const store = new ExchangeStore();
    store.add(exchanges[0]);
    const model = waterfallModel(store, exchangeId(exchanges[0]));
    assert.equal(model?.rows.length, 1);
    assert.equal(model?.rows[0].share, 1);
    assert.equal(model?.rows[0].critical, true);
  });
});

describe('barColumns', () => {
  it('maps offsets to columns, at least one wide, within the area', () => {
    assert.deepEqual(barColumns({ startNs: 0, endNs: 100 }, 100, 10), { start: 0, end: 10 });
    assert.deepEqual(barColumns({ startNs: 50, endNs: 60 }, 100, 10), { start: 5, end: 6 });
    assert.deepEqual(barColumns({ startNs: 51, endNs: 51 }, 100, 10), { start: 5, end: 6 });
    assert.deepEqual(barColumns({ startNs: 100, endNs: 100 }, 100, 10), { start: 9, end: 10 });
    assert.deepEqual(barColumns({ startNs: 0, endNs: 0 }, 0, 10), { start: 0, end: 10 });
    assert.deepEqual(barColumns({ startNs: 0, endNs: 5 }, 100, 0), { start: 0, end: 0 });
  });
});

describe('waterfall view model in live order', () => {
  it('finds calls whose links the builder filled in after they were stored (exchanges in completion order)', async () => {
    const exchanges = await captureExchanges(demoCapture, { containers: demoContainers });
    // As the live UI feeds the store: completion order, each exchange stored at once, its link settled later.
    const completion = [...exchanges].sort((a, b) => {
      const end = (e: Exchange) => e.response?.lastByte ?? e.request.lastByte;
      return end(a).sec - end(b).sec || end(a).nsec - end(b).nsec;
    });
    const store = new ExchangeStore();
    const builder = new TraceBuilder({ inputOrder: 'completion' });
    for (const exchange of completion) store.add(exchange, builder.add(exchange));
    const traces = builder.finish();
    const profile = traces.find((t) => t.root.exchange.request.head.target.startsWith('/api/profile') && t.depth === 2) as Trace;
    const nodes = traceNodes(profile);
    // The store's own index saw no parent when the calls were added.
    assert.deepEqual(store.childrenOf(profile.root.id), []);
    const model = waterfallModel(store, nodes[3].id);
    assert.deepEqual(model?.rows.map((r) => r.id), nodes.map((n) => n.id));
  });
});
