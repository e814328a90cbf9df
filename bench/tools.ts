import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CaptureInfo } from './generate-capture.js';
import { bestOf, measure, type Best } from './measure.js';
import { countFromJson, countFromText } from './summary-count.js';

/** The three things measured on each capture, each as its own child process. */

export type ToolName = 'hopscope' | 'pcap-parser loop' | 'tshark';

export interface ToolResult {
  tool: ToolName;
  status: 'ok' | 'not built' | 'not installed' | 'failed' | 'skipped';
  /** Why it did not run or failed, or what it was compared on. */
  note?: string;
  /** Best wall time over `runs`. */
  seconds?: number;
  packetsPerSecond?: number;
  exchangesPerSecond?: number;
  /** Lowest user+system CPU seconds over the runs. */
  cpuSeconds?: number;
  /** Highest peak RSS over the runs. */
  peakRssMb?: number;
  runs: number;
  /** The tool's own count: packets (loop), http.response lines (tshark), total requests (hopscope). */
  count?: number;
  countHow?: string;
}

function finish(tool: ToolName, capture: CaptureInfo, r: Best): ToolResult {
  const seconds = r.best.wallSeconds;
  return {
    tool,
    status: 'ok',
    seconds,
    cpuSeconds: r.cpuSeconds,
    packetsPerSecond: capture.packets / seconds,
    exchangesPerSecond: capture.exchanges / seconds,
    peakRssMb: r.peakRssMb,
    runs: r.runs.length,
  };
}

function failed(tool: ToolName, runs: number, exitCode: number | null, signal: string | null, stderr: string): ToolResult {
  const why = signal ? `killed by ${signal}` : `exit ${exitCode}`;
  const tail = stderr.trim().split('\n').slice(-3).join(' | ');
  return { tool, status: 'failed', note: `${why}${tail ? `: ${tail}` : ''}`, runs };
}

export async function runBareLoop(repo: string, capture: CaptureInfo, n: number): Promise<ToolResult> {
  const script = join(repo, 'bench', 'bare-loop.mjs');
  const r = await bestOf(n, process.execPath, ['--no-deprecation', script, capture.path], repo);
  if (r.best.exitCode !== 0) return failed('pcap-parser loop', r.runs.length, r.best.exitCode, r.best.signal, r.best.stderrTail);
  const out = JSON.parse(r.best.stdout) as { packets: number; bytes: number };
  return { ...finish('pcap-parser loop', capture, r), count: out.packets, countHow: 'packets read' };
}

/** BENCH_CLI points at another build of the CLI (to compare builds); the default is the repo's dist/. */
export async function runHopscope(repo: string, capture: CaptureInfo, n: number): Promise<ToolResult> {
  const cli = process.env.BENCH_CLI ?? join(repo, 'dist', 'cli.js');
  if (!existsSync(cli)) return { tool: 'hopscope', status: 'not built', note: `${cli} is missing (npm run build)`, runs: 0 };
  const args = [cli, 'read', capture.path, '--summary', '--quiet'];
  const r = await bestOf(n, process.execPath, args, repo);
  if (r.best.exitCode !== 0) return failed('hopscope', r.runs.length, r.best.exitCode, r.best.signal, r.best.stderrTail);
  const result = finish('hopscope', capture, r);
  let found = countFromText(r.best.stdout);
  if (!found) {
    // The text summary has no recognisable total: ask for the JSON summary once (not timed).
    const j = await measure(process.execPath, [...args, '--json'], repo);
    if (j.exitCode === 0) found = countFromJson(j.stdout);
  }
  return found ? { ...result, count: found.count, countHow: found.how } : { ...result, countHow: 'no total request count found in the summary' };
}

export const tsharkInstalled = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

export async function runTshark(repo: string, capture: CaptureInfo, skipReason: string | undefined): Promise<ToolResult> {
  if (!tsharkInstalled) return { tool: 'tshark', status: 'not installed', note: 'tshark not found on PATH', runs: 0 };
  if (skipReason) return { tool: 'tshark', status: 'skipped', note: skipReason, runs: 0 };
  const r = await bestOf(1, 'tshark', ['-r', capture.path, '-Y', 'http.response', '-T', 'fields', '-e', 'http.time'], repo);
  if (r.best.exitCode !== 0) return failed('tshark', 1, r.best.exitCode, r.best.signal, r.best.stderrTail);
  return { ...finish('tshark', capture, r), count: r.best.stdoutLines, countHow: 'http.response lines' };
}
