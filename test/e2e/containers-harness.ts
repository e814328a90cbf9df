/**
 * Support for the container-naming end-to-end tests (containers-*.test.ts): the built CLI run with an
 * environment of its own (DOCKER_HOST), the names in its JSON lines, containers with a fixed address,
 * and a private dockerd that a test may kill and restart without disturbing the host's daemon.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { repoRoot } from '../support/paths.js';
import { cliPath } from './support/live-process.js';
import { waitForCapture } from './support/packet-sockets.js';
export { PrivateDockerd } from './testbed/private-dockerd.js';
import { docker, hostToolMounts, labelArgs, nodeBinary, servicesMountPoint, type ClientLoopConfig, type NetworkHandle, type Testbed } from './testbed/index.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export { waitFor } from './testbed/wait.js';

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

