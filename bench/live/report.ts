import type { Check } from '../report.js';
import type { LiveBenchOptions, LoadRun } from './scenario.js';

export interface LiveBenchResult {
  options: LiveBenchOptions;
  bridge: string;
  runs: LoadRun[];
  checks: Check[];
}

const n = (x: number | undefined, digits = 0): string => (x === undefined || Number.isNaN(x) ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

/**
 * The live row's target: with wrk saturating nginx (no rate limit, as many connections as it takes),
 * hopscope loses nothing: no kernel drops, no queue drops, and an exchange for every request wrk made.
 */
export function liveChecks(runs: LoadRun[]): Check[] {
  const h = runs.find((r) => r.capture === 'hopscope live');
  const name = 'hopscope live: zero drops, every request seen, while wrk saturates nginx';
  if (!h?.hopscope) return [{ name, verdict: 'FAIL', value: h?.error ?? 'hopscope did not run' }];
  const s = h.hopscope;
  // wrk counts completed requests; hopscope also counts the ones cut off when wrk stopped.
  const seen = s.exchanges >= h.wrk.requests;
  const verdict = s.kernelDrops === 0 && s.queueDrops === 0 && seen ? 'PASS' : 'FAIL';
  return [
    {
      name,
      verdict,
      value: `${n(s.exchanges / h.wrk.seconds)} exchanges/s (${n(s.exchanges)} for ${n(h.wrk.requests)} wrk requests), ${n(s.kernelDrops)} kernel drops, ${n(s.queueDrops)} queue drops`,
    },
  ];
}

export function formatLiveBench(result: LiveBenchResult): string {
  const { options } = result;
  const lines = [
    `live capture on ${result.bridge}: wrk -t${options.threads} -c${options.connections} -d${options.seconds}s → nginx (${options.bodyBytes} B JSON), both in containers`,
    '',
    '| capture | wrk req/s | seen/s | packets | kernel drops | queue drops | capture CPU |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of result.runs) {
    const cpu = r.captureCpuSeconds === undefined ? '–' : `${n((100 * r.captureCpuSeconds) / (r.wrk.seconds + 1))}%`;
    if (r.hopscope) {
      const s = r.hopscope;
      lines.push(`| hopscope live --summary | ${n(r.wrk.requestsPerSecond)} | ${n(s.exchanges / r.wrk.seconds)} exchanges | ${n(s.packets)} | ${n(s.kernelDrops)} | ${n(s.queueDrops)} | ${cpu} |`);
    } else if (r.tcpdump) {
      const t = r.tcpdump;
      lines.push(`| tcpdump -w /dev/null | ${n(r.wrk.requestsPerSecond)} | ${n(t.received / r.wrk.seconds)} packets | ${n(t.received)} | ${n(t.kernelDrops)} | – | ${cpu} |`);
    } else {
      lines.push(`| ${r.capture}${r.error ? ` (${r.error})` : ''} | ${n(r.wrk.requestsPerSecond)} | – | – | – | – | – |`);
    }
  }
  lines.push('', ...result.checks.map((c) => `${c.verdict.padEnd(4)}  ${c.name}: ${c.value}`));
  return lines.join('\n');
}
