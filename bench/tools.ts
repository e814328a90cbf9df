import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureInfo } from './generate-capture.js';
import { bestOf, measure, type Best } from './measure.js';
import { countFromJson, countFromText } from './summary-count.js';

/** The things measured on each capture, each as its own child process. */

export type ToolName = 'hopscope' | 'pcap-parser loop' | 'tshark' | 'hopscope --har';

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
  /** Bytes written (the HAR export). */
  outputBytes?: number;
  /** The tool's own count: packets (loop), http.response lines (tshark), total requests (hopscope), HAR entries. */
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

/** A field every HAR entry has once and nothing else has (pages have startedDateTime too). */
const ENTRY_MARK = Buffer.from('"_termination":');

/** Counts ENTRY_MARK in a file, reading it in blocks (the big export is gigabytes). Not timed. */
function countEntries(file: string): number {
  const fd = openSync(file, 'r');
  const block = Buffer.alloc(4 * 1024 * 1024 + ENTRY_MARK.length);
  let carry = 0;
  let count = 0;
  try {
    for (;;) {
      const n = readSync(fd, block, carry, block.length - carry, null);
      if (n === 0) break;
      const end = carry + n;
      let i = block.indexOf(ENTRY_MARK, 0);
      while (i >= 0 && i + ENTRY_MARK.length <= end) {
        count++;
        i = block.indexOf(ENTRY_MARK, i + ENTRY_MARK.length);
      }
      // Keep the last few bytes: a mark may straddle two blocks.
      carry = Math.min(ENTRY_MARK.length - 1, end);
      block.copy(block, 0, end - carry, end);
    }
  } finally {
    closeSync(fd);
  }
  return count;
}

/**
 * `read FILE --har OUT`: the HAR export streamed to a file in the temp folder (deleted afterwards),
 * once per capture (it writes gigabytes for the big one). Peak RSS is what matters: it must not
 * grow with the number of exchanges exported.
 */
export async function runHarExport(repo: string, capture: CaptureInfo): Promise<ToolResult> {
  const cli = process.env.BENCH_CLI ?? join(repo, 'dist', 'cli.js');
  if (!existsSync(cli)) return { tool: 'hopscope --har', status: 'not built', note: `${cli} is missing (npm run build)`, runs: 0 };
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-bench-har-'));
  const out = join(dir, 'export.har');
  try {
    const r = await bestOf(1, process.execPath, [cli, 'read', capture.path, '--har', out, '--quiet'], repo);
    if (r.best.exitCode !== 0) return failed('hopscope --har', r.runs.length, r.best.exitCode, r.best.signal, r.best.stderrTail);
    const outputBytes = existsSync(out) ? statSync(out).size : 0;
    const count = outputBytes > 0 ? countEntries(out) : 0;
    return { ...finish('hopscope --har', capture, r), outputBytes, count, countHow: 'HAR entries', note: `${(outputBytes / 1e6).toFixed(0)} MB HAR written to ${tmpdir()} (deleted)` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
