import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseReadArgs } from '../../src/cli/args.js';
import { TuiDiagnostics } from '../../src/cli/tui-diagnostics.js';
import { exportFileName, exportVisible } from '../../src/cli/tui-export.js';
import { startFileFeed } from '../../src/cli/tui-file-feed.js';
import { TuiIngest } from '../../src/cli/tui-ingest.js';
import { startReplayFeed } from '../../src/cli/tui-replay-feed.js';
import { clientName, serverName } from '../../src/trace/index.js';
import { defaultPipelineOptions } from '../../src/model/options.js';
import { ExchangeStore } from '../../src/store/exchange-store.js';
import { assertValid, harValidators } from '../sinks/support/har-schema.js';
import { ownCaptures } from '../support/paths.js';

const demo = join(ownCaptures, 'demo.pcapng');
const demoNames = join(ownCaptures, 'demo.containers.json');

async function readDemoIntoStore(): Promise<TuiIngest> {
  const ingest = new TuiIngest(new ExchangeStore(), 'start');
  const feed = await startFileFeed({ ...parseReadArgs([demo]), containers: demoNames }, ingest, () => {});
  await feed.done;
  assert.equal(feed.status().finished, true);
  return ingest;
}

test('a file feed reads the whole demo into the store, named, each exchange with its trace link and bodies', async () => {
  const ingest = await readDemoIntoStore();
  const store = ingest.store;
  assert.equal(store.added, 247, 'every exchange of the demo');
  const all = store.visibleSlice(0, store.visibleCount);
  assert.ok(all.every((s) => s.link !== undefined), 'every exchange has a link');
  const pairs = new Set(all.map((s) => `${clientName(s.exchange)} > ${serverName(s.exchange)}`));
  assert.ok(pairs.has('demo-client > demo-gateway'), [...pairs].join(', '));
  // The gateway's calls hang under the client's requests: the waterfall has children to show.
  const children = all.filter((s) => s.link?.parentId !== undefined);
  assert.ok(children.length > 0);
  assert.ok(store.childrenOf(children[0].link!.parentId!).length > 0);
  assert.ok(all.some((s) => (s.exchange.response?.body.data.length ?? 0) > 0), 'bodies are kept for the detail view');
});

test('e exports the filtered exchanges as a valid HAR file named by the time, never over an earlier one', async () => {
  const ingest = await readDemoIntoStore();
  const store = ingest.store;
  assert.equal(store.setFilter('status>=500'), undefined);
  const errors = store.visibleCount;
  assert.ok(errors > 0 && errors < store.size);
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-tui-export-'));
  const now = () => new Date(2026, 10, 26, 9, 5, 7);
  const options = { pipeline: { maxBody: defaultPipelineOptions.maxBody }, redact: true, redactPatterns: [], title: 'demo.pcapng', directory: dir, now };
  const path = await exportVisible(store, options);
  assert.equal(path, join(dir, 'hopscope-20261126-090507.har'));
  const har = JSON.parse(readFileSync(path, 'utf8')) as { log: { entries: Array<{ response: { status: number } }> } };
  assertValid(harValidators().har, har);
  assert.equal(har.log.entries.length, errors);
  assert.ok(har.log.entries.every((e) => e.response.status >= 500));
  const second = await exportVisible(store, options);
  assert.equal(second, join(dir, 'hopscope-20261126-090507-2.har'));
  assert.deepEqual(readdirSync(dir).sort(), ['hopscope-20261126-090507-2.har', 'hopscope-20261126-090507.har']);
});

test('export file names are local time, zero-padded', () => {
  assert.equal(exportFileName(new Date(2027, 0, 2, 3, 4, 5)), 'hopscope-20270102-030405.har');
});

test('a file that is not a capture fails the feed with the read error', async () => {
  const ingest = new TuiIngest(new ExchangeStore(), 'start');
  const feed = await startFileFeed(parseReadArgs([join(ownCaptures, 'not-a-capture.txt')]), ingest, () => {});
  await assert.rejects(feed.done, /not a capture file/);
  assert.equal(ingest.store.added, 0);
});

test('the demo replays at its recorded pace: exchanges arrive over time, named, until stopped', async () => {
  const ingest = new TuiIngest(new ExchangeStore(), 'start');
  const feed = await startReplayFeed({ input: demo, containers: demoNames, pipeline: defaultPipelineOptions, source: 'demo' }, ingest, () => {});
  const store = ingest.store;
  const deadline = Date.now() + 10_000;
  while (store.added === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(store.added > 0, 'the first exchanges arrive');
  // The capture spans 17.7 s: the last exchanges cannot be there yet.
  assert.ok(store.added < 247, `only the first exchanges so far, not ${store.added}`);
  assert.equal(feed.status().finished, false);
  assert.equal(clientName(store.visibleAt(0).exchange), 'demo-client');
  assert.ok(feed.status().packets > 0);
  assert.equal(await feed.stop(), 0);
  assert.equal(feed.status().finished, true);
  await feed.done;
});

test('diagnostics are held while the UI is up, the latest shown, and printed after it', () => {
  let written = '';
  const sink = { write: (text: string) => (written += text) } as unknown as NodeJS.WritableStream;
  const diagnostics = new TuiDiagnostics(sink);
  const seen: string[] = [];
  diagnostics.onLine((line) => seen.push(line));
  diagnostics.log('hopscope: naming containers from Docker at unix:///var/run/docker.sock');
  diagnostics.log('hopscope: warning: br-x: something');
  assert.equal(written, '', 'nothing on stderr while the UI is up');
  assert.equal(diagnostics.latest, 'warning: br-x: something');
  assert.equal(seen.length, 2);
  diagnostics.release();
  assert.equal(written, 'hopscope: naming containers from Docker at unix:///var/run/docker.sock\nhopscope: warning: br-x: something\n');
  diagnostics.log('hopscope: 10 packets on 1 interfaces');
  assert.match(written, /10 packets on 1 interfaces\n$/);
});

