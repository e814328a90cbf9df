import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceBuilder } from '../../src/trace/trace-builder.js';
import { traceNodes, type Trace, type TraceLink } from '../../src/trace/trace-types.js';
import { busyGateway } from './support/busy-gateway.js';
import { accuracy, build, hops } from './support/hops.js';

// Call patterns found without trusting the builder's own links: counts fitted from timing alone
// (call-counts.ts) and the order of calls chosen by how well each candidate structure explains the
// traffic (pattern-search.ts), on a simulated gateway under load (pools, queues, event-loop delays).

/** "GET 10.0.0.2:8080 /seq/:id" → "/seq/:id"; steps as "/users/:id#0 ← request", "/users/:id#1 ← /orders/:id#0". */
function describePatterns(builder: TraceBuilder): Record<string, string[]> {
  const path = (endpoint: string) => endpoint.split(' ')[2];
  const out: Record<string, string[]> = {};
  for (const [endpoint, pattern] of builder.patternsFound) {
    const name = (i: number) => `${path(pattern.steps[i].endpoint)}#${pattern.steps[i].occurrence}`;
    out[path(endpoint)] = pattern.steps.map((_, i) => `${name(i)} ← ${pattern.after[i] < 0 ? 'request' : name(pattern.after[i])}`);
  }
  return out;
}

describe('call patterns found from timing alone', () => {
  it('finds which calls each endpoint makes and which waits for which, on a busy gateway', () => {
    const { specs } = busyGateway({ clients: 8, requestsPerClient: 60, seed: 1 });
    const { builder } = build(hops(specs));
    assert.ok(builder.searches >= 1);
    const found = describePatterns(builder);
    assert.deepEqual(found['/fan/:id'], ['/users/:id#0 ← request', '/orders/:id#0 ← request']);
    const seq = found['/seq/:id'];
    assert.deepEqual(seq.slice(0, 2), ['/users/:id#0 ← request', '/users/:id#1 ← /orders/:id#0']);
    // The call to orders waits for users#0 here; it then waits for a pooled connection far longer than
    // users#0 takes, so "after the request" explains the traffic about as well and may be found instead.
    assert.ok(['/orders/:id#0 ← /users/:id#0', '/orders/:id#0 ← request'].includes(seq[2]), seq[2]);
    assert.deepEqual(found['/one/:id'], ['/orders/one/:id#0 ← request']);
  });

  it('links most calls right where learning from its own links locks its first mistakes in', () => {
    for (const seed of [1, 2, 3]) {
      const { specs, truth } = busyGateway({ clients: 8, requestsPerClient: 60, seed });
      const exchanges = hops(specs);
      const found = accuracy(build(exchanges).parents, truth);
      // Without the warm-up the first exchanges keep links made before any pattern was known.
      const later = accuracy(build(exchanges, { warmupExchanges: 0 }).parents, truth);
      const gapsAlone = accuracy(build(exchanges, { learnCallGraph: false }).parents, truth);
      assert.ok(found >= 0.9, `seed ${seed}: ${found}`);
      assert.ok(found > later, `seed ${seed}: ${found} vs ${later} without the warm-up`);
      assert.ok(found > gapsAlone + 0.2, `seed ${seed}: ${found} vs ${gapsAlone} from gaps alone`);
    }
  });

  it('changes the links of the warm-up in place: add() returned the objects the trees carry', () => {
    const { specs } = busyGateway({ clients: 8, requestsPerClient: 20, seed: 4 });
    const builder = new TraceBuilder();
    const returned = new Map<string, TraceLink>();
    const traces: Trace[] = [];
    for (const exchange of hops(specs)) {
      returned.set(exchange.request.head.target, builder.add(exchange));
      traces.push(...builder.drain());
    }
    traces.push(...builder.finish());
    let nodes = 0;
    for (const trace of traces) {
      for (const node of traceNodes(trace)) {
        nodes++;
        assert.equal(node.link, returned.get(node.exchange.request.head.target));
        for (const child of node.children) assert.equal(child.link.parentId, node.id);
      }
    }
    assert.equal(nodes, specs.length);
  });
});
