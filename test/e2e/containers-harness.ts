/**
 * Support for the container-naming end-to-end tests (containers-*.test.ts): the built CLI run with an
 * environment of its own (DOCKER_HOST), the names in its JSON lines, containers with a fixed address,
 * and a private dockerd that a test may kill and restart without disturbing the host's daemon.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/paths.js';
import { cliPath } from './support/live-process.js';
import { waitForCapture } from './support/packet-sockets.js';
import { docker, hostToolMounts, labelArgs, nodeBinary, servicesMountPoint, type ClientLoopConfig, type NetworkHandle, type Testbed } from './testbed/index.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000, detail: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${detail() ? `: ${detail()}` : ''}`);
    await sleep(50);
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `node dist/cli.js …` with its own environment; output gathered as it comes. */
export class CliChild {
  stdout = '';
  stderr = '';
  private readonly child: ChildProcess;
  private readonly closed: Promise<CliResult>;

  constructor(
    readonly args: string[],
    env: NodeJS.ProcessEnv = {},
  ) {
    this.child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.closed = new Promise((resolve) => {
      this.child.once('error', () => resolve({ code: null, stdout: this.stdout, stderr: this.stderr }));
      this.child.once('close', (code) => resolve({ code, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (!this.running) throw new Error(`hopscope ${this.args.join(' ')} exited while waiting for ${what}:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr:\n${this.stderr}`);
      await sleep(50);
    }
  }

  waitForStderr(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    return this.waitFor(`stderr to match ${pattern}`, () => pattern.test(this.stderr), timeoutMs);
  }

  /** Until hopscope says it captures and the kernel has its packet socket on every interface. */
  async capturing(interfaces: string[], timeoutMs = 20_000): Promise<void> {
    await this.waitForStderr(/^hopscope: capturing on /m, timeoutMs);
    await waitForCapture(this.pid, interfaces, timeoutMs);
  }

  /** JSON lines complete so far. */
  entries(): Entry[] {
    return jsonEntries(this.stdout);
  }

  /** SIGINT (a clean stop), SIGKILL after timeoutMs; resolves once the pipes are closed. */
  async stop(timeoutMs = 30_000): Promise<CliResult> {
    if (this.running) this.child.kill('SIGINT');
    const killer = setTimeout(() => this.kill(), timeoutMs);
    const result = await this.closed;
    clearTimeout(killer);
    return result;
  }

  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

/** Runs the CLI to completion (read) with its own environment. */
export function runCliSync(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [cliPath, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 << 20, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** One --jsonl line, with the fields these tests read. */
export interface Entry {
  startedDateTime: string;
  serverIPAddress: string;
  _clientIPAddress: string;
  request: { method: string; url: string; headers: Array<{ name: string; value: string }> };
  response: { status: number };
  _clientContainer?: { kind: string; name: string; id?: string; network?: string; image?: string };
  _serverContainer?: { kind: string; name: string; id?: string; network?: string; image?: string };
}

export function jsonEntries(text: string): Entry[] {
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Entry);
}

export function header(entry: Entry, name: string): string | undefined {
  return entry.request.headers.find((h) => h.name.toLowerCase() === name)?.value;
}

/** "client → server path" as the names say (addresses where unnamed): what live and read must agree on. */
export function namedKey(entry: Entry): string {
  const path = new URL(entry.request.url).pathname;
  return `${entry.startedDateTime} ${entry._clientContainer?.name ?? entry._clientIPAddress} → ${entry._serverContainer?.name ?? entry.serverIPAddress} ${entry.request.method} ${path} ${header(entry, 'x-request-id') ?? ''}`;
}

/**
 * tshark's view of a capture with its name-resolution records: ip.src → the ip.src_host values shown for
 * HTTP requests. One pass applies records as they come in the file; two passes (-2) apply them all first.
 */
export function tsharkSourceNames(file: string, twoPass = true): Map<string, Set<string>> {
  const result = spawnSync(
    'tshark',
    ['-r', file, ...(twoPass ? ['-2'] : []), '-N', 'n', '-o', 'nameres.use_external_name_resolver:FALSE', '-Y', 'http.request', '-T', 'fields', '-e', 'ip.src', '-e', 'ip.src_host'],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  if (result.status !== 0) throw new Error(`tshark failed: ${result.stderr}`);
  const names = new Map<string, Set<string>>();
  for (const line of result.stdout.split('\n')) {
    const [ip, host] = line.split('\t');
    if (!ip || !host) continue;
    if (!names.has(ip)) names.set(ip, new Set());
    names.get(ip)!.add(host);
  }
  return names;
}

/** A user network with a /24 of 172.31.0.0/16 chosen here (so a test can pick addresses with --ip). */
export async function createNetworkWithSubnet(testbed: Testbed, suffix: string): Promise<NetworkHandle> {
  for (let attempt = 0; ; attempt++) {
    const third = 100 + Math.floor(Math.random() * 150);
    try {
      return await testbed.createNetwork(suffix, `172.31.${third}.0/24`);
    } catch (error) {
      if (attempt > 10) throw error;
    }
  }
}

/** The testbed's client loop in a container with a fixed address (the testbed has no --ip). Returns its name. */
export async function runClientWithIp(testbed: Testbed, suffix: string, network: string, ip: string, config: ClientLoopConfig): Promise<string> {
  const mounts = hostToolMounts().flatMap((m) => ['--volume', `${m.host}:${m.container}:ro`]);
  const name = testbed.nameOf(suffix);
  const env = ['--env', `CLIENT_CONFIG=${JSON.stringify({ name: suffix, ...config })}`];
  await docker(['run', '-d', '--name', name, '--network', network, '--ip', ip, ...labelArgs(testbed.runId), ...env, ...mounts, testbed.image, nodeBinary(), `${servicesMountPoint}/client-loop.mjs`]);
  return name;
}

/**
 * A second dockerd owned by one test: its own socket, data root, exec root (and so its own containerd)
 * and pid file, no iptables changes, and as its default bridge one the test creates (never
 * --bridge=none: with that dockerd deletes the host's docker0). With live-restore its containers keep
 * running while it is down, as they would on a host whose dockerd is restarted.
 */
export class PrivateDockerd {
  readonly socket: string;
  /** Linux interface names are at most 15 characters. */
  readonly bridge = `hsn${process.pid % 100_000}`;
  subnet = '';
  private pid = 0;
  private bridgeMade = false;
  private forwardRule: string[] | undefined = undefined;

  constructor(readonly dir: string) {
    this.socket = join(dir, 'docker.sock');
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  /**
   * The default bridge, on a /24 of 10.214.0.0/16 no route here covers. The host dockerd's FORWARD
   * policy drops bridged packets (br_netfilter) except on its own bridges: this one gets an ACCEPT
   * rule of its own, removed again by removeBridge().
   */
  makeBridge(): void {
    if (this.bridgeMade) return;
    const routes = spawnSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' }).stdout;
    let third = process.pid % 250;
    while (routes.includes(`10.214.${third}.`)) third = (third + 1) % 250;
    const run = (command: string, args: string[]) => {
      const result = spawnSync(command, args, { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
    };
    run('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
    this.bridgeMade = true;
    this.subnet = `10.214.${third}.0/24`;
    run('ip', ['addr', 'add', `10.214.${third}.1/24`, 'dev', this.bridge]);
    run('ip', ['link', 'set', this.bridge, 'up']);
    const rule = ['FORWARD', '-i', this.bridge, '-o', this.bridge, '-m', 'comment', '--comment', `hopscope-test-${process.pid}`, '-j', 'ACCEPT'];
    if (spawnSync('iptables', ['-I', ...rule], { stdio: 'ignore' }).status === 0) this.forwardRule = rule;
  }

  removeBridge(): void {
    if (this.forwardRule !== undefined) spawnSync('iptables', ['-D', ...this.forwardRule], { stdio: 'ignore' });
    this.forwardRule = undefined;
    if (this.bridgeMade) spawnSync('ip', ['link', 'del', this.bridge]);
    this.bridgeMade = false;
  }

  private args(): string[] {
    return [
      '--config-file', join(this.dir, 'daemon.json'),
      '--host', this.host,
      '--data-root', join(this.dir, 'data'),
      '--exec-root', join(this.dir, 'exec'),
      '--pidfile', join(this.dir, 'docker.pid'),
      '--bridge', this.bridge, '--iptables=false', '--ip6tables=false', '--ip-forward=false', '--ip-masq=false',
    ];
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    this.makeBridge();
    // A killed daemon's containerd dies with it (parent-death signal) but may stay a zombie where pid 1
    // does not reap; its pid file would make the next daemon wait for it forever. An init that reaps
    // (systemd) leaves no such file behind: do what it would.
    for (const file of [join(this.dir, 'docker.pid'), join(this.dir, 'exec', 'containerd', 'containerd.pid')]) {
      if (!existsSync(file)) continue;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (!(pid > 0) || !pidAlive(pid)) unlinkSync(file);
    }
    writeFileSync(join(this.dir, 'daemon.json'), JSON.stringify({ 'live-restore': true }));
    const log = openSync(join(this.dir, 'dockerd.log'), 'a');
    const child = spawn('dockerd', this.args(), { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref();
    this.pid = child.pid ?? 0;
    await waitFor('the private dockerd', () => this.answers() || undefined, 60_000, () => readFileSync(join(this.dir, 'dockerd.log'), 'utf8').slice(-800));
  }

  answers(): boolean {
    return spawnSync('docker', ['-H', this.host, 'version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  }

  cli(args: string[], input?: Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile('docker', ['-H', this.host, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`docker ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout.trim()),
      );
      child.stdin?.end(input);
    });
  }

  /** Kills the daemon with `signal` and waits until it is gone (containers stay up: live-restore). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.pid === 0) return;
    const pid = this.pid;
    this.pid = 0;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    await waitFor('the private dockerd to exit', () => !pidAlive(pid) || undefined, 60_000);
  }

  /**
   * After the daemon is gone: its containerd (if it outlived the daemon), the bridge and its rule, the
   * mounts dockerd made under its data root, and the folder.
   */
  cleanup(): void {
    for (const pid of this.containerdPids()) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone already
      }
    }
    this.removeBridge();
    spawnSync('umount', ['-R', join(this.dir, 'data')], { stdio: 'ignore' });
    spawnSync('umount', ['-R', join(this.dir, 'exec')], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The containerd this daemon started (under its exec root), if it outlived the daemon. */
  containerdPids(): number[] {
    const out = spawnSync('pgrep', ['-f', join(this.dir, 'exec', 'containerd')], { encoding: 'utf8' }).stdout;
    return out.split('\n').filter(Boolean).map(Number).filter((pid) => pid !== process.pid && pidAlive(pid));
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped by its parent) is gone for our purposes.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
