import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs a command as a child process and measures it: wall time with process.hrtime around the
 * whole child, peak RSS with GNU time (`/usr/bin/time -f %M`, the kernel's maxrss of the child).
 * Without GNU time it falls back to polling /proc/<pid>/status VmHWM, which can miss growth in the
 * last poll interval (the result says so).
 */

const GNU_TIME = '/usr/bin/time';
/** Stdout kept for parsing (summaries); longer output is only counted. */
const KEEP_STDOUT = 1024 * 1024;

export interface Measurement {
  wallSeconds: number;
  peakRssMb: number | undefined;
  /** User + system CPU seconds of the child (GNU time only): steadier than wall time on a busy machine. */
  cpuSeconds: number | undefined;
  rssMethod: 'gnu-time' | 'vmhwm-poll';
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Newlines written to stdout. */
  stdoutLines: number;
  /** The first MiB of stdout. */
  stdout: string;
  /** The last few KB of stderr, for failure messages. */
  stderrTail: string;
}

export const hasGnuTime = existsSync(GNU_TIME);

function readVmHwmKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function measure(command: string, args: string[], cwd: string): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-bench-'));
  const rssFile = join(dir, 'rss');
  const [cmd, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdoutLines = 0;
    let stdout = '';
    let stderr = '';
    let polledKb = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) stdoutLines++;
      if (stdout.length < KEEP_STDOUT) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4096);
    });
    const poll = hasGnuTime
      ? undefined
      : setInterval(() => {
          polledKb = Math.max(polledKb, child.pid ? readVmHwmKb(child.pid) ?? 0 : 0);
        }, 10);
    child.on('error', (error) => {
      if (poll) clearInterval(poll);
      rmSync(dir, { recursive: true, force: true });
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (poll) clearInterval(poll);
      let kb: number | undefined = polledKb || undefined;
      let cpuSeconds: number | undefined;
      if (hasGnuTime && existsSync(rssFile)) {
        // GNU time puts "Command exited with non-zero status N" before the figures; take the last line.
        const last = readFileSync(rssFile, 'utf8').trim().split('\n').at(-1) ?? '';
        const m = /^(\d+) ([\d.]+) ([\d.]+)$/.exec(last);
        kb = m ? Number(m[1]) : undefined;
        cpuSeconds = m ? Number(m[2]) + Number(m[3]) : undefined;
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({
        wallSeconds,
        peakRssMb: kb === undefined ? undefined : kb / 1024,
        cpuSeconds,
        rssMethod: hasGnuTime ? 'gnu-time' : 'vmhwm-poll',
        exitCode,
        signal,
        stdoutLines,
        stdout: stdout.slice(0, KEEP_STDOUT),
        stderrTail: stderr,
      });
    });
  });
}

export interface Best {
  /** The fastest successful run (or the failed one). */
  best: Measurement;
  /** Highest peak RSS over all runs. */
  peakRssMb: number | undefined;
  /** Lowest CPU time over all runs. */
  cpuSeconds: number | undefined;
  runs: Measurement[];
}

/** Runs the command up to `n` times and keeps the fastest; stops at the first failure. */
export async function bestOf(n: number, command: string, args: string[], cwd: string): Promise<Best> {
  const runs: Measurement[] = [];
  for (let i = 0; i < n; i++) {
    const m = await measure(command, args, cwd);
    runs.push(m);
    if (m.exitCode !== 0) return { best: m, peakRssMb: m.peakRssMb, cpuSeconds: m.cpuSeconds, runs };
  }
  const best = runs.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));
  const rss = runs.map((r) => r.peakRssMb).filter((x): x is number => x !== undefined);
  const cpu = runs.map((r) => r.cpuSeconds).filter((x): x is number => x !== undefined);
  return { best, peakRssMb: rss.length ? Math.max(...rss) : undefined, cpuSeconds: cpu.length ? Math.min(...cpu) : undefined, runs };
}
