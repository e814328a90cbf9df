import { spawn } from 'node:child_process';

export interface TcpdumpOptions {
  interface: string;
  /** '/dev/null' to count only. */
  file: string;
  /** Default 262144 (GRO/TSO packets on bridges are far above the MTU). */
  snaplen?: number;
  /** Default true: nanosecond timestamps in the file (pcap magic a1b23c4d). */
  nano?: boolean;
  /** Kernel buffer in KiB (tcpdump -B); default tcpdump's own (2 MiB). */
  bufferKib?: number;
  /** A BPF filter. */
  filter?: string;
}

export interface TcpdumpResult {
  captured: number;
  received: number;
  /** "N packets dropped by kernel". */
  kernelDrops: number;
  stderr: string;
}

export interface Tcpdump {
  readonly pid: number;
  stop(): Promise<TcpdumpResult>;
  /** For finally blocks: SIGKILL if still running. */
  kill(): void;
}

const count = (stderr: string, what: string) => Number(new RegExp(`(\\d+) packets? ${what}`).exec(stderr)?.[1] ?? NaN);

/** The arguments of a tcpdump that writes the interface's packets, untouched, to a file. */
export function tcpdumpArgs(options: TcpdumpOptions): string[] {
  const args = ['-i', options.interface, '-w', options.file, '-s', String(options.snaplen ?? 262144), '-n', '-U'];
  if (options.nano !== false) args.push('--time-stamp-precision=nano');
  if (options.bufferKib !== undefined) args.push('-B', String(options.bufferKib));
  if (options.filter) args.push(options.filter);
  return args;
}

/** Starts tcpdump and resolves once it is listening (it has printed "listening on"). */
export function startTcpdump(options: TcpdumpOptions, startTimeoutMs = 10_000): Promise<Tcpdump> {
  return new Promise((resolve, reject) => {
    const child = spawn('tcpdump', tcpdumpArgs(options), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let started = false;
    const running = () => child.exitCode === null && child.signalCode === null;
    const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tcpdump did not start within ${startTimeoutMs} ms: ${stderr.trim()}`));
    }, startTimeoutMs);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
      if (!started && /listening on/.test(stderr)) {
        started = true;
        clearTimeout(timer);
        resolve({ pid: child.pid ?? -1, stop, kill: () => running() && child.kill('SIGKILL') });
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump: ${error.message}`));
    });
    void exit.then((code) => {
      if (started) return;
      clearTimeout(timer);
      reject(new Error(`tcpdump exited with ${code}: ${stderr.trim()}`));
    });

    async function stop(): Promise<TcpdumpResult> {
      if (running()) child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exit;
      clearTimeout(killer);
      await new Promise((done) => (child.stderr.readableEnded ? done(undefined) : child.stderr.once('close', done)));
      if (code !== 0) throw new Error(`tcpdump exited with ${code}: ${stderr.trim()}`);
      return {
        captured: count(stderr, 'captured'),
        received: count(stderr, 'received by filter'),
        kernelDrops: count(stderr, 'dropped by kernel'),
        stderr,
      };
    }
  });
}
