import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ownCaptures } from '../support/paths.js';
import { runCli } from './run-cli.js';

/** read --traces on the demo capture: gateway fans out to users and orders, orders calls inventory. */
const demo = join(ownCaptures, 'demo.pcapng');
const names = ['--containers', join(ownCaptures, 'demo.containers.json')];

test('read --traces prints one tree per root request with its calls below it', async () => {
  const { code, stdout, stderr } = await runCli(['read', demo, '--traces', '--quiet', ...names]);
  assert.equal(code, 0, stderr);
  const lines = stdout.trimEnd().split('\n');
  const roots = lines.filter((l) => /^GET \/api\/profile\s+demo-client → demo-gateway\s+200/.test(l));
  assert.ok(roots.length >= 5, `profile roots: ${roots.length}`);
  const first = lines.indexOf(roots[0]);
  assert.match(lines[first + 1], /^├─ GET \/users\/42\s+demo-gateway → demo-users\s+200/);
  assert.match(lines[first + 2], /^└─ GET \/orders\s+demo-gateway → demo-orders\s+200/);
  assert.match(lines[first + 3], /^ {3}└─ GET \/items\.json\s+demo-orders → demo-inventory\s+200/);
  // The critical path: the slow call is most of the root's time.
  assert.ok(lines.some((l) => /└─ GET \/users\/slow .*← 9\d% of the root's time/.test(l)));
  // Every child line follows a root or another child of the same tree.
  for (let i = 0; i < lines.length; i++) if (/^[ │├└]/.test(lines[i])) assert.ok(i > 0, lines[i]);
});

test('read --traces without container names shows addresses', async () => {
  const { code, stdout } = await runCli(['read', demo, '--traces', '--quiet']);
  assert.equal(code, 0);
  assert.match(stdout, /^├─ GET \/users\/42\s+\d+\.\d+\.\d+\.\d+ → \d+\.\d+\.\d+\.\d+:8080\s+200/m);
});

test('read --traces --filter shows only trees with a kept exchange, whole', async () => {
  const { code, stdout } = await runCli(['read', demo, '--traces', '--quiet', '--filter', 'status>=500', ...names]);
  assert.equal(code, 0);
  const lines = stdout.trimEnd().split('\n');
  assert.ok(lines.length > 0);
  for (const line of lines) assert.match(line, /\/api\/checkout|\/orders\/fail/);
  assert.ok(lines.some((l) => /^└─ GET \/orders\/fail\s+demo-gateway → demo-orders\s+500/.test(l)));
});

interface TracedEntry {
  startedDateTime: string;
  connection: string;
  _connectionIndex: number;
  _traceId: string;
  _parentId: string | null;
  _depth: number;
  request: { url: string };
}

test('read --jsonl --traces: every entry carries its tree, parents come earlier in the output', async () => {
  const { code, stdout, stderr } = await runCli(['read', demo, '--jsonl', '--traces', '--quiet', ...names]);
  assert.equal(code, 0, stderr);
  const entries = stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as TracedEntry);
  const seen = new Map<string, TracedEntry>();
  let children = 0;
  for (const entry of entries) {
    assert.equal(typeof entry._traceId, 'string');
    assert.equal(typeof entry._depth, 'number');
    if (entry._parentId === null) {
      assert.equal(entry._depth, 0);
    } else {
      children++;
      const parent = seen.get(entry._parentId);
      assert.ok(parent !== undefined, `parent ${entry._parentId} of ${entry.request.url} not earlier in the output`);
      assert.equal(entry._depth, parent._depth + 1);
      assert.equal(entry._traceId, parent._traceId);
      assert.ok(parent.startedDateTime <= entry.startedDateTime);
    }
    seen.set(`${entry.connection}#${entry._connectionIndex}`, entry);
  }
  assert.ok(children > 0);
  assert.ok(entries.some((e) => e._depth === 2 && /\/items/.test(e.request.url)));
});

test('read --jsonl without --traces has no trace fields', async () => {
  const { stdout } = await runCli(['read', demo, '--jsonl', '--quiet']);
  assert.doesNotMatch(stdout, /_traceId/);
});

test('read --summary --traces prints the pair summary, then one section per root endpoint', async () => {
  const { code, stdout, stderr } = await runCli(['read', demo, '--summary', '--traces', '--quiet', ...names], { env: { HOPSCOPE_THREADS: '2' } });
  assert.equal(code, 0, stderr);
  const trees = stdout.indexOf('request trees');
  assert.ok(trees > 0, stdout);
  assert.match(stdout.slice(0, trees), /demo-gateway/);
  const section = stdout.slice(trees);
  assert.match(section, /^GET demo-gateway \/api\/profile {2}\d+ requests$/m);
  assert.match(section, /hops 3\/3\/3 {2}fan-out 2\/2\/2 {2}depth 2\/2\/2/);
  assert.match(section, /demo-orders → GET demo-inventory \/items\.json/);
});

test('read --summary --json --traces adds the trace summary to the JSON', async () => {
  const { code, stdout } = await runCli(['read', demo, '--summary', '--json', '--traces', '--quiet', ...names]);
  assert.equal(code, 0);
  const parsed = JSON.parse(stdout) as { pairs: unknown[]; traces: { traces: number; roots: Array<{ endpoint: string }> } };
  assert.ok(parsed.pairs.length > 0);
  assert.ok(parsed.traces.traces > 0);
  assert.ok(parsed.traces.roots.some((r) => r.endpoint === 'GET demo-gateway /api/profile'));
});

test('read --har - --traces: HAR entries carry the same trace fields', async () => {
  const { code, stdout } = await runCli(['read', demo, '--har', '-', '--traces', '--quiet', ...names]);
  assert.equal(code, 0);
  const entries = (JSON.parse(stdout) as { log: { entries: TracedEntry[] } }).log.entries;
  const ids = new Set(entries.map((e) => `${e.connection}#${e._connectionIndex}`));
  assert.ok(entries.every((e) => typeof e._traceId === 'string' && typeof e._depth === 'number'));
  const children = entries.filter((e) => e._parentId !== null);
  assert.ok(children.length > 0);
  for (const child of children) assert.ok(ids.has(child._parentId as string), `${child._parentId} missing`);
});
