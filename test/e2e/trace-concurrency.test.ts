import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { diffNs } from '../../src/model/time.js';
import { skipUnless } from '../support/paths.js';
import { formatAccuracyLine, measureTraceAccuracy } from '../trace/support/trace-accuracy.js';
import { runTraceScenario, type TraceScenarioRun } from './support/trace-scenario.js';
import { Testbed } from './testbed/index.js';

// Request trees under load: 16 clients back to back (≥ 16 requests in flight at the gateway), calls
// queued on the services' connection pools and in saturated event loops. With propagated ids every
// parent link must be right. Timing and endpoints alone are measured (the line is printed): each
// service's calls assigned together by a beam of hypotheses (call-beam.ts) under call patterns found
// from timing alone gave 96.3–98.8% on ten runs recorded on a quiet development machine and 81–90% on
// four recorded while other work loaded both cores (94.4% on average); first come, first served one
// call at a time gave 87.5% on the same runs, and 56–65% inside the full suite in CI.
// The target is 95%. The floor (60%) sits well below the worst run seen under load: it catches a
// collapse of the inference, not the spread between runs (which follows the machine's load); the
// accuracy is reported by `npm run bench` (bench/trace-accuracy.ts), measured, not asserted.

const installed = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
const ready = process.getuid?.() === 0 && installed('docker') && installed('dockerd') && installed('dumpcap');

describe('request trees under concurrent load', { skip: skipUnless(ready, 'needs root, docker and dumpcap'), timeout: 300_000 }, () => {
  let testbed: Testbed;
  let run: TraceScenarioRun;

  before(async () => {
    testbed = await Testbed.start();
    run = await runTraceScenario(testbed, { clients: 16, requestsPerClient: 30 });
  });

  after(async () => {
    await testbed?.teardown();
  });

  it('had at least 16 requests in flight at the gateway', () => {
    assert.equal(run.failedClients, 0);
    const gatewayIp = run.exchanges.find((e) => e.request.head.target === '/fan')?.connection.server.ip;
    const inbound = run.exchanges.filter((e) => e.connection.server.ip === gatewayIp && e.response !== undefined);
    assert.equal(inbound.length, 480);
    // Sweep over starts and ends.
    const events = inbound.flatMap((e) => [
      { ts: e.request.firstByte, delta: 1 },
      { ts: (e.response as NonNullable<typeof e.response>).lastByte, delta: -1 },
    ]);
    events.sort((a, b) => diffNs(a.ts, b.ts) || a.delta - b.delta);
    let open = 0;
    let most = 0;
    for (const event of events) most = Math.max(most, (open += event.delta));
    assert.ok(most >= 16, `at most ${most} in flight`);
  });

  it('links every call to its true parent with ids; measures timing alone', (t) => {
    const accuracy = measureTraceAccuracy(run.exchanges, run.logs);
    t.diagnostic(formatAccuracyLine('16 concurrent clients', accuracy));
    // 480 client requests, a third each /fan (2 calls + 1 to inventory), /seq (3 + 1), /one (1 + 1).
    assert.equal(accuracy.withIds.truth, 160 * 3 + 160 * 4 + 160 * 2);
    assert.equal(accuracy.withIds.precision, 1);
    assert.equal(accuracy.withIds.recall, 1);
    assert.ok(accuracy.withoutIds.precision >= 0.6, `precision without ids ${accuracy.withoutIds.precision}`);
    assert.ok(accuracy.withoutIds.recall >= 0.6, `recall without ids ${accuracy.withoutIds.recall}`);
  });
});
