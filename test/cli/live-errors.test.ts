import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../support/paths.js';
import { cliPath, runCli } from './run-cli.js';
import { needsLive, SUMMARY_LINE } from './live-harness.js';

const NOBODY = 65534;

/** The built CLI run as user nobody (no capabilities), synchronously. */
function runAsNobody(args: string[]) {
  const result = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, cliPath, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('hopscope live: errors say what to do and exit non-zero', { skip: needsLive }, () => {
  it('a bad BPF filter gives libpcap\'s message and exit 1', async () => {
    const result = await runCli(['live', '-i', 'lo', 'tcp portt 80']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^hopscope: bad capture filter "tcp portt 80": .*syntax error.*man pcap-filter/m);
    assert.doesNotMatch(result.stderr, SUMMARY_LINE);
    assert.equal(result.stdout, '');
  });

  it('a missing interface is named, with exit 1', async () => {
    const name = `hsnone${process.pid % 100000}`;
    const result = await runCli(['live', '-i', 'lo', '-i', name]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^hopscope: no such network device: ${name}`, 'm'));
  });

  it('without root or CAP_NET_RAW: sudo or setcap, exit 1', () => {
    const result = runAsNobody(['live', '-i', 'lo']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^hopscope: live capture needs root or CAP_NET_RAW\+CAP_NET_ADMIN: run with sudo, or once: sudo setcap /m);
  });

  it('`hopscope` with no arguments and no permission falls back to the demo capture with one line saying why', () => {
    const result = runAsNobody([]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    // Where Docker has no bridge the reason is that; otherwise it is the permission.
    assert.match(lines[0], /^hopscope: (live capture needs root|no Docker bridges).*; showing the bundled demo capture instead/);
    assert.ok(result.stdout.split('\n').filter((line) => / GET | POST /.test(line)).length >= 10, result.stdout);
  });

  it('an output file that cannot be created fails before capturing', async () => {
    const result = await runCli(['live', '-i', 'lo', '-w', '/nonexistent-hopscope-dir/x.pcapng']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^hopscope: cannot write \/nonexistent-hopscope-dir\/x\.pcapng: ENOENT/m);
    assert.doesNotMatch(result.stderr, /capturing on/);
  });
});

describe('hopscope live: usage errors exit 2', () => {
  const cases: Array<[string[], RegExp]> = [
    [['live', '--jsonl', '--summary'], /choose one of --jsonl, --summary, --har/],
    [['live', '-w', '-'], /-w needs a file name/],
    [['live', '--json'], /--json goes with --summary/],
    [['live', '--filter', 'status>>'], /--filter: /],
    [['live', '-i', 'has space'], /-i takes a network interface name/],
    [['live', '--merge-window', '0'], /--merge-window takes a positive number/],
    [['live', '--bogus'], /Unknown option '--bogus'/],
    [['interfaces', 'extra'], /Unexpected argument 'extra'/],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), async () => {
      const result = await runCli(args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    });
  }
});

/**
 * A copy of the installed program without native/ (what `npm ci` leaves where libpcap-dev or a
 * compiler is missing): live capture says what to install, and `hopscope` falls back to the demo.
 */
describe('without the native addon', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-noaddon-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const prepare = (): string => {
    if (!existsSync(join(dir, 'dist'))) {
      cpSync(join(repoRoot, 'dist'), join(dir, 'dist'), { recursive: true });
      cpSync(join(repoRoot, 'captures'), join(dir, 'captures'), { recursive: true });
      cpSync(join(repoRoot, 'package.json'), join(dir, 'package.json'));
      symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
    }
    return join(dir, 'dist', 'cli.js');
  };
  const runCopy = (args: string[]) => spawnSync(process.execPath, [prepare(), ...args], { encoding: 'utf8', timeout: 30_000 });

  it('live says what to install, with exit 1', () => {
    const result = runCopy(['live', '-i', 'lo']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^hopscope: live capture is unavailable: the native addon is not built .*apt-get install libpcap-dev g\+\+ make.*npm run build:native/m);
  });

  it('`hopscope` shows the demo with the reason on one line', () => {
    const result = runCopy([]);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^hopscope: live capture is unavailable: .*; showing the bundled demo capture instead/);
    assert.ok(result.stdout.split('\n').filter((line) => / GET | POST /.test(line)).length >= 10);
  });

  it('interfaces works without it', () => {
    const result = runCopy(['interfaces']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^lo +loopback +skip +loopback/m);
  });
});
