import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { isLiveCaptureAvailable } from '../../src/source/live/index.js';
import { skipUnless } from '../support/paths.js';
import { cliPath, type CliResult } from './run-cli.js';
import { claimSubnetOctet } from '../support/subnet-claims.js';

export const isRoot = process.getuid?.() === 0;
/** Live CLI tests need root (to capture and to create test links) and the built addon. */
export const needsLive = skipUnless(isRoot && isLiveCaptureAvailable(), 'live capture tests need root and the addon (npm run build:native)');
export const needsRoot = skipUnless(isRoot, 'creating test network interfaces needs root');

/** The summary line `hopscope live` prints on stderr when it stops. */
export const SUMMARY_LINE = /^hopscope: (\d+) packets on (\d+) interfaces, (\d+) dropped by the kernel, (\d+) dropped in queue, (\d+) exchanges$/m;

export function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a command and ignores its failure (cleanup of things that may not exist). */
export function tryRun(command: string, args: string[]): void {
  try {
    run(command, args);
  } catch {
    // already gone, or never made
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A running `hopscope live …` (the built CLI), with its output gathered as it comes. */
export class LiveProcess {
  stdout = '';
  stderr = '';
  readonly child: ChildProcess;
  private readonly closed: Promise<CliResult>;

  /** options.readStdout false: stdout is left unread (a stuck consumer) until resumeStdout(). */
  constructor(args: string[], options: { uid?: number; readStdout?: boolean } = {}) {
    const command = options.uid === undefined ? process.execPath : 'setpriv';
    const argv = options.uid === undefined ? [cliPath, ...args] : [`--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups', process.execPath, cliPath, ...args];
    this.child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8');
    if (options.readStdout !== false) this.resumeStdout();
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.closed = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code) => resolve({ code, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  resumeStdout(): void {
    if (this.child.stdout!.listenerCount('data') === 0) this.child.stdout!.on('data', (d: string) => (this.stdout += d));
  }

  /** Waits until stderr matches (the "capturing on" note says the devices are open). */
  async waitForStderr(pattern: RegExp, ms = 10_000): Promise<void> {
    await this.waitFor(() => pattern.test(this.stderr), ms, `stderr to match ${pattern}`);
  }

  async waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
    const until = performance.now() + ms;
    while (!condition()) {
      if (this.child.exitCode !== null) throw new Error(`hopscope exited (${this.child.exitCode}) while waiting for ${what}\n${this.stderr}`);
      if (performance.now() > until) throw new Error(`timed out waiting for ${what}; stderr so far:\n${this.stderr}`);
      await sleep(20);
    }
  }

  /** Sends `signal` and resolves when the process has exited. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<CliResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill(signal);
      await exited;
    }
    // An unread stdout is read now that the process is gone, so that it can close.
    this.resumeStdout();
    return this.closed;
  }

  done(): Promise<CliResult> {
    return this.closed;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** One HTTP request on a fresh connection; resolves with status and body. */
export function httpRequest(host: string, port: number, method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, method, path, agent: false, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`request ${method} ${path} timed out`)));
    req.end(body);
  });
}

/**
 * A test-owned network: a namespace with one end of a veth pair at 10.213.<subnet>.2/30; the other end
 * stays in the host namespace, either addressed itself (.1) or enslaved to a test-owned bridge that
 * carries .1. Servers run inside the namespace; the test process is the client.
 */
export class TestNetwork {
  readonly namespace: string;
  readonly hostEnd: string;
  readonly farEnd: string;
  readonly hostAddress: string;
  readonly farAddress: string;
  private servers: ChildProcess[] = [];

  constructor(
    /** A short unique tag (letters/digits): names are derived from it. */
    tag: string,
    readonly subnet: number,
    /** A bridge (br-…) to put the host end into, created here; absent: the host end is addressed itself. */
    readonly bridge?: string,
  ) {
    this.namespace = `hs-live-${process.pid}-${tag}`;
    this.hostEnd = `hsv${process.pid % 100000}${tag}a`;
    this.farEnd = `hsv${process.pid % 100000}${tag}b`;
    this.hostAddress = `10.213.${subnet}.1`;
    this.farAddress = `10.213.${subnet}.2`;
  }

  create(): void {
    this.destroy();
    run('ip', ['netns', 'add', this.namespace]);
    run('ip', ['link', 'add', this.hostEnd, 'type', 'veth', 'peer', 'name', this.farEnd]);
    run('ip', ['link', 'set', this.farEnd, 'netns', this.namespace]);
    run('ip', ['-n', this.namespace, 'link', 'set', 'lo', 'up']);
    run('ip', ['-n', this.namespace, 'addr', 'add', `${this.farAddress}/30`, 'dev', this.farEnd]);
    run('ip', ['-n', this.namespace, 'link', 'set', this.farEnd, 'up']);
    if (this.bridge === undefined) {
      run('ip', ['addr', 'add', `${this.hostAddress}/30`, 'dev', this.hostEnd]);
    } else {
      run('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
      run('ip', ['link', 'set', this.hostEnd, 'master', this.bridge]);
      run('ip', ['addr', 'add', `${this.hostAddress}/30`, 'dev', this.bridge]);
      run('ip', ['link', 'set', this.bridge, 'up']);
    }
    run('ip', ['link', 'set', this.hostEnd, 'up']);
  }

  /**
   * Starts an HTTP server in the namespace on `port`. GET /slow never answers (an open request);
   * everything else answers 200 (201 for POST) with "hello <path>".
   */
  async startServer(port: number): Promise<void> {
    const code = `
      const http = require('node:http');
      const server = http.createServer((req, res) => {
        if (req.url === '/slow') return;
        req.resume();
        req.on('end', () => { res.statusCode = req.method === 'POST' ? 201 : 200; res.end('hello ' + req.url); });
      });
      server.listen(${port}, '${this.farAddress}', () => console.log('ready'));
    `;
    const child = spawn('ip', ['netns', 'exec', this.namespace, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.servers.push(child);
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (status) => reject(new Error(`server in ${this.namespace} exited (${status})`)));
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        if (d.includes('ready')) resolve();
      });
    });
  }

  request(port: number, method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
    return httpRequest(this.farAddress, port, method, path, body);
  }

  destroy(): void {
    for (const server of this.servers) if (server.exitCode === null) server.kill('SIGKILL');
    this.servers = [];
    tryRun('ip', ['link', 'del', this.hostEnd]);
    if (this.bridge !== undefined) tryRun('ip', ['link', 'del', this.bridge]);
    tryRun('ip', ['netns', 'del', this.namespace]);
  }
}

/**
 * A capture filter for the tests' own subnets: without -i live captures every Docker bridge, and other
 * tests (wrk bursts in test/e2e) may be flooding theirs at the same time.
 */
export const OWN_TRAFFIC = ['net', '10.213.0.0/16'];

const claimedSubnets = new Map<number, number>();

/** The subnet number n of this test file's network `index` (10.213.n.0/30), claimed across parallel test processes. */
export function subnetFor(index: number): number {
  let n = claimedSubnets.get(index);
  if (n === undefined) {
    n = claimSubnetOctet();
    claimedSubnets.set(index, n);
  }
  return n;
}

/** Parsed --jsonl lines; a last line still being written (no newline yet) is left for later. */
export function jsonLines(text: string): Array<Record<string, any>> {
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
}

/** method path status of HAR entries, sorted (for comparing sets of exchanges). */
export function exchangeKeys(entries: ReadonlyArray<Record<string, any>>): string[] {
  return entries.map((e) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response.status}`).sort();
}
