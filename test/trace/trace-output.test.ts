import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { criticalPath, renderTraceSummary, renderTraceTree, traceHeading } from '../../src/sinks/trace-tree.js';
import { toHarEntry } from '../../src/sinks/har-entry.js';
import { annotateHarEntry } from '../../src/trace/har-annotation.js';
import { normalizedPath } from '../../src/trace/endpoint-names.js';
import { summarizeTraces } from '../../src/trace/trace-summary.js';
import { traceNodes } from '../../src/trace/trace-types.js';
import { makeBody } from '../sinks/support/exchange-builder.js';
import { build, hops, traceparent, type HopSpec } from './support/hops.js';

const shop: HopSpec[] = [
  { from: 'client', to: 'gateway', target: '/api?user=3', times: [0, 0.1, 41, 41.2], named: true, headers: [traceparent('abc', '1')] },
  { from: 'gateway', to: 'users', target: '/users/3', times: [1, 1.1, 4, 4.1], named: true },
  { from: 'gateway', to: 'orders', target: '/orders?user=3', times: [4.5, 4.6, 40, 40.2], named: true },
  { from: 'orders', to: 'inventory', target: '/stock', method: 'POST', times: [6, 6.1, 36.9, 37], named: true },
  // An unnamed end shows its address.
  { from: 'orders', to: '10.0.0.77', target: '/audit', times: [37.5, 37.6, 39, 39.5] },
];

