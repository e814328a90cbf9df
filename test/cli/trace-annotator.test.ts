import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TraceAnnotator } from '../../src/cli/trace-outputs.js';
import type { Exchange } from '../../src/model/exchange.js';
import type { HarEntry } from '../../src/sinks/har-types.js';
import { exchangeId, traceNodes } from '../../src/trace/trace-types.js';
import { busyGateway } from '../trace/support/busy-gateway.js';
import { build, hops } from '../trace/support/hops.js';

// read --jsonl/--har --traces writes lines in request start order, annotated with each exchange's
// link. While the builder warms up it links its first exchanges again once it has found which calls
// each endpoint makes: lines written at add() time would carry the first, provisional links.

test('jsonl/HAR trace fields are the settled links, also for the exchanges of the warm-up', () => {
  const exchanges = hops(busyGateway({ clients: 8, requestsPerClient: 60, seed: 1 }).specs);
  // The links a second, identical builder settles on (its drained trees).
  const settled = new Map<string, string | null>();
  for (const trace of build(exchanges).traces) {
    for (const node of traceNodes(trace)) settled.set(node.id, node.link.parentId ?? null);
  }

  const written: Exchange[] = [];
  const annotator = new TraceAnnotator((exchange) => written.push(exchange));
  const convert = annotator.converter((exchange) => ({ _id: exchangeId(exchange) }) as unknown as HarEntry);
  const entries: Array<{ _id: string; _parentId: string | null }> = [];
  const provisional = new Map<string, string | null>();
  for (const exchange of exchanges) {
    annotator.add(exchange, true);
    // What a line converted right away would have said.
    provisional.set(exchangeId(exchange), (convert(exchange) as unknown as { _parentId: string | null })._parentId);
    for (const done of written.splice(0)) entries.push(convert(done) as unknown as { _id: string; _parentId: string | null });
  }
  annotator.finish();
  for (const done of written.splice(0)) entries.push(convert(done) as unknown as { _id: string; _parentId: string | null });

  assert.deepEqual(entries.map((e) => e._id), exchanges.map(exchangeId), 'every exchange once, in start order');
  let changed = 0;
  for (const entry of entries) {
    assert.equal(entry._parentId, settled.get(entry._id), entry._id);
    if (provisional.get(entry._id) !== entry._parentId) changed++;
  }
  // The case this guards: some warm-up links did change after their exchange was added.
  assert.ok(changed > 0, 'no link changed during the warm-up: the test shows nothing');
});

test('kept=false exchanges link trees but are not written', () => {
  const exchanges = hops(busyGateway({ clients: 2, requestsPerClient: 5, seed: 2 }).specs);
  const written: Exchange[] = [];
  const annotator = new TraceAnnotator((exchange) => written.push(exchange));
  exchanges.forEach((exchange, i) => annotator.add(exchange, i % 2 === 0));
  annotator.finish();
  assert.deepEqual(written.map(exchangeId), exchanges.filter((_, i) => i % 2 === 0).map(exchangeId));
});
