import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Exchange } from '../../src/model/exchange.js';
import { beamCost, busyAtStart } from '../../src/trace/beam-score.js';
import { endpointKey } from '../../src/trace/endpoint-names.js';
import { propagationNames, withoutPropagationHeaders } from '../../src/trace/propagation.js';
import { TraceBuilder } from '../../src/trace/trace-builder.js';
import { exchangeId, traceNodes, type Trace, type TraceLink } from '../../src/trace/trace-types.js';
import { ownCaptures } from '../support/paths.js';
import { runCapture } from '../support/run-capture.js';
import { busyGateway } from './support/busy-gateway.js';
import { accuracy, build, hops, type HopSpec } from './support/hops.js';
import { measureTraceAccuracy } from './support/trace-accuracy.js';
import { workItem } from '../../src/trace/work-item.js';

// Each service's calls assigned to its requests together, by a beam of hypotheses over capture time
// (call-beam.ts), once the warm-up found the call patterns. Calls move between parents until the beam
// decides; whatever moves, the trees must stay trees, and a link said to be settled must not move again.


function assertConsistent(traces: readonly Trace[], count: number): void {
  const seen = new Set<string>();
  for (const trace of traces) {
    const nodes = traceNodes(trace);
    assert.equal(trace.size, nodes.length);
    let depth = 0;
    const stack: Array<{ node: Trace['root']; parent: Trace['root'] | undefined; depth: number }> = [{ node: trace.root, parent: undefined, depth: 0 }];
    while (stack.length > 0) {
      const { node, parent, depth: d } = stack.pop() as (typeof stack)[number];
      assert.ok(!seen.has(node.id), `${node.id} in two trees`);
      seen.add(node.id);
      assert.equal(node.id, exchangeId(node.exchange));
      assert.equal(node.link.traceId, trace.traceId);
      assert.equal(node.link.parentId, parent?.id);
      assert.equal(node.link.depth, d);
      assert.ok(node.link.confidence >= 0 && node.link.confidence <= 1);
      depth = Math.max(depth, d);
      for (let i = 1; i < node.children.length; i++) {
        assert.ok(node.children[i - 1].exchange.request.firstByte.sec * 1e9 + node.children[i - 1].exchange.request.firstByte.nsec <= node.children[i].exchange.request.firstByte.sec * 1e9 + node.children[i].exchange.request.firstByte.nsec);
      }
      for (const child of node.children) stack.push({ node: child, parent: node, depth: d + 1 });
    }
    assert.equal(trace.depth, depth);
  }
  assert.equal(seen.size, count);
}

/** Many /fan and /seq requests overlapping at the gateway, with jittered gaps (a fixed pseudo-random sequence): timing is ambiguous, calls move. */
function crowd(count: number): HopSpec[] {
  let state = 12345;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const specs: HopSpec[] = [];
  for (let i = 0; i < count; i++) {
    const t = i * 3 + random() * 2;
    if (i % 2 === 0) {
      const u = t + 0.3 + random() * 4;
      const o = t + 0.3 + random() * 8;
      const end = Math.max(u + 6, o + 12) + random() * 3;
      specs.push({ from: 'client', to: 'gateway', target: `/fan/${i}`, times: [t, t + 0.1, end, end + 0.5] });
      specs.push({ from: 'gateway', to: 'users', target: `/users/${i}`, times: [u, u + 0.1, u + 5, u + 6] });
      specs.push({ from: 'gateway', to: 'orders', target: `/orders/${i}`, times: [o, o + 0.1, o + 11, o + 12] });
    } else {
      const a = t + 0.3 + random() * 4;
      const b = a + 6 + random() * 4;
      const c = b + 12 + random() * 4;
      const end = c + 6 + random() * 3;
      specs.push({ from: 'client', to: 'gateway', target: `/seq/${i}`, times: [t, t + 0.1, end, end + 0.5] });
      specs.push({ from: 'gateway', to: 'users', target: `/users/${i + 1000}`, times: [a, a + 0.1, a + 5, a + 6] });
      specs.push({ from: 'gateway', to: 'orders', target: `/orders/${i + 1000}`, times: [b, b + 0.1, b + 11, b + 12] });
      specs.push({ from: 'gateway', to: 'users', target: `/users/${i + 2000}`, times: [c, c + 0.1, c + 5, c + 6] });
    }
  }
  return specs;
}

