import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCapture, type CaptureSize } from './generate-capture.js';
import { formatLiveBench, type LiveBenchResult } from './live/report.js';
import { runLiveBench } from './live/run.js';
import { hasGnuTime } from './measure.js';
import { countChecks, formatCapture, formatChecks, memoryChecks, speedChecks, type CaptureResult } from './report.js';
import { runBareLoop, runHarExport, runHopscope, runTshark, tsharkInstalled, type ToolResult } from './tools.js';
import { formatTraceAccuracyBench, runTraceAccuracyBench, type TraceAccuracyBench } from './trace-accuracy.js';
import { formatTuiBench, runTuiBench, type TuiBenchResult } from './tui.js';

/**
 * `npm run bench`: hopscope against tshark and a bare pcap-parser loop on two generated captures,
 * all in the same run on the same files, plus hopscope's HAR export of each capture. The speed
 * targets are judged on the big capture; the small one's ratios are information (it is there to
 * show that memory does not grow with the capture).
 *
 * Environment:
 *   BENCH_TSHARK_BIG=0   skip tshark on the big capture (it takes minutes there; the tshark target is then n/a)
 *   BENCH_HAR=0          skip the HAR exports
 *   BENCH_RUNS=N         runs per fast tool, best kept (default 3)
 *   BENCH_SIZES=small    only some captures (comma-separated: small,big)
 *   BENCH_CLI=path       the hopscope CLI to run (default dist/cli.js)
 *   BENCH_LIVE=1         also the live row (bench/live: wrk → nginx in containers; root and docker);
 *                        BENCH_LIVE=only runs just that row
 *   BENCH_TUI=0          skip the terminal UI row (bench/tui.ts: read --tui of the big capture in tmux vs
 *                        the same ingest with no UI; runs when the big capture is among BENCH_SIZES)
 *   BENCH_TRACES=0       skip request-tree accuracy (bench/trace-accuracy.ts: the testbed's trace scenario
 *                        under Docker; without root/Docker it prints why it was skipped)
 *
 * Exit status 1 when a target or count check fails or hopscope did not run; checks that could not be
 * made for other reasons (tshark skipped or not installed) do not fail the run.
 */

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3);
const tsharkBig = process.env.BENCH_TSHARK_BIG !== '0';
const har = process.env.BENCH_HAR !== '0';
const liveRow = process.env.BENCH_LIVE === '1' || process.env.BENCH_LIVE === 'only';
const traceRow = process.env.BENCH_TRACES !== '0' && process.env.BENCH_LIVE !== 'only';
const tuiRow = process.env.BENCH_TUI !== '0';
const sizes = process.env.BENCH_LIVE === 'only' ? [] : ((process.env.BENCH_SIZES ?? 'small,big').split(',').map((s) => s.trim()) as CaptureSize[]);

function tsharkVersion(): string | undefined {
  if (!tsharkInstalled) return undefined;
  return spawnSync('tshark', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
}

async function main(): Promise<number> {
  if (!hasGnuTime) console.log('note: /usr/bin/time not found (apt-get install -y time); peak RSS is polled from VmHWM');
  const results: CaptureResult[] = [];
  for (const size of sizes) {
    const capture = ensureCapture(size);
    if (!capture.cached) console.log(`generated ${size} capture in ${capture.generationSeconds.toFixed(1)} s`);
    // The loop goes first: it also brings the file into the page cache for the others.
    const loop = await runBareLoop(repo, capture, runs);
    const hopscope = await runHopscope(repo, capture, runs);
    const tshark = await runTshark(repo, capture, size === 'big' && !tsharkBig ? 'big capture skipped (BENCH_TSHARK_BIG=0)' : undefined);
    const harExport: ToolResult = har ? await runHarExport(repo, capture) : { tool: 'hopscope --har', status: 'skipped', note: 'BENCH_HAR=0', runs: 0 };
    const result: CaptureResult = { capture, tools: { hopscope, 'pcap-parser loop': loop, tshark, 'hopscope --har': harExport } };
    results.push(result);
    console.log(`\n${formatCapture(result)}`);
  }

  let tui: TuiBenchResult | undefined;
  if (tuiRow && sizes.includes('big')) {
    tui = await runTuiBench(repo, ensureCapture('big'), (line) => console.log(line));
    console.log(`\n${formatTuiBench(tui)}`);
  }

  let live: LiveBenchResult | undefined;
  if (liveRow) {
    live = await runLiveBench((line) => console.log(line));
    console.log(`\n${formatLiveBench(live)}`);
  }

  let traces: TraceAccuracyBench | undefined;
  if (traceRow) {
    traces = await runTraceAccuracyBench((line) => console.log(line));
    console.log(`\n${formatTraceAccuracyBench(traces)}`);
  }

  const targets = [...(sizes.length > 0 ? [...speedChecks(results), ...memoryChecks(results)] : []), ...(live?.checks ?? [])];
  const counts = countChecks(results);
  console.log(`\n${formatChecks('targets', targets)}\n\n${formatChecks('counts', counts)}`);
  if (counts.some((c) => c.verdict === 'FAIL')) {
    console.log('\n!!! COUNT MISMATCH: a tool did not see the exchanges the generator wrote (see "counts" above) !!!');
  }

  // The live row alone must not replace the capture results.
  const file = join(repo, 'bench', 'results', sizes.length === 0 ? 'live.json' : 'latest.json');
  mkdirSync(dirname(file), { recursive: true });
  const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, tshark: tsharkVersion(), runsPerFastTool: runs };
  // Wall-clock date only labels the results file; it is not part of any measurement.
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, captures: results, tui, live, traces, targets, counts }, null, 2)}\n`);
  console.log(`\nresults: ${file}`);
  const failed = [...targets, ...counts].some((c) => c.verdict === 'FAIL');
  return failed || results.some((r) => r.tools.hopscope.status !== 'ok') ? 1 : 0;
}

process.exitCode = await main();
