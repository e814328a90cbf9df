import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withoutPropagationHeaders } from '../../src/trace/propagation.js';
import { TraceBuilder } from '../../src/trace/trace-builder.js';
import { exchangeId, traceNodes } from '../../src/trace/trace-types.js';
import { mulberry32 } from '../support/mulberry32.js';
import { build, hops, ip, traceparent, type HopSpec } from './support/hops.js';

// Times are ms. A "service" answers after its calls return, as a real one does.

describe('causality from capture time and endpoints', () => {
  it('links sequential calls to the inbound request of the service that made them', () => {
    const { parents, links, traces } = build(
      hops([
        { from: 'client', to: 'gateway', target: '/api', times: [0, 0.1, 40, 41] },
        { from: 'gateway', to: 'users', target: '/users/3', times: [1, 1.1, 3, 4] },
        { from: 'gateway', to: 'orders', target: '/orders', times: [4.2, 4.3, 38, 39] },
        { from: 'orders', to: 'inventory', target: '/stock', times: [5, 5.1, 35, 36] },
      ]),
    );
    assert.equal(traces.length, 1);
    assert.deepEqual(Object.fromEntries(parents), { '/api': null, '/users/3': '/api', '/orders': '/api', '/stock': '/orders' });
    assert.equal(traces[0].depth, 2);
    assert.equal(traces[0].size, 4);
    assert.equal(links.get('/stock')?.depth, 2);
    assert.equal(links.get('/stock')?.via, 'timing');
    assert.equal(links.get('/stock')?.inferred, true);
    assert.equal(links.get('/stock')?.confidence, 1, 'the only candidate, fully contained');
    assert.equal(links.get('/api')?.via, 'root');
    assert.equal(links.get('/stock')?.traceId, links.get('/api')?.traceId);
    assert.equal(links.get('/stock')?.parentId, exchangeId(traces[0].root.children[1].exchange));
  });

  it('does not link a call made while nothing is open at its caller, nor one from another address', () => {
    const { parents } = build(
      hops([
        { from: 'client', to: 'gateway', target: '/api', times: [0, 0.1, 5, 6] },
        // gateway calls users after answering: a background job, not a child.
        { from: 'gateway', to: 'users', target: '/later', times: [7, 7.1, 8, 9] },
        // users (not gateway) calls orders while /api is open at gateway.
        { from: 'users', to: 'orders', target: '/elsewhere', times: [1, 1.1, 2, 3] },
      ]),
    );
    assert.deepEqual(Object.fromEntries(parents), { '/api': null, '/later': null, '/elsewhere': null });
  });

  it('prefers the parent whose latest own event triggered the call (concurrent requests at one service)', () => {
    // Two inbound requests open at gateway at once; each makes two sequential calls.
    const { parents, links } = build(
      hops([
        { from: 'client', to: 'gateway', target: '/a', times: [0, 0.1, 50, 51] },
        { from: 'client', to: 'gateway', target: '/b', times: [2, 2.1, 48, 49] },
        { from: 'gateway', to: 'users', target: '/a1', times: [0.3, 0.4, 20, 20.5] },
        { from: 'gateway', to: 'users', target: '/b1', times: [2.3, 2.4, 10, 10.5] },
        { from: 'gateway', to: 'orders', target: '/b2', times: [10.7, 10.8, 45, 46] },
        { from: 'gateway', to: 'orders', target: '/a2', times: [20.6, 20.7, 47, 48] },
      ]),
    );
    assert.equal(parents.get('/a1'), '/a');
    assert.equal(parents.get('/b1'), '/b');
    assert.equal(parents.get('/b2'), '/b');
    assert.equal(parents.get('/a2'), '/a');
    const conf = links.get('/b2')?.confidence ?? 0;
    assert.ok(conf > 0.5 && conf < 1, `a clear but not certain choice: ${conf}`);
  });

  it('prefers a parent that had not started answering (containment class)', () => {
    const { parents, links } = build(
      hops([
        // /old has begun its answer at 5 (streaming it until 30); /new has not.
        { from: 'client', to: 'gateway', target: '/old', times: [0, 0.1, 5, 30] },
        { from: 'client', to: 'gateway', target: '/new', times: [1, 1.1, 20, 21] },
        { from: 'gateway', to: 'users', target: '/call', times: [6, 6.1, 9, 10] },
      ]),
    );
    assert.equal(parents.get('/call'), '/new');
    assert.equal(links.get('/call')?.confidence, 0.95, 'the runner-up was of a lower class');
  });

  it('names a service by container when both ends are named, so one on two networks is one service', () => {
    const exchanges = hops([
      { from: 'client', to: 'gateway', target: '/api', times: [0, 0.1, 10, 11], named: true },
      // gateway calls users from its address on a second network.
      { from: 'gateway', to: 'users', target: '/users', times: [1, 1.1, 5, 6], named: true, fromIp: '10.9.0.2' },
    ]);
    assert.equal(build(exchanges).parents.get('/users'), '/api');
    // Without names, a different address is a different service.
    const unnamed = exchanges.map((e) => ({ ...e, clientContainer: undefined, serverContainer: undefined }));
    assert.equal(build(unnamed).parents.get('/users'), null);
  });

  it('does not join two containers that used the same address when both are named', () => {
    const exchanges = hops([
      { from: 'client', to: 'gateway', target: '/api', times: [0, 0.1, 10, 11], named: true },
      { from: 'gateway', to: 'users', target: '/users', times: [1, 1.1, 5, 6], named: true },
    ]);
    exchanges[1].clientContainer = { kind: 'container', id: 'id-other', name: 'other' };
    assert.equal(build(exchanges).parents.get('/users'), null);
  });

  it('breaks exact ties between identical parents in order, one child each, with confidence 0.5', () => {
    // Two requests on one pipelined connection with equal capture times (µs captures do this), two calls.
    const { parents, links } = build(
      hops([
        { from: 'client', to: 'gateway', target: '/p1', times: [0, 0.1, 10, 11], connectionId: 'in', index: 0, fromPort: 5000 },
        { from: 'client', to: 'gateway', target: '/p2', times: [0, 0.1, 10, 11], connectionId: 'in', index: 1, fromPort: 5000 },
        { from: 'gateway', to: 'users', target: '/c1', times: [1, 1.1, 5, 6], connectionId: 'out', index: 0, fromPort: 6000 },
        { from: 'gateway', to: 'users', target: '/c2', times: [1, 1.1, 5, 6], connectionId: 'out2', index: 0, fromPort: 6001 },
      ]),
    );
    assert.equal(parents.get('/c1'), '/p1');
    assert.equal(parents.get('/c2'), '/p2');
    assert.equal(links.get('/c1')?.confidence, 0.5);
  });

  it('follows order on a reused connection: each keep-alive request gets the calls made while it was open', () => {
    const specs: HopSpec[] = [];
    for (let i = 0; i < 5; i++) {
      const t = i * 10;
      specs.push({ from: 'client', to: 'gateway', target: `/r${i}`, times: [t, t + 0.1, t + 8, t + 9], connectionId: 'keep', index: i, fromPort: 5000 });
      specs.push({ from: 'gateway', to: 'users', target: `/r${i}/call`, times: [t + 1, t + 1.1, t + 6, t + 7], connectionId: 'pool', index: i, fromPort: 6000 });
    }
    const { parents } = build(hops(specs));
    for (let i = 0; i < 5; i++) assert.equal(parents.get(`/r${i}/call`), `/r${i}`);
  });

  it('prefers, among open requests, one whose endpoint is known to make such calls (learnt call graph)', () => {
    const specs: HopSpec[] = [];
    // Alone, unambiguous: /fan calls users, /one calls orders.
    for (let i = 0; i < 3; i++) {
      const t = i * 100;
      specs.push({ from: 'client', to: 'gateway', target: `/fan/${i}`, times: [t, t + 0.1, t + 8, t + 9] });
      specs.push({ from: 'gateway', to: 'users', target: `/users/${i}`, times: [t + 1, t + 1.1, t + 5, t + 6] });
      specs.push({ from: 'client', to: 'gateway', target: `/one/${i}`, times: [t + 50, t + 50.1, t + 58, t + 59] });
      specs.push({ from: 'gateway', to: 'orders', target: `/orders/${i}`, times: [t + 51, t + 51.1, t + 55, t + 56] });
    }
    // Then concurrently: the call to users starts right after /one arrived, yet /one never calls users.
    specs.push({ from: 'client', to: 'gateway', target: '/fan/9', times: [900, 900.1, 930, 931] });
    specs.push({ from: 'client', to: 'gateway', target: '/one/9', times: [910, 910.1, 930, 931] });
    specs.push({ from: 'gateway', to: 'users', target: '/users/9', times: [910.2, 910.3, 915, 916] });
    assert.equal(build(hops(specs)).parents.get('/users/9'), '/fan/9');
    assert.equal(build(hops(specs), { learnCallGraph: false }).parents.get('/users/9'), '/one/9');
    // Its learnt pattern says /fan owes a call to users and /one does not (call-pattern.ts).
    assert.equal(build(hops(specs)).links.get('/users/9')?.confidence, 0.9);
  });

  it('gives a call that waited for a pooled connection to the parent that has waited longest (first come, first served)', () => {
    const specs = (pooled: boolean): HopSpec[] => [
      { from: 'client', to: 'gateway', target: '/p0', times: [0, 0.1, 11, 12] },
      { from: 'gateway', to: 'users', target: '/p0-call', times: [0.2, 0.3, 9, 10], connectionId: 'pool', index: 0, fromPort: 7000 },
      { from: 'client', to: 'gateway', target: '/p1', times: [1, 1.1, 30, 31] },
      { from: 'client', to: 'gateway', target: '/p2', times: [5, 5.1, 30, 31] },
      // Sent 0.1 ms after the pool's connection came free (or, unpooled, on a connection of its own).
      pooled
        ? { from: 'gateway', to: 'users', target: '/queued', times: [10.1, 10.2, 20, 21], connectionId: 'pool', index: 1, fromPort: 7000 }
        : { from: 'gateway', to: 'users', target: '/queued', times: [10.1, 10.2, 20, 21], connectionId: 'own', index: 0, fromPort: 7001 },
    ];
    assert.equal(build(hops(specs(true))).parents.get('/queued'), '/p1');
    assert.equal(build(hops(specs(false))).parents.get('/queued'), '/p2', 'not queued: the latest trigger wins');
  });

  it('treats an inbound request without a response as open for maxParentSeconds only', () => {
    const { parents } = build(
      hops([
        { from: 'client', to: 'gateway', target: '/hung', times: [0, 0.1, 0, 0], status: null },
        { from: 'gateway', to: 'users', target: '/soon', times: [500, 500.1, 501, 502] },
        { from: 'gateway', to: 'users', target: '/much-later', times: [2500, 2500.1, 2501, 2502] },
      ]),
      { maxParentSeconds: 2 },
    );
    assert.equal(parents.get('/soon'), '/hung');
    assert.equal(parents.get('/much-later'), null);
  });
});