describe('calls assigned by a beam per service', () => {
  let demo: Exchange[] = [];
  let demoLogs: Array<Record<string, unknown>> = [];

  before(async () => {
    demo = (await runCapture(join(ownCaptures, 'demo.pcapng'))).exchanges;
    demoLogs = readFileSync(join(ownCaptures, 'demo.logs.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  });

  it('links the calls of a busy gateway right where one greedy choice after the other cascades', () => {
    for (const seed of [1, 2, 3]) {
      const { specs, truth } = busyGateway({ clients: 16, requestsPerClient: 30, seed });
      const exchanges = hops(specs);
      const beam = accuracy(build(exchanges).parents, truth);
      const greedy = accuracy(build(exchanges, { beamWidth: 0 }).parents, truth);
      assert.ok(beam >= 0.95, `seed ${seed}: ${beam}`);
      assert.ok(beam > greedy + 0.3, `seed ${seed}: ${beam} with the beam, ${greedy} greedy`);
    }
  });

  it('scores the true order of calls cheapest: what the pattern search picks by', () => {
    const exchanges = hops(busyGateway({ clients: 16, requestsPerClient: 30, seed: 2 }).specs).slice(0, 1024);
    const key = (prefix: string) => endpointKey(exchanges.find((e) => e.request.head.target.startsWith(prefix)) as Exchange);
    const [users, orders] = [key('/users/'), key('/orders/')];
    // /seq calls users, then orders once users returned, then users once orders returned (steps: orders, users#0, users#1).
    const cost = (after: number[]) =>
      beamCost(
        exchanges,
        new Map([
          [key('/fan/'), { endpoints: [orders, users], after: [-1, -1] }],
          [key('/seq/'), { endpoints: [orders, users, users], after }],
          [key('/one/'), { endpoints: [key('/orders/one/')], after: [-1] }],
        ]),
        4,
        30e9,
      );
    const truth = cost([1, -1, 0]);
    for (const wrong of [
      [-1, -1, 0],
      [1, -1, -1],
      [-1, -1, -1],
      [2, -1, 0],
    ]) {
      assert.ok(truth < cost(wrong), `${JSON.stringify(wrong)}: ${cost(wrong)} vs ${truth} for the true order`);
    }
  });

  it('keeps every tree consistent when calls move between parents (a crowd of overlapping requests)', () => {
    const exchanges = hops(crowd(400));
    const builder = new TraceBuilder();
    const traces: Trace[] = [];
    for (const exchange of exchanges) {
      builder.add(exchange);
      traces.push(...builder.drain());
    }
    traces.push(...builder.finish());
    assert.ok(builder.counts.refined > 0, 'no call moved: the test does not test moving');
    assertConsistent(traces, exchanges.length);
  });

  it("keeps the demo's trees consistent in both input orders, without ids", () => {
    const stripped = demo.map((e) => withoutPropagationHeaders(e, propagationNames([])));
    for (const inputOrder of ['start', 'completion'] as const) {
      const ordered = inputOrder === 'start' ? stripped : [...stripped].sort((a, b) => a.seq - b.seq);
      assertConsistent(build(ordered, { inputOrder }).traces, stripped.length);
    }
  });

  it('leaves links made from ids alone, and links the demo by timing alone', () => {
    const result = measureTraceAccuracy(demo, demoLogs);
    assert.equal(result.withIds.precision, 1);
    assert.equal(result.withIds.recall, 1);
    assert.equal(result.withIdsCounts.refined, 0);
    assert.ok(result.withoutIds.precision >= 0.95, `precision ${result.withoutIds.precision}`);
  });

  it('says when a link returned by add() is final: settled links never change again', () => {
    // Long enough (about 5 s of capture time) for links to settle well before its end.
    const exchanges = hops(busyGateway({ clients: 16, requestsPerClient: 120, seed: 2 }).specs);
    const builder = new TraceBuilder();
    const waiting: TraceLink[] = [];
    const atSettle = new Map<TraceLink, string>();
    const state = (link: TraceLink) => `${link.parentId} ${link.traceId} ${link.depth}`;
    let unsettledOnAdd = 0;
    const sweep = () => {
      let kept = 0;
      for (const link of waiting) {
        if (builder.isSettled(link)) atSettle.set(link, state(link));
        else waiting[kept++] = link;
      }
      waiting.length = kept;
    };
    for (const exchange of exchanges) {
      const link = builder.add(exchange);
      builder.drain();
      if (!builder.isSettled(link)) unsettledOnAdd++;
      waiting.push(link);
      sweep();
    }
    const settledBeforeFinish = atSettle.size;
    builder.finish();
    sweep();
    assert.equal(waiting.length, 0, 'every link is settled after finish()');
    assert.ok(unsettledOnAdd > exchanges.length / 2, 'links are provisional when add() returns them');
    assert.ok(settledBeforeFinish > exchanges.length / 2, 'links settle while the capture goes on, not only at its end');
    assert.ok(builder.counts.refined > 0, 'no call moved: the test shows nothing');
    for (const [link, was] of atSettle) assert.equal(state(link), was);
  });

  it('tells a capture that began while the gateway was busy from one that began before its traffic', () => {
    const exchanges = hops(busyGateway({ clients: 16, requestsPerClient: 30, seed: 1 }).specs);
    const noIds = { keys: undefined, traceId: undefined, spanId: undefined, parentSpanId: undefined };
    const items = (list: Exchange[]) => list.map((e) => workItem(e, noIds, list[0].request.firstByte.sec, 30e9));
    assert.deepEqual([...busyAtStart(items(exchanges))], []);
    // Cut 400 exchanges in: calls in flight, on pooled connections used before the cut.
    assert.deepEqual([...busyAtStart(items(exchanges.slice(400)))], ['i10.0.0.2']);
  });

  it('without beams, links in start order are final once the warm-up is over', () => {
    const exchanges = hops(busyGateway({ clients: 4, requestsPerClient: 10, seed: 2 }).specs);
    const builder = new TraceBuilder({ warmupExchanges: 0, beamWidth: 0 });
    for (const exchange of exchanges) assert.ok(builder.isSettled(builder.add(exchange)));
  });
});
