/**
 * Support for the Podman end-to-end test (podman.test.ts): the podman CLI, a `podman system service`
 * of the test's own on a private socket (the host's dockerd and /var/run/docker.sock are left alone),
 * an image made from a root filesystem (no registry is reachable), and containers running the host's
 * node from a read-only /usr.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './containers-harness.js';

export const podmanImage = 'hopscope-podman-test:1';
/** How Podman names an image imported without a registry: the Config.Image its containers report. */
export const podmanImageRef = `localhost/${podmanImage}`;

/** Whether podman is installed and can list its state here (root, storage usable). */
export function podmanWorks(): boolean {
  return spawnSync('podman', ['info', '--format', '{{.Host.NetworkBackend}}'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

/** Runs the podman CLI (local libpod, as a user would beside the service) and returns stdout, trimmed. */
export function podman(args: readonly string[], input?: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('podman', args, { encoding: 'utf8', maxBuffer: 16 << 20, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`podman ${args.slice(0, 4).join(' ')} …: ${stderr.trim() || error.message}`)) : resolve(stdout.trim()),
    );
    child.stdin?.end(input);
  });
}

/**
 * `podman run` options that this machine needs. runc (docker.io brings it): crun, which Podman prefers when
 * installed, refuses hybrid cgroups ("cgroups in hybrid mode not supported"). Modest limits: Podman as root
 * raises a container's RLIMIT_NOFILE and RLIMIT_NPROC above what this sandbox allows, and runc is then
 * refused ("error setting rlimits … operation not permitted").
 */
export const runArgs = ['--runtime', 'runc', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096'];

/** The test image: the folders a process expects, /bin and /lib pointing into /usr (mounted from the host). */
export async function ensurePodmanImage(): Promise<void> {
  if (spawnSync('podman', ['image', 'exists', podmanImage]).status === 0) return;
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-podman-rootfs-'));
  try {
    for (const folder of ['usr', 'etc', 'tmp', 'proc', 'sys', 'dev', 'run', 'root', 'var/tmp']) mkdirSync(join(dir, folder), { recursive: true });
    chmodSync(join(dir, 'tmp'), 0o1777);
    for (const link of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${link}`, join(dir, link));
    writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
    writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
    const tar = spawnSync('tar', ['-C', dir, '--numeric-owner', '--owner=0', '--group=0', '-c', '.'], { maxBuffer: 16 << 20 });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
    await podman(['import', '--change', 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin', '--change', 'WORKDIR /tmp', '-', podmanImage], tar.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A node http server on :8080 answering every request with its path (CommonJS for `node -e`). */
export const serverScript = `require('http').createServer((q, r) => { r.setHeader('content-type', 'text/plain'); r.end('pong ' + q.url + '\\n'); }).listen(8080);`;

/**
 * A client calling $TARGET every 100 ms on a new connection each time (so a capture started late sees
 * whole exchanges); bounded: it stops by itself after 600 requests.
 */
export const clientScript = `const http = require('http'); let n = 0;
const next = () => setTimeout(go, 100);
const go = () => { if (n++ >= 600) return; http.get(process.env.TARGET + '/call-' + n, { agent: false }, (r) => { r.resume(); r.on('end', next); }).on('error', next); };
go();`;

/** `podman system service` on a socket of its own, started and stopped by one test. */
export class PodmanService {
  readonly socket: string;
  private child: ChildProcess | undefined = undefined;
  private readonly log: string;

  constructor() {
    this.socket = join(tmpdir(), `hopscope-podman-${process.pid}.sock`);
    this.log = join(tmpdir(), `hopscope-podman-${process.pid}.log`);
  }

  /** The DOCKER_HOST value for it. */
  get host(): string {
    return `unix://${this.socket}`;
  }

  async start(): Promise<void> {
    rmSync(this.socket, { force: true });
    const log = openSync(this.log, 'w');
    // --time=0: never exit for being idle (the test's events stream may be quiet for a while).
    this.child = spawn('podman', ['system', 'service', '--time=0', this.host], { stdio: ['ignore', log, log] });
    closeSync(log);
    let answered = false;
    const probe = () => {
      const req = request({ socketPath: this.socket, path: '/_ping', timeout: 2000 }, (res) => {
        res.resume();
        if (res.statusCode === 200) answered = true;
      });
      req.on('error', () => undefined).on('timeout', () => req.destroy());
      req.end();
    };
    await waitFor('podman system service to answer', () => {
      if (this.child?.exitCode !== null) throw new Error(`podman system service exited: ${this.logText()}`);
      if (!answered) probe();
      return answered || undefined;
    }, 30_000, () => this.logText());
  }

  logText(): string {
    try {
      return readFileSync(this.log, 'utf8').slice(-2000);
    } catch {
      return '';
    }
  }

  /** Stops the service (its containers run on under conmon: remove them first) and removes socket and log. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(this.socket, { force: true });
    rmSync(this.log, { force: true });
  }
}