describe('propagated ids', () => {
  // Two concurrent trees at gateway whose calls interleave so that timing alone swaps them.
  const crossed = (withIds: boolean): HopSpec[] => {
    const h = (t: string, s: string) => (withIds ? [traceparent(t, s)] : []);
    return [
      { from: 'client', to: 'gateway', target: '/a', times: [0, 0.1, 30, 31], headers: h('a', '1') },
      { from: 'client', to: 'gateway', target: '/b', times: [1, 1.1, 30, 31], headers: h('b', '2') },
      // /a's call starts right after /b arrived: timing alone gives it to /b.
      { from: 'gateway', to: 'users', target: '/a-call', times: [1.2, 1.3, 5, 6], headers: h('a', '3') },
      { from: 'gateway', to: 'users', target: '/b-call', times: [1.5, 1.6, 9, 10], headers: h('b', '4') },
    ];
  };

  it('groups by trace id and picks the parent within the tree; counts where timing alone disagrees', () => {
    const { parents, links, builder, traces } = build(hops(crossed(true)));
    assert.equal(parents.get('/a-call'), '/a');
    assert.equal(parents.get('/b-call'), '/b');
    assert.equal(links.get('/a-call')?.via, 'trace');
    assert.equal(links.get('/a-call')?.inferred, false);
    assert.equal(links.get('/a-call')?.traceId, 'a'.padStart(32, '0'));
    assert.deepEqual(traces.map((t) => t.traceId).sort(), ['a'.padStart(32, '0'), 'b'.padStart(32, '0')]);
    assert.equal(builder.counts.links.trace, 2);
    // Timing alone: /a-call → /b (wrong), /b-call → /b (right).
    assert.equal(builder.counts.disagreements, 1);
    assert.equal(builder.counts.agreements, 1);
  });

  it('without ids the same traffic is linked by timing, and useIds: false ignores headers', () => {
    const stripped = build(hops(crossed(true)).map((e) => withoutPropagationHeaders(e)));
    assert.equal(stripped.parents.get('/a-call'), '/b');
    assert.equal(stripped.builder.counts.disagreements, 0);
    const ignored = build(hops(crossed(true)), { useIds: false });
    assert.deepEqual(ignored.parents, stripped.parents);
  });

  it('links B3 by parent span id exactly, across candidates of the same trace', () => {
    const b3 = (span: string, parent?: string): Array<[string, string]> => [
      ['X-B3-TraceId', '463ac35c9f6413ad'],
      ['X-B3-SpanId', span],
      ...(parent ? ([['X-B3-ParentSpanId', parent]] as Array<[string, string]>) : []),
    ];
    const { parents, links } = build(
      hops([
        { from: 'client', to: 'gateway', target: '/first', times: [0, 0.1, 30, 31], headers: b3('00000000000000a1') },
        { from: 'client', to: 'gateway', target: '/second', times: [1, 1.1, 30, 31], headers: b3('00000000000000a2') },
        // Timing prefers /second; the parent span id says /first.
        { from: 'gateway', to: 'users', target: '/call', times: [1.2, 1.3, 5, 6], headers: b3('00000000000000c1', '00000000000000a1') },
        // Single-header b3 form: {trace}-{span}-{sampled}-{parent}.
        { from: 'gateway', to: 'orders', target: '/call2', times: [6.2, 6.3, 9, 10], headers: [['b3', '463ac35c9f6413ad-00000000000000c2-1-00000000000000a2']] },
      ]),
    );
    assert.equal(parents.get('/call'), '/first');
    assert.equal(links.get('/call')?.via, 'span');
    assert.equal(links.get('/call')?.confidence, 1);
    assert.equal(parents.get('/call2'), '/second');
    assert.equal(links.get('/call2')?.via, 'span');
  });

  it('makes a call whose ids conflict with every open candidate a root, and counts the disagreement', () => {
    const { parents, builder } = build(
      hops([
        { from: 'client', to: 'gateway', target: '/a', times: [0, 0.1, 10, 11], headers: [['x-request-id', 'one']] },
        { from: 'gateway', to: 'users', target: '/other', times: [1, 1.1, 5, 6], headers: [['x-request-id', 'two']] },
      ]),
    );
    assert.equal(parents.get('/other'), null);
    assert.equal(builder.counts.disagreements, 1);
  });

  it('attaches a call whose caller’s inbound request was not captured to the innermost open exchange of its trace', () => {
    const { parents, links } = build(
      hops([
        { from: 'client', to: 'gateway', target: '/api', times: [0, 0.1, 20, 21], headers: [traceparent('e', '1')] },
        // gateway → orders was not captured; orders' call to inventory carries the same trace id.
        { from: 'orders', to: 'inventory', target: '/stock', times: [3, 3.1, 5, 6], headers: [traceparent('e', '9')] },
      ]),
    );
    assert.equal(parents.get('/stock'), '/api');
    assert.equal(links.get('/stock')?.via, 'trace');
    assert.equal(links.get('/stock')?.inferred, true);
  });

  it('reads extra correlation headers when configured', () => {
    const specs: HopSpec[] = [
      { from: 'client', to: 'gateway', target: '/a', times: [0, 0.1, 30, 31], headers: [['X-Correlation-Id', 'A']] },
      { from: 'client', to: 'gateway', target: '/b', times: [1, 1.1, 30, 31], headers: [['X-Correlation-Id', 'B']] },
      { from: 'gateway', to: 'users', target: '/a-call', times: [1.2, 1.3, 5, 6], headers: [['X-Correlation-Id', 'A']] },
    ];
    assert.equal(build(hops(specs)).parents.get('/a-call'), '/b', 'unknown header: timing');
    const withExtra = build(hops(specs), { extraIdHeaders: ['x-correlation-id'] });
    assert.equal(withExtra.parents.get('/a-call'), '/a');
    assert.equal(withExtra.links.get('/a')?.traceId, 'a', 'named by the correlation id when no trace id');
  });
});

