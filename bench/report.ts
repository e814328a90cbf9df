import type { CaptureInfo, CaptureSize } from './generate-capture.js';
import type { ToolName, ToolResult } from './tools.js';

/** Targets, checks and the printed report. Thresholds live here, with the reason for each. */

export interface CaptureResult {
  capture: CaptureInfo;
  tools: Record<ToolName, ToolResult>;
}

/** 'info': a figure shown for context, never a target (the small capture's ratios). */
export type Verdict = 'PASS' | 'FAIL' | 'n/a' | 'info';

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
/**
 * The speed targets are judged on this capture (~1M packets / 500k exchanges, the size the targets
 * name), where start-up costs are small next to the work; the small one shows RSS does not grow.
 */
const TARGET_SIZE: CaptureSize = 'big';

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

function tsharkRatio(r: CaptureResult): { verdict: Verdict; value: string } | undefined {
  const h = r.tools.hopscope;
  const t = r.tools.tshark;
  if (!ok(h) || !ok(t)) return undefined;
  const x = t.seconds / h.seconds;
  return { verdict: x >= MIN_SPEEDUP_VS_TSHARK ? 'PASS' : 'FAIL', value: `${ratio(x)}${cpuRatio(t, h)} (${t.seconds.toFixed(1)} s vs ${h.seconds.toFixed(2)} s)` };
}

function loopRatio(r: CaptureResult): { verdict: Verdict; value: string } | undefined {
  const h = r.tools.hopscope;
  const l = r.tools['pcap-parser loop'];
  if (!ok(h) || !ok(l)) return undefined;
  const x = h.seconds / l.seconds;
  return { verdict: x <= MAX_SLOWDOWN_VS_LOOP ? 'PASS' : 'FAIL', value: `${ratio(x)}${cpuRatio(h, l)} (${h.seconds.toFixed(2)} s vs ${l.seconds.toFixed(2)} s)` };
}

/** Why a ratio could not be computed on `r`. */
function missing(r: CaptureResult | undefined, tool: ToolName, results: CaptureResult[]): string {
  if (r === undefined) return `the ${TARGET_SIZE} capture was not measured (BENCH_SIZES)`;
  if (!ok(r.tools.hopscope)) return hopscopeMissing(results);
  const t = r.tools[tool];
  return `${tool} ${t.status}${t.note ? ` (${t.note})` : ''}`;
}

/**
 * The speed targets, judged on the big capture, where hopscope, tshark and the bare loop ran in the
 * same run on the same file; the other captures' ratios follow as information.
 */
export function speedChecks(results: CaptureResult[]): Check[] {
  const checks: Check[] = [];
  const target = get(results, TARGET_SIZE);
  const tsharkName = `hopscope ≥${MIN_SPEEDUP_VS_TSHARK}× faster than tshark (${TARGET_SIZE})`;
  const t = target ? tsharkRatio(target) : undefined;
  checks.push(t ? { name: tsharkName, ...t } : { name: tsharkName, verdict: 'n/a', value: missing(target, 'tshark', results) });
  const loopName = `hopscope ≤${MAX_SLOWDOWN_VS_LOOP}× the bare pcap-parser loop (${TARGET_SIZE})`;
  const l = target ? loopRatio(target) : undefined;
  checks.push(l ? { name: loopName, ...l } : { name: loopName, verdict: 'n/a', value: missing(target, 'pcap-parser loop', results) });
  for (const r of results) {
    if (r === target) continue;
    const size = r.capture.size;
    const ti = tsharkRatio(r);
    if (ti) checks.push({ name: `speed-up over tshark (${size}, information)`, verdict: 'info', value: ti.value });
    const li = loopRatio(r);
    if (li) checks.push({ name: `slowdown over the bare loop (${size}, information)`, verdict: 'info', value: li.value });
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
  checks.push(harFlatCheck(results));
  return checks;
}

/** Exporting 500k exchanges as HAR streams to disk: the big export's RSS stays at the small one's. */
function harFlatCheck(results: CaptureResult[]): Check {
  const small = get(results, 'small')?.tools['hopscope --har'];
  const big = get(results, 'big')?.tools['hopscope --har'];
  const name = `read --har streams to disk with flat memory (big ≤ ${MAX_RSS_GROWTH}× small)`;
  if (ok(small) && ok(big) && small.peakRssMb && big.peakRssMb) {
    const x = big.peakRssMb / small.peakRssMb;
    return { name, verdict: x <= MAX_RSS_GROWTH ? 'PASS' : 'FAIL', value: `${ratio(x)} (${big.peakRssMb.toFixed(0)} MB vs ${small.peakRssMb.toFixed(0)} MB; big export ${big.seconds.toFixed(1)} s)` };
  }
  const failedOne = [small, big].find((t) => t !== undefined && t.status !== 'ok');
  return { name, verdict: 'n/a', value: failedOne ? `${failedOne.tool} ${failedOne.status}${failedOne.note ? ` (${failedOne.note})` : ''}` : 'needs both captures' };
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
      [r.tools['hopscope --har'], c.exchanges, 'hopscope HAR entries = exchanges written'],
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
