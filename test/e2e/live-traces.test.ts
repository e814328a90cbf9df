import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HarEntry } from '../../src/sinks/har-types.js';
import type { Exchange } from '../../src/model/exchange.js';
import { TraceBuilder } from '../../src/trace/trace-builder.js';
import type { Trace } from '../../src/trace/trace-types.js';
import { groundTruthFromLogs, measureTraceAccuracy, parentLinkAccuracy, scoreParentLinks, type LinkAccuracy } from '../trace/support/trace-accuracy.js';
import { parseJsonl } from './support/har-lines.js';
import { liveSkip } from './support/live-environment.js';
import { startCli, type CliProcess, type LiveResult } from './support/live-process.js';
import { netFilter } from './support/own-subnets.js';
import { runTraceScenario, type TraceScenarioRun } from './support/trace-scenario.js';
import { Testbed } from './testbed/index.js';

// `hopscope live --jsonl --traces` on the bridge of the concurrent trace scenario (16 clients back to
// back, the gateway fanning out and calling in sequence, orders calling inventory), once with trace
// headers on the wire and once with the services propagating them under names hopscope does not know.
// The services' logs say which exchange caused which (the traceparent each one sent); the live entries'
// _parentId links are scored against them. With headers every link must be right; without, inference
// from timing is measured against the offline builder on the same traffic (dumpcap's file). The run
// with headers also has `live --traces` (the table) and `live --summary --traces` on the same bridge.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HIDDEN = 'x-hidden-';

type TracedEntry = HarEntry & { connection: string; _connectionIndex: number; _traceId: string; _parentId: string | null; _depth: number };

interface LiveTraceRun {
  scenario: TraceScenarioRun;
  live: LiveResult;
  entries: TracedEntry[];
  /** The same traffic through `live --traces` (the table) and `live --summary --traces`, when asked. */
  table?: LiveResult;
  summary?: LiveResult;
}

async function liveScenario(testbed: Testbed, headerPrefix?: string, otherOutputs = false): Promise<LiveTraceRun> {
  let live: CliProcess | undefined;
  let result: LiveResult | undefined;
  const others: CliProcess[] = [];
  const otherResults: LiveResult[] = [];
  try {
    const scenario = await runTraceScenario(testbed, {
      clients: 16,
      requestsPerClient: 12,
      ...(headerPrefix === undefined ? {} : { headerPrefix }),
      observer: {
        async start({ bridge, subnet }) {
          live = startCli(['live', '--jsonl', '--traces', '-i', bridge, netFilter([subnet])]);
          if (otherOutputs) {
            others.push(startCli(['live', '--traces', '-i', bridge, netFilter([subnet])]));
            others.push(startCli(['live', '--summary', '--traces', '-i', bridge, netFilter([subnet])]));
          }
          await Promise.all([live, ...others].map((p) => p.capturing([bridge])));
        },
        async stop() {
          // The capture thread's last partly filled batch.
          await sleep(1000);
          result = await (live as CliProcess).stop('SIGINT');
          for (const other of others) otherResults.push(await other.stop('SIGINT'));
        },
      },
    });
    const done = result as LiveResult;
    return {
      scenario,
      live: done,
      entries: parseJsonl(done.stdout) as TracedEntry[],
      ...(otherOutputs ? { table: otherResults[0], summary: otherResults[1] } : {}),
    };
  } finally {
    live?.kill();
    for (const other of others) other.kill();
  }
}

function header(entry: HarEntry, name: string): string | undefined {
  return entry.request.headers.find((h) => h.name.toLowerCase() === name)?.value;
}

/** The entries' _parentId links scored against the logs (same rules as parentLinkAccuracy). */
function liveLinkAccuracy(entries: readonly TracedEntry[], logs: TraceScenarioRun['logs'], traceHeader: string): LinkAccuracy {
  const truth = groundTruthFromLogs(logs);
  const keyOfId = new Map<string, string | undefined>();
  for (const entry of entries) keyOfId.set(`${entry.connection}#${entry._connectionIndex}`, header(entry, traceHeader));
  const captured = new Set<string>();
  const predictedParent = new Map<string, string | undefined>();
  for (const entry of entries) {
    const key = header(entry, traceHeader);
    if (key === undefined) continue;
    captured.add(key);
    predictedParent.set(key, entry._parentId === null ? undefined : keyOfId.get(entry._parentId));
  }
  return scoreParentLinks(truth, captured, predictedParent);
}

