import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { repoRoot } from '../../support/paths.js';
import type { DeviceStats } from '../../../src/source/live/index.js';

export interface ProbeResult {
  frames: number;
  stats: DeviceStats[];
}

export interface Probe {
  readonly pid: number;
  signal(signal: NodeJS.Signals): void;
  /** SIGINT, then the probe's counters. */
  stop(): Promise<ProbeResult>;
  kill(): void;
}

/** Starts capture-probe.ts on one device with this kernel buffer; resolves once it captures. */
export function startProbe(device: string, bufferBytes: number, timeoutMs = 15_000): Promise<Probe> {
  const script = resolve(repoRoot, 'test', 'e2e', 'support', 'capture-probe.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, device, String(bufferBytes)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (err += text));
  const running = () => child.exitCode === null && child.signalCode === null;
  const closed = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return new Promise((ready, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`capture probe did not start in ${timeoutMs} ms: ${err.trim()}`));
    }, timeoutMs);
    let started = false;
    child.stdout.on('data', (text: string) => {
      out += text;
      if (!started && out.startsWith('ready\n')) {
        started = true;
        clearTimeout(timer);
        ready(probe);
      }
    });
    void closed.then((code) => {
      clearTimeout(timer);
      if (!out.startsWith('ready')) reject(new Error(`capture probe exited with ${code}: ${err.trim()}`));
    });
    const probe: Probe = {
      pid: child.pid ?? -1,
      signal: (signal) => running() && child.kill(signal),
      async stop() {
        if (running()) child.kill('SIGINT');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        const code = await closed;
        clearTimeout(killer);
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (code !== 0 || !line) throw new Error(`capture probe exited with ${code}: ${err.trim()}`);
        return JSON.parse(line) as ProbeResult;
      },
      kill: () => running() && child.kill('SIGKILL'),
    };
  });
}
