import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ownCaptures, sharedCaptures, skipUnless } from '../support/paths.js';
import { runCli } from './run-cli.js';

/**
 * `read --summary` in connection shards on worker threads must print exactly what one thread prints.
 * HOPSCOPE_THREADS forces the shard count (the automatic choice keeps small files in one thread).
 */
async function compareThreads(file: string, extra: string[] = [], counts = ['2', '3']): Promise<void> {
  const one = await runCli(['read', file, '--summary', ...extra], { env: { HOPSCOPE_THREADS: '1' } });
  for (const threads of counts) {
    const many = await runCli(['read', file, '--summary', ...extra], { env: { HOPSCOPE_THREADS: threads } });
    assert.equal(many.code, one.code, `${file} threads=${threads}: exit code (${many.stderr})`);
    assert.equal(many.stdout, one.stdout, `${file} threads=${threads}: stdout`);
    assert.equal(many.stderr, one.stderr, `${file} threads=${threads}: stderr`);
  }
}

test('the demo capture: sharded summary (table and JSON) equals the single-threaded one', async () => {
  const demo = join(ownCaptures, 'demo.pcapng');
  await compareThreads(demo, ['--json']);
  await compareThreads(demo);
  const json = await runCli(['read', demo, '--summary', '--json'], { env: { HOPSCOPE_THREADS: '2' } });
  assert.equal(JSON.parse(json.stdout).requests, 247);
});

test('a filter applies in every shard', async () => {
  await compareThreads(join(ownCaptures, 'demo.pcapng'), ['--json', '--filter', 'status >= 400']);
});

test('errors from a shard are reported as the single-threaded path reports them', async () => {
  await compareThreads(join(ownCaptures, 'not-a-capture.txt'));
  await compareThreads(join(ownCaptures, 'truncated.pcap'));
  await compareThreads('/nonexistent/capture.pcap');
});

test('every purpose capture: sharded summary equals the single-threaded one', async () => {
  const files = readdirSync(ownCaptures).filter((f) => /\.(pcap|pcapng)$/.test(f));
  assert.ok(files.length > 10, 'captures/ is missing its captures');
  for (const f of files) await compareThreads(join(ownCaptures, f), ['--json']);
});

test('every shared capture: sharded summary equals the single-threaded one', { skip: skipUnless(sharedCaptures !== undefined, 'needs ../shared/captures') }, async () => {
  const dir = sharedCaptures!;
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.(pcap|pcapng|cap)$/.test(f));
  assert.ok(files.length > 0, 'no captures found');
  // Two at a time: each comparison is two CLI runs.
  for (let i = 0; i < files.length; i += 2) {
    await Promise.all(files.slice(i, i + 2).map((f) => compareThreads(join(dir, f), ['--json'], ['2'])));
  }
});
