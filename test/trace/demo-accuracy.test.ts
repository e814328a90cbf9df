import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadContainersFile, withContainers } from '../../src/containers/index.js';
import type { Exchange } from '../../src/model/exchange.js';
import { ownCaptures } from '../support/paths.js';
import { runCapture } from '../support/run-capture.js';
import { formatAccuracyLine, groundTruthFromLogs, measureTraceAccuracy } from './support/trace-accuracy.js';

// The demo capture's services logged, per incoming request, the traceparent they saw and the one they
// sent on each call: the true parent of every call. Trees built from the wire must match it, with the
// headers and again with every propagation header stripped (timing and endpoints only).

const logs = readFileSync(join(ownCaptures, 'demo.logs.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('request trees of the demo capture against the services’ logs', () => {
  let exchanges: Exchange[] = [];
  let named: Exchange[] = [];

  before(async () => {
    exchanges = (await runCapture(join(ownCaptures, 'demo.pcapng'))).exchanges;
    const { timeline } = await loadContainersFile(join(ownCaptures, 'demo.containers.json'));
    named = [];
    const stage = withContainers(timeline, (e) => named.push(e));
    for (const exchange of exchanges) stage(exchange);
  });

  it('the logs name 147 calls under 100 client requests', () => {
    const truth = groundTruthFromLogs(logs);
    assert.equal([...truth.values()].filter((p) => p === null).length, 100);
    assert.equal([...truth.values()].filter((p) => p !== null).length, 147);
  });

  it('links every call to its true parent with headers (100%) and without them (≥ 95%), by address', (t) => {
    const accuracy = measureTraceAccuracy(exchanges, logs);
    t.diagnostic(formatAccuracyLine('demo, by address', accuracy));
    assert.equal(accuracy.withIds.truth, 147);
    assert.equal(accuracy.withIds.precision, 1);
    assert.equal(accuracy.withIds.recall, 1);
    assert.equal(accuracy.withIdsCounts.links.trace, 147, 'every link backed by the shared trace id');
    assert.equal(accuracy.withIdsCounts.disagreements, 0);
    assert.equal(accuracy.withIdsCounts.agreements, 147);
    assert.ok(accuracy.withoutIds.precision >= 0.95, `precision ${accuracy.withoutIds.precision}`);
    assert.ok(accuracy.withoutIds.recall >= 0.95, `recall ${accuracy.withoutIds.recall}`);
    assert.equal(accuracy.withoutIdsCounts.links.trace + accuracy.withoutIdsCounts.links.span, 0, 'no ids left to use');
    assert.equal(accuracy.withoutIdsCounts.traces, 100);
  });

  it('does as well with container names (the client reaches web over a second network) and in completion order', (t) => {
    const byName = measureTraceAccuracy(named, logs);
    t.diagnostic(formatAccuracyLine('demo, by container', byName));
    assert.equal(byName.withIds.precision, 1);
    assert.equal(byName.withIds.recall, 1);
    assert.ok(byName.withoutIds.precision >= 0.95 && byName.withoutIds.recall >= 0.95);
    const endOf = (e: Exchange) => e.response?.lastByte ?? e.request.lastByte;
    const byCompletion = [...named].sort((a, b) => endOf(a).sec - endOf(b).sec || endOf(a).nsec - endOf(b).nsec);
    const completion = measureTraceAccuracy(byCompletion, logs, { inputOrder: 'completion', maxParentSeconds: 5 });
    assert.deepEqual(completion.withoutIds, byName.withoutIds);
    assert.deepEqual(completion.withIds, byName.withIds);
  });
});
