import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertValid, harValidators } from '../sinks/support/har-schema.js';
import { ownCaptures } from '../support/paths.js';
import { cliPath, runCli } from './run-cli.js';

const demo = join(ownCaptures, 'demo.pcapng');
const validators = harValidators();

test('--jsonl: one valid HAR entry per exchange, in request start order, with the extension fields', async () => {
  const result = await runCli(['read', demo, '--jsonl']);
  assert.equal(result.code, 0, result.stderr);
  const entries = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
  assert.equal(entries.length, 247);
  for (const entry of entries) {
    assertValid(validators.entry, entry);
    assert.equal(typeof entry._clientIPAddress, 'string');
    assert.equal(typeof entry._clientPort, 'number');
    assert.equal(typeof entry._serverPort, 'number');
    assert.equal(entry._termination, 'complete');
    assert.ok(Array.isArray(entry._anomalies));
    assert.match(entry.request.url, /^http:\/\//);
    assert.match(entry.startedDateTime, /^2026-11-26T19:3\d:\d\d\.\d{6}\+00:00$/);
  }
  const starts = entries.map((e) => e.startedDateTime);
  assert.deepEqual(starts, [...starts].sort());
  // Gzip bodies are decoded for content, while bodySize stays the bytes on the wire.
  const gzipped = entries.find((e) => e.response.headers.some((h: { name: string; value: string }) => /content-encoding/i.test(h.name) && h.value === 'gzip'));
  assert.ok(gzipped, 'the demo has gzip responses');
  assert.ok(gzipped.response.content.size > gzipped.response.bodySize);
  assert.equal(gzipped.response.content.compression, gzipped.response.content.size - gzipped.response.bodySize);
});

test('--summary: one row per client→server pair; --json gives the same as JSON', async () => {
  const table = await runCli(['read', demo, '--summary']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /172\.31\.240\.6 +172\.31\.240\.5:8080 +73 /);
  const json = await runCli(['read', demo, '--summary', '--json']);
  const summary = JSON.parse(json.stdout);
  assert.equal(summary.requests, 247);
  const pair = summary.pairs.find((p: { client: string; server: string }) => p.client === '172.31.240.5' && p.server === '172.31.240.3');
  assert.ok(pair, 'gateway → users');
  assert.ok(pair.latencyMs.max >= 200, 'the slow endpoint shows in the max');
  assert.equal(summary.pairs.reduce((n: number, p: { requests: number }) => n + p.requests, 0), 247);
});

test('--har FILE: a valid HAR 1.2 file with one page for the capture', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'hopscope-har-')), 'demo.har');
  const result = await runCli(['read', demo, '--har', out]);
  assert.equal(result.code, 0, result.stderr);
  const har = JSON.parse(readFileSync(out, 'utf8'));
  assertValid(validators.har, har);
  assert.equal(har.log.entries.length, 247);
  assert.deepEqual(har.log.pages.map((p: { title: string }) => p.title), ['demo.pcapng']);
  assert.equal(har.log.creator.name, 'hopscope');
});

test('--filter keeps matching exchanges only', async () => {
  const result = await runCli(['read', demo, '--jsonl', '--filter', 'status>=500 and path~/orders']);
  const entries = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
  assert.ok(entries.length > 0);
  for (const e of entries) {
    assert.ok(e.response.status >= 500);
    assert.match(e.request.url, /\/orders/);
  }
});

test('reading stdin gives what reading the file gives', async () => {
  const fromFile = await runCli(['read', demo, '--jsonl']);
  const fromStdin = await runCli(['read', '-', '--jsonl'], { stdin: readFileSync(demo) });
  assert.equal(fromStdin.code, 0, fromStdin.stderr);
  assert.equal(fromStdin.stdout, fromFile.stdout);
});

test('streaming from stdin: exchanges appear before the input ends', async () => {
  const bytes = readFileSync(join(ownCaptures, 'pipelining.pcap'));
  const child = spawn(process.execPath, [cliPath, 'read', '-', '--jsonl']);
  let stdout = '';
  child.stdout.setEncoding('utf8');
  const firstLine = new Promise<void>((resolve) =>
    child.stdout.on('data', (d: string) => {
      stdout += d;
      if (stdout.includes('\n')) resolve();
    }),
  );
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  // All of the capture but the connection's last packets (the FINs): the exchanges are complete, the
  // input is not.
  child.stdin.write(bytes.subarray(0, bytes.length - 200));
  await firstLine;
  assert.equal(child.exitCode, null, 'still running: stdin is open');
  child.stdin.end(bytes.subarray(bytes.length - 200));
  assert.equal(await closed, 0);
  assert.equal(stdout.trimEnd().split('\n').length, 3);
});

test('the table has one row per exchange and nothing else on stdout; --quiet keeps stderr empty', async () => {
  const result = await runCli(['read', demo, '--quiet']);
  assert.equal(result.code, 0);
  assert.equal(result.stderr, '');
  const lines = result.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 2 + 247);
  assert.match(lines[1], /^TIME \(UTC\) +CLIENT +SERVER +METHOD +PATH +STATUS +TOTAL ms +SIZE$/);
  assert.match(lines.find((l) => l.includes('/users/slow'))!, / GET +\/users\/slow +200 +2\d\d\.\d /);
});
