import type { CaptureInfo, CaptureSize } from './generate-capture.js';
import type { ToolName, ToolResult } from './tools.js';

/** Targets, checks and the printed report. Thresholds live here, with the reason for each. */

export interface CaptureResult {
  capture: CaptureInfo;
  tools: Record<ToolName, ToolResult>;
}

export type Verdict = 'PASS' | 'FAIL' | 'n/a';

export interface Check {
  name: string;
  verdict: Verdict;
  value: string;
}

/** hopscope must be at least this many times faster than tshark. */
const MIN_SPEEDUP_VS_TSHARK = 20;
/** …and at most this many times slower than merely reading the packets with pcap-parser. */
const MAX_SLOWDOWN_VS_LOOP = 2;
const MAX_RSS_MB = 200;
/** Memory must not grow with the capture: the 4× bigger capture may use at most 25% more. */
const MAX_RSS_GROWTH = 1.25;

const ratio = (x: number): string => `${x.toFixed(2)}×`;

/** The same ratio in CPU seconds, shown beside the wall-time one (steadier on a shared machine). */
function cpuRatio(a: ToolResult, b: ToolResult): string {
  return a.cpuSeconds && b.cpuSeconds ? ` (cpu ${ratio(a.cpuSeconds / b.cpuSeconds)})` : '';
}

function get(results: CaptureResult[], size: CaptureSize): CaptureResult | undefined {
  return results.find((r) => r.capture.size === size);
}

function ok(t: ToolResult | undefined): t is ToolResult & { seconds: number } {
  return t?.status === 'ok' && t.seconds !== undefined;
}

function hopscopeMissing(results: CaptureResult[]): string {
  const h = results.map((r) => r.tools.hopscope).find((t) => t.status !== 'ok');
  return h ? `hopscope ${h.status}${h.note ? ` (${h.note})` : ''}` : 'not measured';
}

export function speedChecks(results: CaptureResult[]): Check[] {
  const checks: Check[] = [];
  // tshark: on the big capture when it ran there (BENCH_TSHARK_BIG=1), otherwise on the small one.
  const onBig = get(results, 'big');
  const tsharkOn = ok(onBig?.tools.tshark) ? onBig : get(results, 'small');
  const name = `hopscope ≥${MIN_SPEEDUP_VS_TSHARK}× faster than tshark`;
  if (tsharkOn && ok(tsharkOn.tools.hopscope) && ok(tsharkOn.tools.tshark)) {
    const x = tsharkOn.tools.tshark.seconds / tsharkOn.tools.hopscope.seconds;
    const cpu = cpuRatio(tsharkOn.tools.tshark, tsharkOn.tools.hopscope);
    const where = tsharkOn.capture.size === 'big' ? 'on the big capture' : 'on the small capture (tshark ran only there; BENCH_TSHARK_BIG=1 for the big one)';
    checks.push({ name, verdict: x >= MIN_SPEEDUP_VS_TSHARK ? 'PASS' : 'FAIL', value: `${ratio(x)}${cpu} ${where}` });
  } else {
    checks.push({ name, verdict: 'n/a', value: tsharkOn && !ok(tsharkOn.tools.tshark) ? `tshark ${tsharkOn.tools.tshark.status}` : hopscopeMissing(results) });
  }
  for (const r of results) {
    const n = `hopscope ≤${MAX_SLOWDOWN_VS_LOOP}× the bare pcap-parser loop (${r.capture.size})`;
    const h = r.tools.hopscope;
    const l = r.tools['pcap-parser loop'];
    if (ok(h) && ok(l)) {
      const x = h.seconds / l.seconds;
      checks.push({ name: n, verdict: x <= MAX_SLOWDOWN_VS_LOOP ? 'PASS' : 'FAIL', value: `${ratio(x)}${cpuRatio(h, l)} (${h.seconds.toFixed(2)} s vs ${l.seconds.toFixed(2)} s)` });
    } else {
      checks.push({ name: n, verdict: 'n/a', value: ok(h) ? `loop ${l.status}` : hopscopeMissing(results) });
    }
  }
  return checks;
}

