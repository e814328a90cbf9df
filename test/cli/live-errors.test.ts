import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../support/paths.js';
import { cliPath, runCli } from './run-cli.js';
import { needsLive, run, sleep, SUMMARY_LINE, tryRun } from './live-harness.js';

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
    // Named from the file recorded beside the demo capture, as `hopscope demo` and the UI do.
    assert.match(result.stdout, /demo-client +demo-gateway/);
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
    [['live', '--buffer-size', '1k'], /--buffer-size takes a size from 64k to 2047m/],
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

/**
 * A network namespace of our own stands in for a host without Docker: `ip netns exec` mounts a sysfs
 * that lists only the namespace's interfaces. A bridge named like Docker's then makes it a Docker host.
 */
describe('hopscope without and with Docker bridges (in a test namespace)', { skip: needsLive }, () => {
  const namespace = `hs-live-${process.pid}-e`;
  const bridge = `br-hstest${process.pid % 10000}e`;
  const downBridge = `br-hstest${process.pid % 10000}f`;
  const inNamespace = (args: string[]) =>
    spawnSync('ip', ['netns', 'exec', namespace, process.execPath, cliPath, ...args], { encoding: 'utf8', timeout: 30_000 });
  before(() => {
    tryRun('ip', ['netns', 'del', namespace]);
    run('ip', ['netns', 'add', namespace]);
  });
  after(() => tryRun('ip', ['netns', 'del', namespace]));

  it('live with no bridges and no -i says to start Docker or pass -i', () => {
    const result = inNamespace(['live']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^hopscope: no Docker bridges to capture on \(docker0, br-\*\): start Docker, or choose interfaces with -i NAME/m);
  });

  it('interfaces lists what there is and says that nothing would be captured', () => {
    const result = inNamespace(['interfaces']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^lo +loopback +skip/m);
    assert.match(result.stderr, /no Docker bridges to capture on/);
  });

  it('`hopscope` falls back to the demo with the reason', () => {
    const result = inNamespace([]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr.trim(), /^hopscope: no Docker bridges to capture on .*; showing the bundled demo capture instead [^\n]*$/);
    assert.ok(result.stdout.split('\n').filter((line) => / GET | POST /.test(line)).length >= 10);
  });

  it('`hopscope` goes live on the Docker bridges when there are some (one set down is retried), until Ctrl-C', async () => {
    run('ip', ['-n', namespace, 'link', 'add', bridge, 'type', 'bridge']);
    run('ip', ['-n', namespace, 'link', 'set', bridge, 'up']);
    // libpcap cannot open a device that is administratively down: it is captured once it is up.
    run('ip', ['-n', namespace, 'link', 'add', downBridge, 'type', 'bridge']);
    const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, cliPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const until = performance.now() + 10_000;
      while (!stderr.includes('capturing on') && child.exitCode === null && performance.now() < until) await sleep(20);
      assert.match(stderr, new RegExp(`^hopscope: capturing on ${bridge} and new Docker bridges as they appear \\(Ctrl-C stops\\)$`, 'm'));
      assert.match(stderr, new RegExp(`^hopscope: warning: live capture failed: ${downBridge}: .*\\(retrying while capturing\\)$`, 'm'));
      run('ip', ['-n', namespace, 'link', 'set', downBridge, 'up']);
      while (!stderr.includes(`now also capturing on ${downBridge}`) && child.exitCode === null && performance.now() < until + 10_000) await sleep(20);
      assert.match(stderr, new RegExp(`^hopscope: now also capturing on ${downBridge}$`, 'm'));
      child.kill('SIGINT');
      assert.equal(await exited, 0, stderr);
      assert.equal(SUMMARY_LINE.exec(stderr)?.[2], '2', stderr);
      assert.doesNotMatch(stderr, /demo/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