describe('tree rendering', () => {
  it('draws the tree with names, status, duration and the critical path’s share of the root', () => {
    const { traces } = build(hops(shop));
    assert.equal(traceHeading(traces[0]), `trace ${'abc'.padStart(32, '0')}  5 exchanges, depth 2`);
    assert.deepEqual(renderTraceTree(traces[0]), [
      'GET /api?user=3        client → gateway           200  41.2 ms',
      '├─ GET /users/3        gateway → users            200  3.10 ms   ← 8% of the root\'s time',
      '└─ GET /orders?user=3  gateway → orders           200  35.7 ms   ← 87% of the root\'s time',
      '   ├─ POST /stock      orders → inventory         200  31.0 ms   ← 75% of the root\'s time',
      '   └─ GET /audit       10.0.0.4 → 10.0.0.77:8080  200  2.00 ms   ← 5% of the root\'s time',
    ]);
  });

  it('leaves parallel calls that finished early off the critical path', () => {
    const { traces } = build(
      hops([
        { from: 'client', to: 'gateway', target: '/p', times: [0, 0.1, 30, 31] },
        { from: 'gateway', to: 'users', target: '/fast', times: [1, 1.1, 3, 4] },
        { from: 'gateway', to: 'orders', target: '/slow', times: [1.05, 1.15, 28, 29] },
      ]),
    );
    const critical = [...criticalPath(traces[0])].map((n) => n.exchange.request.head.target);
    assert.deepEqual(critical.sort(), ['/p', '/slow']);
    const lines = renderTraceTree(traces[0]);
    assert.doesNotMatch(lines[1], /←/);
    assert.match(lines[2], /← 90% of the root's time/);
  });

  it('shows low-confidence inferred links and missing responses', () => {
    const { traces } = build(
      hops([
        { from: 'client', to: 'gateway', target: '/p1', times: [0, 0.1, 10, 11] },
        { from: 'client', to: 'gateway', target: '/p2', times: [0, 0.1, 10, 11] },
        { from: 'gateway', to: 'users', target: '/c1', times: [1, 1.1, 0, 0], status: null, termination: 'reset' },
      ]),
    );
    const lines = traces.flatMap((t) => renderTraceTree(t));
    // Two identical open parents: a coin toss, shown as such.
    assert.ok(lines.some((l) => /^└─ GET \/c1 .* --- +reset {3}← 1% of the root's time {2}\(inferred, confidence 0\.50\)$/.test(l)), lines.join('\n'));
  });
});

describe('HAR annotation', () => {
  it('adds _traceId, _parentId (the parent entry’s connection#index) and _depth, plus confidence when inferred', () => {
    const { traces } = build(hops(shop));
    const nodes = traceNodes(traces[0]);
    const entries = nodes.map((node) => annotateHarEntry(toHarEntry(node.exchange, { maxBody: 1024 }), node.link));
    const [root, users] = entries;
    assert.equal(root._traceId, 'abc'.padStart(32, '0'));
    assert.equal(root._parentId, null);
    assert.equal(root._depth, 0);
    assert.equal(root._traceInferred, undefined);
    assert.equal(users._parentId, `${root.connection}#${root._connectionIndex}`);
    assert.equal(users._depth, 1);
    assert.equal(users._traceInferred, true);
    assert.equal(users._traceConfidence, 1);
    assert.equal(JSON.parse(JSON.stringify(entries[3]))._parentId, `${entries[2].connection}#${entries[2]._connectionIndex}`);
  });
});

describe('trace summary', () => {
  it('normalises id segments of paths into endpoints', () => {
    assert.equal(normalizedPath('/users/42?x=1'), '/users/:id');
    assert.equal(normalizedPath('/items/7.json'), '/items/:id');
    assert.equal(normalizedPath('/items.json'), '/items.json');
    assert.equal(normalizedPath('/o/3f2b8c1e-9a4d-4b1c-8e2f-0a1b2c3d4e5f/lines'), '/o/:id/lines');
    assert.equal(normalizedPath('/blob/5d41402abc4b2a76b9719d911017c592'), '/blob/:id');
    assert.equal(normalizedPath('/deadbeefcafe'), '/deadbeefcafe');
    assert.equal(normalizedPath('http://proxy.example/a/9?q'), '/a/:id');
    assert.equal(normalizedPath('*'), '*');
  });

  it('reports hops, fan-out, depth, time in calls, repeated calls and body sizes per root endpoint', () => {
    const specs: HopSpec[] = [];
    for (let i = 0; i < 3; i++) {
      const t = i * 100;
      specs.push({ from: 'client', to: 'gateway', target: `/page/${i}`, times: [t, t + 0.1, t + 30, t + 31], named: true });
      // N+1: one call per user; the number of users grows with i.
      for (let u = 0; u <= i; u++) {
        specs.push({ from: 'gateway', to: 'users', target: `/users/${u}`, times: [t + 1 + u * 5, t + 1.1 + u * 5, t + 5 + u * 5, t + 5.5 + u * 5], named: true, responseBody: makeBody('x'.repeat(100)) });
      }
      // A retry after a 503, in the last request only.
      if (i === 2) {
        specs.push({ from: 'gateway', to: 'orders', target: '/orders', times: [t + 20, t + 20.1, t + 21, t + 21.5], named: true, status: 503 });
        specs.push({ from: 'gateway', to: 'orders', target: '/orders', times: [t + 22, t + 22.1, t + 27, t + 28], named: true, requestBody: makeBody('{"a":1}') });
      }
    }
    const { traces } = build(hops(specs));
    const summary = summarizeTraces(traces);
    assert.equal(summary.traces, 3);
    assert.equal(summary.exchanges, 11);
    assert.equal(summary.roots.length, 1);
    const root = summary.roots[0];
    assert.equal(root.endpoint, 'GET gateway /page/:id');
    assert.deepEqual(root.hops, { min: 1, median: 2, max: 5 });
    assert.deepEqual(root.fanOut, { min: 1, median: 2, max: 5 });
    assert.deepEqual(root.depth, { min: 1, median: 1, max: 1 });
    assert.ok(Math.abs(root.rootMs - 93) < 1e-6);
    assert.deepEqual(
      root.repeated.map((r) => [r.kind, r.call, r.trees, r.maxTimes]),
      [
        ['n+1', 'gateway → GET users /users/:id', 2, 3],
        ['retry', 'gateway → GET orders /orders', 1, 2],
      ],
    );
    const users = root.hopStats.find((h) => h.call === 'gateway → GET users /users/:id');
    assert.deepEqual(users && { calls: users.calls, responseBytes: users.responseBytes }, { calls: 6, responseBytes: 600 });
    const orders = root.hopStats.find((h) => h.call === 'gateway → GET orders /orders');
    assert.equal(orders?.requestBytes, 7);
    const text = renderTraceSummary(summary);
    assert.equal(text[0], '3 request trees, 11 exchanges');
    assert.ok(text.includes('  hops 1/2/5  fan-out 1/2/5  depth 1/1/1  (min/median/max per request)'), text.join('\n'));
    assert.ok(text.includes('  n+1: gateway → GET users /users/:id up to 3× in one request, in 2 requests'), text.join('\n'));
    assert.ok(text.includes('  retry: gateway → GET orders /orders up to 2× in one request, in 1 request'), text.join('\n'));
  });
});
