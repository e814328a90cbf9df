import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceBuilder } from '../../src/trace/trace-builder.js';
import type { TraceLink } from '../../src/trace/trace-types.js';
import { busyGateway } from './support/busy-gateway.js';
import { build, hops } from './support/hops.js';

// A greedy timing choice cascades: a call given to the wrong one of two open requests leaves the right
// one waiting for a call that ends too late, and its next call goes astray too. With unblockCalls the
// builder swaps two such calls back (after add() returned their links, before their trees are drained).

function correctLinks(truth: Map<string, string | null>, parents: Map<string, string | null>): number {
  let correct = 0;
  for (const [child, parent] of truth) if (parent !== null && parents.get(child) === parent) correct++;
  return correct;
}

describe('unblockCalls', () => {
  it('gets more parent links right on a busy gateway whose calls wait for pooled connections', () => {
    for (const seed of [1, 3]) {
      const { specs, truth } = busyGateway({ clients: 16, requestsPerClient: 30, seed });
      const exchanges = hops(specs);
      const greedy = build(exchanges);
      const unblocked = build(exchanges, { unblockCalls: true });
      assert.equal(greedy.builder.counts.unblocked, 0, 'off by default');
      assert.ok(unblocked.builder.counts.unblocked > 0, `seed ${seed}: no call was swapped`);
      const before = correctLinks(truth, greedy.parents);
      const after = correctLinks(truth, unblocked.parents);
      assert.ok(after > before, `seed ${seed}: ${after} links right with unblockCalls, ${before} without`);
    }
  });

  it('says when a link returned by add() is final: isSettled links never change again', () => {
    const exchanges = hops(busyGateway({ clients: 16, requestsPerClient: 30, seed: 2 }).specs);
    const builder = new TraceBuilder({ unblockCalls: true });
    const waiting: TraceLink[] = [];
    const atSettle = new Map<TraceLink, string | undefined>();
    let unsettledOnAdd = 0;
    const sweep = () => {
      let kept = 0;
      for (const link of waiting) {
        if (builder.isSettled(link)) atSettle.set(link, link.parentId);
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
    builder.finish();
    sweep();
    assert.equal(waiting.length, 0, 'every link is settled after finish()');
    assert.ok(unsettledOnAdd > exchanges.length / 2, 'links are provisional when add() returns them');
    assert.ok(builder.counts.unblocked > 0, 'no call was swapped: the test shows nothing');
    for (const [link, parentId] of atSettle) assert.equal(link.parentId, parentId);
  });

  it('without unblockCalls, links in start order are final once the warm-up is over', () => {
    const exchanges = hops(busyGateway({ clients: 4, requestsPerClient: 10, seed: 2 }).specs);
    const builder = new TraceBuilder({ warmupExchanges: 0 });
    for (const exchange of exchanges) assert.ok(builder.isSettled(builder.add(exchange)));
  });
});