export function memoryChecks(results: CaptureResult[]): Check[] {
  const checks: Check[] = [];
  for (const r of results) {
    const h = r.tools.hopscope;
    const n = `hopscope peak RSS <${MAX_RSS_MB} MB (${r.capture.size})`;
    if (ok(h) && h.peakRssMb !== undefined) {
      checks.push({ name: n, verdict: h.peakRssMb < MAX_RSS_MB ? 'PASS' : 'FAIL', value: `${h.peakRssMb.toFixed(0)} MB` });
    } else checks.push({ name: n, verdict: 'n/a', value: hopscopeMissing(results) });
  }
  const small = get(results, 'small')?.tools.hopscope;
  const big = get(results, 'big')?.tools.hopscope;
  const n = `hopscope RSS does not grow with capture size (big ≤ ${MAX_RSS_GROWTH}× small)`;
  if (ok(small) && ok(big) && small.peakRssMb && big.peakRssMb) {
    const x = big.peakRssMb / small.peakRssMb;
    checks.push({ name: n, verdict: x <= MAX_RSS_GROWTH ? 'PASS' : 'FAIL', value: `${ratio(x)} (${big.peakRssMb.toFixed(0)} MB vs ${small.peakRssMb.toFixed(0)} MB)` });
  } else checks.push({ name: n, verdict: 'n/a', value: small && big ? hopscopeMissing(results) : 'needs both captures' });
  return checks;
}

/** Every tool's count must match what the generator wrote. */
export function countChecks(results: CaptureResult[]): Check[] {
  const checks: Check[] = [];
  for (const r of results) {
    const c = r.capture;
    const fmt = (n: number): string => n.toLocaleString('en-US');
    const lines: Array<[ToolResult, number, string]> = [
      [r.tools['pcap-parser loop'], c.packets, 'packets read by the loop = packets written'],
      [r.tools.tshark, c.exchanges, 'tshark http.response lines = exchanges written'],
      [r.tools.hopscope, c.exchanges, 'hopscope summary total requests = exchanges written'],
    ];
    for (const [t, expected, what] of lines) {
      const name = `${what} (${c.size})`;
      if (t.status !== 'ok') checks.push({ name, verdict: 'n/a', value: `${t.tool} ${t.status}` });
      else if (t.count === undefined) checks.push({ name, verdict: 'FAIL', value: t.countHow ?? 'no count' });
      else {
        const same = t.count === expected;
        const value = same ? `${fmt(t.count)}` : `!!! MISMATCH: ${fmt(t.count)} ≠ ${fmt(expected)} (off by ${fmt(t.count - expected)}) !!!`;
        checks.push({ name, verdict: same ? 'PASS' : 'FAIL', value: t.countHow && t.tool === 'hopscope' ? `${value} [${t.countHow}]` : value });
      }
    }
  }
  return checks;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

function rate(x: number | undefined): string {
  if (x === undefined) return '';
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(0)} k/s`;
}

export function formatCapture(r: CaptureResult): string {
  const c = r.capture;
  const out = [
    `capture ${c.size}: ${c.packets.toLocaleString('en-US')} packets, ${c.exchanges.toLocaleString('en-US')} exchanges, ` +
      `${(c.fileBytes / 1e6).toFixed(0)} MB (${c.cached ? 'cached; ' : ''}generated in ${c.generationSeconds.toFixed(1)} s)`,
    `  ${c.path}`,
    `  ${pad('tool', 18)}${pad('time', 10, true)}${pad('cpu', 10, true)}${pad('packets', 12, true)}${pad('exchanges', 12, true)}${pad('peak RSS', 10, true)}  runs  note`,
  ];
  for (const t of Object.values(r.tools)) {
    const time = t.seconds !== undefined ? `${t.seconds.toFixed(2)} s` : t.status;
    const rss = t.peakRssMb !== undefined ? `${t.peakRssMb.toFixed(0)} MB` : '';
    out.push(
      `  ${pad(t.tool, 18)}${pad(time, 10, true)}${pad(t.cpuSeconds !== undefined ? `${t.cpuSeconds.toFixed(2)} s` : '', 10, true)}${pad(rate(t.packetsPerSecond), 12, true)}${pad(rate(t.exchangesPerSecond), 12, true)}` +
        `${pad(rss, 10, true)}  ${pad(String(t.runs), 4)}  ${t.note ?? ''}`,
    );
  }
  return out.join('\n');
}

export function formatChecks(title: string, checks: Check[]): string {
  return [title, ...checks.map((c) => `  ${pad(c.verdict, 5)} ${c.name}: ${c.value}`)].join('\n');
}
