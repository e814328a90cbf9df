import { spawn, type ChildProcess } from 'node:child_process';
import { TestbedError } from './errors.js';

export interface CaptureOptions {
  /** Interfaces to capture on together (one pcapng, one interface block each): e.g. br-1a2b3c4d5e6f, docker0. */
  interfaces: string[];
  file: string;
  /** Default 262144: GRO/TSO hands the bridges packets far larger than the MTU. */
  snaplen?: number;
  /** How long to wait for dumpcap to start capturing; default 10 s. */
  startTimeoutMs?: number;
}

export interface CaptureResult {
  packets: number;
  /** Packets the kernel or dumpcap dropped, summed over interfaces. */
  dropped: number;
}

export interface Capture {
  /** Stops capturing (SIGINT, so the file is completed) and reports dumpcap's counts. */
  stop(): Promise<CaptureResult>;
}

/**
 * dumpcap's arguments. dumpcap (Wireshark's capture engine, installed with tshark) writes a
 * multi-interface pcapng with nanosecond timestamps, as `hopscope live -w` does.
 */
export function captureCommand(options: CaptureOptions): string[] {
  const args = ['-s', String(options.snaplen ?? 262144)];
  for (const name of options.interfaces) args.push('-i', name);
  return [...args, '-w', options.file];
}

function parseCounts(stderr: string): CaptureResult {
  const packets = Number(/Packets captured: (\d+)/.exec(stderr)?.[1] ?? 0);
  let dropped = 0;
  for (const match of stderr.matchAll(/received\/dropped on interface '[^']*': \d+\/(\d+)/g)) dropped += Number(match[1]);
  return { packets, dropped };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** Starts dumpcap and resolves once it is capturing (it has printed the file it writes). */
export function startCapture(options: CaptureOptions): Promise<Capture> {
  return new Promise((resolve, reject) => {
    const child = spawn('dumpcap', captureCommand(options), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let started = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new TestbedError('capture-failed', `dumpcap did not start within ${options.startTimeoutMs ?? 10_000} ms: ${stderr.trim()}`));
    }, options.startTimeoutMs ?? 10_000);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      stderr += text;
      if (!started && /^File: /m.test(stderr)) {
        started = true;
        clearTimeout(timer);
        resolve({ stop });
      }
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new TestbedError(
          'capture-failed',
          error.code === 'ENOENT' ? 'dumpcap is not installed (apt-get install -y tshark)' : `dumpcap: ${error.message}`,
        ),
      );
    });
    child.once('exit', (code) => {
      if (started) return;
      clearTimeout(timer);
      reject(new TestbedError('capture-failed', `dumpcap exited with ${code}: ${stderr.trim()}`));
    });

    async function stop(): Promise<CaptureResult> {
      const done = exited(child);
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await done;
      clearTimeout(killer);
      if (code !== 0) throw new TestbedError('capture-failed', `dumpcap exited with ${code}: ${stderr.trim()}`);
      return parseCounts(stderr);
    }
  });
}
