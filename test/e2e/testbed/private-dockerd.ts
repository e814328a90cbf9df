import { execFile, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { claimSubnetOctet } from '../../support/subnet-claims.js';
import { pidAlive } from './pid-alive.js';
import { waitFor } from './wait.js';

/**
 * A second dockerd owned by one test: its own socket, data root, exec root (and so its own containerd)
 * and pid file, no iptables changes, and as its default bridge one the test creates (never
 * --bridge=none: with that dockerd deletes the host's docker0). With live-restore (the default) its
 * containers keep running while it is down, as they would on a host whose dockerd is restarted;
 * without it, stopping the daemon stops them.
 */
export class PrivateDockerd {
  readonly socket: string;
  /** Linux interface names are at most 15 characters. */
  readonly bridge = `hsd${process.pid % 100_000}`;
  subnet = '';
  private pid = 0;
  private bridgeMade = false;
  private forwardRule: string[] | undefined = undefined;

  constructor(
    readonly dir: string,
    private readonly options: { liveRestore?: boolean } = {},
  ) {
    this.socket = join(dir, 'docker.sock');
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  /**
   * The default bridge, on a /24 of 10.213.0.0/16 claimed for this process (no other test uses it).
   * The host dockerd's FORWARD policy drops bridged packets (br_netfilter) except on its own bridges:
   * this one gets an ACCEPT rule of its own, removed again by removeBridge().
   */
  makeBridge(): void {
    if (this.bridgeMade) return;
    const third = claimSubnetOctet();
    const run = (command: string, args: string[]) => {
      const result = spawnSync(command, args, { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
    };
    run('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
    this.bridgeMade = true;
    this.subnet = `10.213.${third}.0/24`;
    run('ip', ['addr', 'add', `10.213.${third}.1/24`, 'dev', this.bridge]);
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
    writeFileSync(join(this.dir, 'daemon.json'), JSON.stringify({ 'live-restore': this.options.liveRestore ?? true }));
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

  /** Kills the daemon with `signal` and waits until it is gone (with live-restore its containers stay up). */
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
