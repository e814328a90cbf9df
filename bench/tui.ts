import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureInfo } from './generate-capture.js';

/**
 * The terminal UI row of `npm run bench` (issue 5): the big capture read into the UI inside a real
 * terminal (a detached 160×45 tmux pane) as fast as it takes it, against the same ingest with no UI.
 *
 *  - with UI: `HOPSCOPE_TUI_STATS=FILE hopscope read CAPTURE --tui`; the program writes its figures
 *    (src/cli/tui-stats.ts) when the file has been read; then `q` is sent.
 *  - no UI: bench/tui-ingest.ts, the same feed (pipeline with bodies, TraceBuilder, bounded store) in a
 *    process that renders nothing.
 *
 * Reported: exchanges/s ingested, mean and max frame time (Ink's own measure), RSS after 200k exchanges
 * and at the end, and the UI's figures as ratios of the no-UI ones. Wall-clock figures: information,
 * not targets.
 */
export interface TuiFigures {
  exchanges: number;
  ingestSeconds: number;
  exchangesPerSecond: number;
  frames?: number;
  meanFrameMs?: number;
  maxFrameMs?: number;
  rssAfter200k: number | null;
  rssAtEnd: number;
  kept: number;
  evicted: number;
}

export interface TuiBenchResult {
  status: 'ok' | 'skipped' | 'failed';
  note?: string;
  capture?: string;
  withUi?: TuiFigures;
  noUi?: TuiFigures;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const TIMEOUT_MS = 600_000;

export async function runTuiBench(repo: string, capture: CaptureInfo, log: (line: string) => void): Promise<TuiBenchResult> {
  if (spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status !== 0) return { status: 'skipped', note: 'tmux is not installed' };
  const cli = join(repo, 'dist', 'cli.js');
  log(`tui: ingest without UI (${capture.exchanges.toLocaleString('en-US')} exchanges)…`);
  const bare = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'bench', 'tui-ingest.ts'), capture.path], { cwd: repo, encoding: 'utf8', timeout: TIMEOUT_MS });
  if (bare.status !== 0) return { status: 'failed', note: `tui-ingest: exit ${bare.status}: ${bare.stderr.trim().split('\n').slice(-2).join(' | ')}` };
  const noUi = JSON.parse(bare.stdout) as TuiFigures;

  log('tui: the same into the UI in tmux…');
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-bench-tui-'));
  const statsPath = join(dir, 'stats.json');
  const socket = `hopscope-bench-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const command = `HOPSCOPE_TUI_STATS=${statsPath} ${process.execPath} ${cli} read ${capture.path} --tui; echo exit-$? > ${join(dir, 'exit')}`;
  try {
    const started = tmux('new-session', '-d', '-s', 'bench', '-x', '160', '-y', '45', '-c', dir, command);
    if (started.status !== 0) return { status: 'failed', note: `tmux: ${started.stderr.trim()}` };
    const deadline = Date.now() + TIMEOUT_MS;
    while (!existsSync(statsPath) && Date.now() < deadline) await sleep(200);
    if (!existsSync(statsPath)) return { status: 'failed', note: 'the UI did not finish reading in time' };
    await sleep(300); // a few frames of the finished state, as a user would see it
    tmux('send-keys', '-t', 'bench', 'q');
    while (!existsSync(join(dir, 'exit')) && Date.now() < deadline) await sleep(100);
    const exit = existsSync(join(dir, 'exit')) ? readFileSync(join(dir, 'exit'), 'utf8').trim() : 'no exit';
    // Rewritten at quit: the frame figures now include the whole session.
    const withUi = JSON.parse(readFileSync(statsPath, 'utf8')) as TuiFigures;
    if (exit !== 'exit-0') return { status: 'failed', note: `the UI ended with ${exit}`, withUi, noUi };
    return { status: 'ok', capture: capture.path, withUi, noUi };
  } finally {
    tmux('kill-server');
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? '–' : `${Math.round(bytes / 2 ** 20)} MB`);
const num = (x: number | undefined, digits = 0) => (x === undefined ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : '–');

export function formatTuiBench(result: TuiBenchResult): string {
  if (result.status !== 'ok' || !result.withUi || !result.noUi) return `terminal UI: ${result.status}${result.note ? ` (${result.note})` : ''}`;
  const u = result.withUi;
  const n = result.noUi;
  return [
    `terminal UI: read --tui of the big capture in a 160×45 tmux pane vs the same ingest with no UI (store: ${num(u.kept)} kept, ${num(u.evicted)} evicted)`,
    '',
    '| | exchanges/s | seconds | frames | mean frame | max frame | RSS after 200k | RSS at end |',
    '|---|---|---|---|---|---|---|---|',
    `| with UI | ${num(u.exchangesPerSecond)} | ${num(u.ingestSeconds, 1)} | ${num(u.frames)} | ${num(u.meanFrameMs, 2)} ms | ${num(u.maxFrameMs, 1)} ms | ${mb(u.rssAfter200k)} | ${mb(u.rssAtEnd)} |`,
    `| no UI | ${num(n.exchangesPerSecond)} | ${num(n.ingestSeconds, 1)} | – | – | – | ${mb(n.rssAfter200k)} | ${mb(n.rssAtEnd)} |`,
    `| UI / no UI | ${ratio(u.exchangesPerSecond, n.exchangesPerSecond)} | ${ratio(u.ingestSeconds, n.ingestSeconds)} | | | | ${ratio(u.rssAfter200k, n.rssAfter200k)} | ${ratio(u.rssAtEnd, n.rssAtEnd)} |`,
  ].join('\n');
}
