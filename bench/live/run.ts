import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatLiveBench, liveChecks, type LiveBenchResult } from './report.js';
import { LiveBenchScenario, type LiveBenchOptions, type LoadRun } from './scenario.js';

/**
 * The live row of the benchmark: sustained exchanges per second with zero drops. wrk (in a container)
 * saturates nginx (in a container) on a test network, three times: without capture, with
 * `hopscope live --summary -i <bridge>`, and with `tcpdump -i <bridge> -w /dev/null`.
 * Needs root, docker and the built addon and CLI (npm run build, npm run build:native).
 *
 * Alone: `node --import tsx bench/live/run.ts`; with the rest: BENCH_LIVE=1 npm run bench.
 * Environment: BENCH_LIVE_SECONDS (default 10), BENCH_LIVE_CONNECTIONS (64), BENCH_LIVE_BODY (1000 bytes).
 */
export async function runLiveBench(log: (line: string) => void = () => undefined): Promise<LiveBenchResult> {
  const options: LiveBenchOptions = {
    seconds: Number(process.env.BENCH_LIVE_SECONDS ?? 10) || 10,
    connections: Number(process.env.BENCH_LIVE_CONNECTIONS ?? 64) || 64,
    threads: 2,
    bodyBytes: Number(process.env.BENCH_LIVE_BODY ?? 1000) || 1000,
  };
  const scenario = await LiveBenchScenario.start(options);
  const runs: LoadRun[] = [];
  try {
    log('live: warm-up');
    await scenario.warmUp();
    log('live: wrk without capture');
    runs.push(await scenario.withoutCapture());
    log('live: wrk with hopscope live');
    runs.push(await scenario.withHopscope());
    log('live: wrk with tcpdump');
    runs.push(await scenario.withTcpdump());
  } finally {
    await scenario.teardown();
  }
  return { options, bridge: scenario.network.bridge, runs, checks: liveChecks(runs) };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runLiveBench((line) => console.log(line));
  console.log(`\n${formatLiveBench(result)}`);
  process.exitCode = result.checks.some((c) => c.verdict === 'FAIL') ? 1 : 0;
}