function checkEntries(run: LiveTraceRun): void {
  assert.equal(run.live.code, 0, run.live.stderr);
  assert.equal(run.scenario.failedClients, 0);
  // 16 × 12 client requests, each with its calls: every exchange is written once, with its tree.
  assert.equal(run.entries.length, run.scenario.exchanges.length, run.live.stderr);
  const byId = new Map(run.entries.map((e) => [`${e.connection}#${e._connectionIndex}`, e]));
  for (const entry of run.entries) {
    assert.equal(typeof entry._traceId, 'string');
    if (entry._parentId === null) assert.equal(entry._depth, 0);
    else {
      const parent = byId.get(entry._parentId);
      assert.ok(parent !== undefined, `parent ${entry._parentId} of ${entry.request.url} is not in the output`);
      assert.equal(entry._depth, parent._depth + 1);
      assert.equal(entry._traceId, parent._traceId);
    }
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const line = (a: LinkAccuracy) => `precision ${pct(a.precision)} recall ${pct(a.recall)} (${a.correct}/${a.predicted} predicted, ${a.truth} true links)`;

describe('hopscope live --traces under concurrent load', { skip: liveSkip(), timeout: 600_000 }, () => {
  let testbed: Testbed | undefined;
  let withHeaders: LiveTraceRun;
  let withoutHeaders: LiveTraceRun;

  before(async () => {
    // One testbed per run: the scenario names its network and services.
    testbed = await Testbed.start();
    withHeaders = await liveScenario(testbed, undefined, true);
    await testbed.teardown();
    testbed = await Testbed.start();
    withoutHeaders = await liveScenario(testbed, HIDDEN);
  });

  after(async () => {
    await testbed?.teardown();
  });

  it('with trace headers: every entry carries its tree and every parent link is the logged one', (t) => {
    checkEntries(withHeaders);
    const accuracy = liveLinkAccuracy(withHeaders.entries, withHeaders.scenario.logs, 'traceparent');
    t.diagnostic(`live --traces with headers: ${line(accuracy)}`);
    // Every link the offline capture of the same bridge holds: 160 requests' worth of calls.
    assert.equal(accuracy.truth, measureTraceAccuracy(withHeaders.scenario.exchanges, withHeaders.scenario.logs).withIds.truth);
    assert.ok(accuracy.truth >= 16 * 12 * 2, `${accuracy.truth} true links`);
    assert.equal(accuracy.precision, 1);
    assert.equal(accuracy.recall, 1);
  });

  it('the table prints one tree per client request with every call below it; --summary adds the trace section', () => {
    const requests = 16 * 12;
    const table = withHeaders.table as LiveResult;
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    // Long container names are elided in the middle of the route column.
    const roots = lines.filter((l) => /^GET \/(fan|seq|one)\s+\S.*gateway\s+200\s/.test(l));
    const calls = lines.filter((l) => /^[ │]*[├└]─ GET \/(users|orders|stock)/.test(l));
    assert.equal(roots.length, requests, lines.slice(0, 10).join('\n'));
    assert.equal(roots.length + calls.length, lines.length, 'nothing but trees');
    assert.equal(calls.length, withHeaders.entries.length - requests);
    // A /seq tree: gateway calls users, orders (which calls inventory), users again, in that order.
    const seq = lines.findIndex((l) => l.startsWith('GET /seq'));
    assert.match(lines.slice(seq + 1, seq + 5).join('\n'), /^├─ GET \/users\/2 .*\n├─ GET \/orders\/2 .*\n│  └─ GET \/stock .*\n└─ GET \/users\/3 /);
    const summary = withHeaders.summary as LiveResult;
    assert.equal(summary.code, 0, summary.stderr);
    assert.match(summary.stdout, new RegExp(`^${requests} request trees, ${withHeaders.entries.length} exchanges$`, 'm'));
    // Every /fan request: users and orders in parallel, orders calls inventory.
    assert.match(summary.stdout, new RegExp(`^GET \\S+gateway /fan  ${requests / 3} requests\n  hops 3/3/3  fan-out 2/2/2  depth 2/2/2 `, 'm'));
  });

  it('without trace headers on the wire: links from timing alone, measured against the logs', (t) => {
    checkEntries(withoutHeaders);
    for (const entry of withoutHeaders.entries) assert.equal(header(entry, 'traceparent'), undefined);
    const accuracy = liveLinkAccuracy(withoutHeaders.entries, withoutHeaders.scenario.logs, `${HIDDEN}traceparent`);
    // The offline builder on dumpcap's copy of the same traffic (no names there: addresses only).
    const builder = new TraceBuilder();
    const traces: Trace[] = [];
    for (const exchange of withoutHeaders.scenario.exchanges) {
      builder.add(exchange);
      traces.push(...builder.drain());
    }
    traces.push(...builder.finish());
    const hidden = (e: Exchange) => e.request.head.headers.find((h) => h.name.toLowerCase() === `${HIDDEN}traceparent`)?.value;
    const offline = parentLinkAccuracy(traces, groundTruthFromLogs(withoutHeaders.scenario.logs), hidden);
    t.diagnostic(`live --traces without headers: ${line(accuracy)}; offline on the same traffic: ${line(offline)}`);
    assert.equal(accuracy.truth, offline.truth);
    assert.ok(accuracy.truth >= 16 * 12 * 2, `${accuracy.truth} true links`);
    // Short of the 100% ids give under this load (see trace-concurrency.test.ts; 88.5% live and 93.6%
    // offline on one run of this shorter scenario); the floor catches a collapse.
    assert.ok(accuracy.precision >= 0.5, `precision ${accuracy.precision}`);
    assert.ok(accuracy.recall >= 0.5, `recall ${accuracy.recall}`);
  });
});