describe('streaming', () => {
  function tree(t: number, id: string): HopSpec[] {
    return [
      { from: 'client', to: 'gateway', target: `/${id}`, times: [t, t + 0.1, t + 8, t + 9], headers: [] },
      { from: 'gateway', to: 'users', target: `/${id}/u`, times: [t + 1, t + 1.1, t + 3, t + 4] },
      { from: 'gateway', to: 'orders', target: `/${id}/o`, times: [t + 4.1, t + 4.2, t + 6, t + 7] },
    ];
  }

  it('emits a tree as soon as an exchange starts after its window, in start order', () => {
    const exchanges = hops([...tree(0, 'one'), ...tree(100, 'two'), ...tree(200, 'three')]);
    const builder = build([]).builder;
    const emitted: string[][] = [];
    for (const exchange of exchanges) {
      builder.add(exchange);
      emitted.push(builder.drain().map((t) => t.root.exchange.request.head.target));
    }
    assert.deepEqual(emitted, [[], [], [], ['/one'], [], [], ['/two'], [], []]);
    assert.deepEqual(builder.finish().map((t) => t.root.exchange.request.head.target), ['/three']);
  });

  it('advance() closes trees when no traffic follows', () => {
    const exchanges = hops(tree(0, 'one'));
    const builder = build([]).builder;
    for (const exchange of exchanges) builder.add(exchange);
    assert.equal(builder.drain().length, 0);
    builder.advance({ sec: exchanges[0].request.firstByte.sec + 1, nsec: 0 });
    assert.equal(builder.drain().length, 1);
  });

  it('holds the first trees for the warm-up (exchanges or capture time), then emits them', () => {
    const exchanges = hops(tree(0, 'one'));
    const first = exchanges[0].request.firstByte;
    const warming = new TraceBuilder({ warmupSeconds: 5 });
    for (const exchange of exchanges) warming.add(exchange);
    warming.advance({ sec: first.sec + 1, nsec: first.nsec });
    assert.equal(warming.drain().length, 0, 'still warming up');
    assert.equal(warming.warmingUp, true);
    warming.advance({ sec: first.sec + 5, nsec: first.nsec + 1 });
    assert.equal(warming.warmingUp, false);
    assert.equal(warming.drain().length, 1);
    const byCount = new TraceBuilder({ warmupExchanges: 2 });
    for (const exchange of [...exchanges, ...hops(tree(100, 'two'))]) byCount.add(exchange);
    assert.deepEqual(byCount.drain().map((t) => t.root.exchange.request.head.target), ['/one']);
    const none = new TraceBuilder({ warmupExchanges: 0 });
    for (const exchange of exchanges) none.add(exchange);
    none.advance({ sec: first.sec + 1, nsec: first.nsec });
    assert.equal(none.drain().length, 1);
  });

  it('advance() closes the newest tree in completion order too, once its window has passed', () => {
    const exchanges = hops(tree(0, 'one'));
    const builder = build([], { inputOrder: 'completion', maxParentSeconds: 1 }).builder;
    // Completion order: the calls end before the root does.
    for (const exchange of [...exchanges].reverse()) builder.add(exchange);
    const first = exchanges[0].request.firstByte;
    const after = (ms: number) => ({ sec: first.sec + Math.floor((first.nsec + ms * 1e6) / 1e9), nsec: (first.nsec + ms * 1e6) % 1e9 });
    builder.advance(after(900));
    assert.equal(builder.drain().length, 0, 'the window (1 s after the start of the latest exchange) has not passed yet');
    builder.advance(after(1100));
    const traces = builder.drain();
    assert.equal(traces.length, 1);
    assert.equal(traces[0].size, 3);
    assert.equal(builder.finish().length, 0);
  });

  it('gives the same trees from completion order as from start order (seeded shuffles of concurrent traffic)', () => {
    const random = mulberry32(7);
    const specs: HopSpec[] = [];
    for (let i = 0; i < 200; i++) specs.push(...tree(i * 2.5 + random() * 2, `r${i}`));
    const exchanges = hops(specs);
    const byStart = build(exchanges).parents;
    const byEnd = [...exchanges].sort((a, b) => {
      const ea = a.response?.lastByte ?? a.request.lastByte;
      const eb = b.response?.lastByte ?? b.request.lastByte;
      return ea.sec - eb.sec || ea.nsec - eb.nsec;
    });
    const completion = build(byEnd, { inputOrder: 'completion', maxParentSeconds: 1 });
    assert.deepEqual(completion.parents, byStart);
    assert.equal(completion.builder.counts.late, 0);
    assert.equal(completion.builder.counts.forced, 0);
    assert.equal(completion.builder.counts.exchanges, 600);
    assert.equal(completion.traces.length, 200);
  });

  it('bounds held exchanges and open trees, counting what it pushed out early', () => {
    const exchanges = hops([...tree(0, 'one'), ...tree(100, 'two')]);
    const held = build(exchanges, { inputOrder: 'completion', maxPending: 1 });
    assert.ok(held.builder.counts.forced > 0);
    const trees = build(hops([...tree(0, 'a'), ...tree(0.5, 'b'), ...tree(1, 'c')]), { maxOpenTrees: 1 });
    assert.ok(trees.builder.counts.forced >= 2);
    // Every exchange is still in exactly one tree.
    assert.equal(trees.traces.reduce((n, t) => n + t.size, 0), 9);
  });

  it('never throws on odd exchanges and puts each exchange in exactly one tree, after its parent', () => {
    const random = mulberry32(99);
    const services = Object.keys(ip);
    const specs: HopSpec[] = [];
    const junkHeaders: Array<[string, string]> = [
      ['traceparent', 'garbage'],
      ['traceparent', '00-00000000000000000000000000000000-0000000000000000-00'],
      ['b3', '0'],
      ['b3', '-'],
      ['x-amzn-trace-id', 'Self=1;Root=1-5759e988-bd862e3fe1be46a994272793'],
      ['x-cloud-trace-context', '105445aa7843bc8bf206b12000100000/1;o=1'],
      ['X-B3-ParentSpanId', 'ffff'],
      ['x-request-id', ''],
    ];
    for (let i = 0; i < 400; i++) {
      const t = random() * 100;
      const a = t + random() * 5;
      const b = a + random() * 5;
      const noResponse = random() < 0.1;
      specs.push({
        from: services[Math.floor(random() * services.length)],
        to: services[Math.floor(random() * services.length)],
        target: `/x${i}`,
        times: [t, a, b, b + random()],
        status: noResponse ? null : 200,
        headers: random() < 0.5 ? [junkHeaders[Math.floor(random() * junkHeaders.length)]] : [],
      });
    }
    const exchanges = hops(specs);
    for (const order of ['start', 'completion'] as const) {
      const { traces } = build(order === 'start' ? exchanges : [...exchanges].reverse(), { inputOrder: order, maxParentSeconds: 0.01 });
      const seen = new Set<string>();
      for (const trace of traces) {
        for (const node of traceNodes(trace)) {
          assert.ok(!seen.has(node.id), `${node.id} twice`);
          seen.add(node.id);
          assert.ok(node.link.confidence >= 0 && node.link.confidence <= 1);
          for (const child of node.children) {
            assert.equal(child.link.depth, node.link.depth + 1);
            assert.equal(child.link.parentId, node.id);
            const cs = child.exchange.request.firstByte;
            const ps = node.exchange.request.firstByte;
            assert.ok(cs.sec > ps.sec || (cs.sec === ps.sec && cs.nsec >= ps.nsec), 'a child starts after its parent');
          }
        }
      }
      assert.equal(seen.size, 400);
    }
  });
});
