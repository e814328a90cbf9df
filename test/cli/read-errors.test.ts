import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ownCaptures } from '../support/paths.js';
import { runCli } from './run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'hopscope-cli-'));

/** Errors: one line that names the file and the problem, non-zero exit, nothing on stdout. */
function assertOneLineError(result: { code: number | null; stdout: string; stderr: string }, file: string, problem: RegExp) {
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stdout, '');
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${result.stderr}`);
  assert.ok(lines[0].startsWith('hopscope: '), lines[0]);
  assert.ok(lines[0].includes(file), `names ${file}: ${lines[0]}`);
  assert.match(lines[0], problem);
}

test('a missing file', async () => {
  const file = join(scratch, 'nope.pcap');
  assertOneLineError(await runCli(['read', file]), file, /no such file/);
});

test('a directory', async () => {
  assertOneLineError(await runCli(['read', scratch]), scratch, /directory/);
});

test('a file that is not a capture', async () => {
  const file = join(ownCaptures, 'not-a-capture.txt');
  assertOneLineError(await runCli(['read', file]), file, /not a .*capture|not a pcap/i);
});

test('an empty file', async () => {
  const file = join(scratch, 'empty.pcap');
  writeFileSync(file, '');
  assertOneLineError(await runCli(['read', file]), file, /empty/);
});

test('an unsupported link type', async () => {
  // A classic pcap header with link type 147 (user-defined) and one record.
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(147, 20);
  const record = Buffer.alloc(16 + 4);
  record.writeUInt32LE(4, 8);
  record.writeUInt32LE(4, 12);
  const file = join(scratch, 'dlt147.pcap');
  writeFileSync(file, Buffer.concat([header, record]));
  assertOneLineError(await runCli(['read', file]), file, /link type 147 is not supported/);
});

test('an unreadable file (as a user who may not read it)', { skip: process.getuid?.() !== 0 ? 'needs root to switch user' : undefined }, async () => {
  const file = join(scratch, 'secret.pcap');
  writeFileSync(file, readFileSync(join(ownCaptures, 'head.pcap')));
  chmodSync(file, 0o600);
  chmodSync(scratch, 0o755);
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(process.cwd(), 'dist', 'cli.js'), 'read', file], {
    encoding: 'utf8',
  });
  assertOneLineError({ code: result.status, stdout: result.stdout, stderr: result.stderr }, file, /permission denied/);
});

test('a capture cut in its last packet: a warning, and every exchange before it', async () => {
  const result = await runCli(['read', join(ownCaptures, 'truncated.pcap'), '--jsonl']);
  assert.equal(result.code, 0);
  const entries = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(entries.map((e) => e.request.url), ['http://api/first', 'http://api/second']);
  assert.match(result.stderr, /^hopscope: warning: .*cut short/m);
});

test('usage errors exit 2 and say where to look', async () => {
  for (const args of [['read'], ['frobnicate'], ['read', 'x.pcap', '--jsonl', '--summary'], ['read', 'x.pcap', '--max-body', 'lots']]) {
    const result = await runCli(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /^hopscope: /);
  }
});

test('a filter that does not parse points at the problem', async () => {
  const result = await runCli(['read', join(ownCaptures, 'head.pcap'), '--filter', 'status>=abc']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /'abc' is not a number/);
  assert.match(result.stderr, /\n {2}status>=abc\n {10}\^/);
});
