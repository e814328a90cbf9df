import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Exchange } from '../../src/model/exchange.js';
import { propagationNames, withoutPropagationHeaders } from '../../src/trace/propagation.js';
import { TraceBuilder, type TraceBuilderOptions } from '../../src/trace/trace-builder.js';
import { exchangeId, traceNodes, type Trace } from '../../src/trace/trace-types.js';
import { ownCaptures } from '../support/paths.js';
import { runCapture } from '../support/run-capture.js';
import { measureTraceAccuracy } from './support/trace-accuracy.js';
import { hops, type HopSpec } from './support/hops.js';

// settleSeconds: timing links looked at again in windows (refine.ts), which moves calls between trees
// before they are emitted. Whatever moves, the trees must stay trees: every exchange in one tree once,
// links, depths, sizes and trace ids as the nodes say.

function build(exchanges: readonly Exchange[], options: TraceBuilderOptions): Trace[] {
  const builder = new TraceBuilder(options);
  const traces: Trace[] = [];
  for (const exchange of exchanges) {
    builder.add(exchange);
    traces.push(...builder.drain());
  }
  traces.push(...builder.finish());
  return traces;
}

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

describe('refined timing links (settleSeconds)', () => {
  let exchanges: Exchange[] = [];
  let logs: Array<Record<string, unknown>> = [];

  before(async () => {
    exchanges = (await runCapture(join(ownCaptures, 'demo.pcapng'))).exchanges;
    logs = readFileSync(join(ownCaptures, 'demo.logs.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  });

  it('keeps every tree consistent when calls move between parents, in both input orders', () => {
    const stripped = exchanges.map((e) => withoutPropagationHeaders(e, propagationNames([])));
    for (const inputOrder of ['start', 'completion'] as const) {
      const ordered = inputOrder === 'start' ? stripped : [...stripped].sort((a, b) => a.seq - b.seq);
      assertConsistent(build(ordered, { settleSeconds: 0.5, inputOrder }), stripped.length);
    }
  });

  it('keeps trees consistent where calls do move (a crowd of overlapping requests)', () => {
    const exchanges = hops(crowd(400));
    const builder = new TraceBuilder({ settleSeconds: 0.2 });
    const traces: Trace[] = [];
    for (const exchange of exchanges) {
      builder.add(exchange);
      traces.push(...builder.drain());
    }
    traces.push(...builder.finish());
    assert.ok(builder.counts.refined > 0, 'no call moved: the test does not test moving');
    assertConsistent(traces, exchanges.length);
  });

  it('leaves links made from ids alone, and still links the demo by timing alone', () => {
    const accuracy = measureTraceAccuracy(exchanges, logs, { settleSeconds: 0.5 });
    assert.equal(accuracy.withIds.precision, 1);
    assert.equal(accuracy.withIds.recall, 1);
    assert.equal(accuracy.withIdsCounts.refined, 0);
    assert.ok(accuracy.withoutIds.precision >= 0.9, `precision ${accuracy.withoutIds.precision}`);
  });
});
