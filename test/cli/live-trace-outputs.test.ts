import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createPipeline } from '../../src/cli/pipeline.js';
import { SettledTraceAnnotator, TraceAnnotator, TraceTreeWriter } from '../../src/cli/trace-outputs.js';
import type { Exchange } from '../../src/model/exchange.js';
import { defaultPipelineOptions } from '../../src/model/options.js';
import { addSeconds } from '../../src/model/time.js';
import type { HarEntry } from '../../src/sinks/har-types.js';
import { readCapture } from '../../src/source/read-capture.js';
import { exchangeId } from '../../src/trace/trace-types.js';
import { ownCaptures } from '../support/paths.js';

// live --traces gets exchanges as they complete (a parent after its calls). These run the demo capture
// through the pipeline in completion order, as a live session does, into the live trace outputs.

const demo = join(ownCaptures, 'demo.pcapng');

async function exchangesOf(order: 'start' | 'completion'): Promise<Exchange[]> {
  const out: Exchange[] = [];
  const pipeline = createPipeline(defaultPipelineOptions, (e) => out.push(e), { order });
  await readCapture(demo, pipeline.events, pipeline.stats);
  pipeline.finish();
  return out;
}

type Annotated = HarEntry & { _traceId: string; _parentId: string | null; _depth: number };

/** The entries a live --jsonl --traces would write, in order, with `keep` as --filter. */
function settledEntries(exchanges: readonly Exchange[], keep: (e: Exchange) => boolean = () => true): Annotated[] {
  const entries: Annotated[] = [];
  const annotator = new SettledTraceAnnotator((e) => entries.push(convert(e) as Annotated));
  const convert = annotator.converter((e) => ({ connection: e.connection.id, _connectionIndex: e.connection.index }) as unknown as HarEntry);
  for (const exchange of exchanges) annotator.add(exchange, keep(exchange));
  annotator.finish();
  return entries;
}

const idOf = (entry: Annotated) => `${entry.connection}#${(entry as unknown as { _connectionIndex: number })._connectionIndex}`;

test('live --jsonl --traces: exchanges in completion order get the links read gives in start order', async () => {
  const completion = await exchangesOf('completion');
  const start = await exchangesOf('start');
  // The capture has calls that finish before their parents: completion order really differs.
  assert.notDeepEqual(completion.map(exchangeId), start.map(exchangeId));

  const expected = new Map<string, { parent: string | null; depth: number }>();
  const readWrites: Exchange[] = [];
  const reference = new TraceAnnotator((exchange) => readWrites.push(exchange));
  const referenceConvert = reference.converter((e) => ({ id: exchangeId(e) }) as unknown as HarEntry);
  for (const exchange of start) reference.add(exchange, true);
  reference.finish();
  for (const exchange of readWrites) {
    const entry = referenceConvert(exchange) as unknown as { id: string; _parentId: string | null; _depth: number };
    expected.set(entry.id, { parent: entry._parentId, depth: entry._depth });
  }

  const entries = settledEntries(completion);
  assert.equal(entries.length, completion.length, 'every exchange written once');
  const written = new Set<string>();
  let children = 0;
  for (const entry of entries) {
    const id = idOf(entry);
    assert.deepEqual({ parent: entry._parentId, depth: entry._depth }, expected.get(id), id);
    // A tree's entries go out together, parents first.
    if (entry._parentId !== null) {
      children++;
      assert.ok(written.has(entry._parentId), `${id}: parent ${entry._parentId} not written before`);
    }
    written.add(id);
  }
  assert.ok(children >= 10, `${children} child links`);
});

test('live --jsonl --traces --filter: only kept exchanges are written, still linked through the others', async () => {
  const completion = await exchangesOf('completion');
  const all = new Map(settledEntries(completion).map((e) => [idOf(e), e]));
  const inventoryCalls = (e: Exchange) => e.request.head.target.startsWith('/items');
  const kept = settledEntries(completion, inventoryCalls);
  assert.ok(kept.length > 0);
  assert.equal(kept.length, completion.filter(inventoryCalls).length);
  for (const entry of kept) {
    // Depth 2 (gateway → orders → inventory) needs the unshown calls above it.
    assert.equal(entry._depth, 2);
    assert.equal(entry._parentId, all.get(idOf(entry))?._parentId);
  }
});

test('live --traces: a quiet capture clock releases settled trees without waiting for the end', async () => {
  const completion = await exchangesOf('completion');
  const lines: string[] = [];
  const trees = new TraceTreeWriter({ write: (text) => lines.push(text) }, false, { order: 'completion' });
  for (const exchange of completion) trees.write(exchange, true);
  const before = lines.length;
  const last = completion.at(-1) as Exchange;
  // Capture time moves a minute past the last exchange (live: the wall clock while no traffic comes).
  trees.advance(addSeconds(last.response?.lastByte ?? last.request.lastByte, 60));
  const afterAdvance = lines.length;
  trees.finish();
  assert.ok(afterAdvance > before, 'trees released by advance()');
  // The builder closes a tree once a later request has started (its cursor is a request start): the
  // newest tree waits for more traffic or the end of the capture.
  assert.ok(lines.length - afterAdvance <= 1, `${lines.length - afterAdvance} trees left for finish()`);
  const text = lines.join('');
  assert.match(text, /^GET \/api\/profile\s+\S+ → \S+\s+200/m);
  assert.match(text, /^ {3}└─ GET \/items\.json/m);
});

test('live --traces table: a gate that refuses trees skips them (the output could not keep up)', async () => {
  const completion = await exchangesOf('completion');
  let refused = 0;
  const lines: string[] = [];
  const trees = new TraceTreeWriter({ write: (text) => lines.push(text) }, false, {
    order: 'completion',
    gate: (shown) => {
      refused += shown;
      return false;
    },
  });
  for (const exchange of completion) trees.write(exchange, true);
  trees.finish();
  assert.equal(lines.length, 0);
  assert.equal(refused, completion.length);
});
