import type { Exchange } from '../model/exchange.js';
import { diffNs } from '../model/time.js';
import { clientName, serverName } from '../trace/endpoint-names.js';
import type { RootSummary, Spread, TraceSummary } from '../trace/trace-summary.js';
import type { Trace, TraceNode } from '../trace/trace-types.js';
import { fitMiddle, formatBytes, formatMs } from './table-sink.js';

/**
 * --traces: each request tree as an indented list, one exchange a line, with who called whom, status,
 * duration, and the critical path (the calls the root's answer waited for) marked with their share of
 * the root's time:
 *
 *   GET /api?user=3  client → gateway           200  41.2 ms
 *   ├─ GET /users/3       gateway → users       200   3.1 ms
 *   └─ GET /orders?user=3 gateway → orders      200  35.7 ms   ← 87% of the root's time
 */
export interface TraceTreeOptions {
  /** ANSI colours (status classes, dim tree lines). Default false. */
  color?: boolean;
  /** Widest request column (default 60) and widest "client → server" column (default 44). */
  requestWidth?: number;
  routeWidth?: number;
  /** Inferred links with a confidence below this get "(inferred, confidence x)". Default 0.9. */
  showConfidenceBelow?: number;
}

const ANSI = { reset: '\x1b[0m', dim: '\x1b[2m', yellow: '\x1b[33m', red: '\x1b[31m', green: '\x1b[32m', magenta: '\x1b[35m' };

/** When an exchange ended: its response's last byte, else its request's. */
export function endOf(exchange: Exchange): { sec: number; nsec: number } {
  return exchange.response?.lastByte ?? exchange.request.lastByte;
}

/** From the first request byte to endOf(). */
export function durationNs(exchange: Exchange): number {
  return diffNs(endOf(exchange), exchange.request.firstByte);
}

/**
 * The nodes the root's answer waited for. From a node's end, walking back: the child that ended last
 * before it, then the child that ended last before that one started, and so on (sequential calls are all
 * critical, of parallel ones the slowest); then the same inside each critical child.
 */
export function criticalPath(trace: Trace): Set<TraceNode> {
  const critical = new Set<TraceNode>([trace.root]);
  const stack = [trace.root];
  while (stack.length > 0) {
    const node = stack.pop() as TraceNode;
    let limit = endOf(node.exchange);
    const remaining = [...node.children];
    for (;;) {
      let pick: TraceNode | undefined;
      for (const child of remaining) {
        const end = endOf(child.exchange);
        if (diffNs(limit, end) < 0) continue;
        if (pick === undefined || diffNs(end, endOf(pick.exchange)) > 0) pick = child;
      }
      if (pick === undefined) break;
      critical.add(pick);
      stack.push(pick);
      remaining.splice(remaining.indexOf(pick), 1);
      limit = pick.exchange.request.firstByte;
    }
  }
  return critical;
}

interface Row {
  request: string;
  route: string;
  status: string;
  statusCode: number | undefined;
  duration: string;
  note: string;
  prefix: string;
}

export function renderTraceTree(trace: Trace, options: TraceTreeOptions = {}): string[] {
  const critical = criticalPath(trace);
  const rootNs = durationNs(trace.root.exchange);
  const threshold = options.showConfidenceBelow ?? 0.9;
  const rows: Row[] = [];
  const walk = (node: TraceNode, prefix: string, childPrefix: string) => {
    const e = node.exchange;
    const notes: string[] = [];
    if (node !== trace.root && critical.has(node) && rootNs > 0) {
      notes.push(`← ${Math.round((100 * durationNs(e)) / rootNs)}% of the root's time`);
    }
    if (node.link.inferred && node.link.confidence < threshold) notes.push(`(inferred, confidence ${node.link.confidence.toFixed(2)})`);
    rows.push({
      prefix,
      request: `${e.request.head.method} ${e.request.head.target}`,
      route: `${clientName(e)} → ${serverName(e)}`,
      status: e.response === undefined ? '---' : String(e.response.head.status),
      statusCode: e.response?.head.status,
      duration: e.response === undefined ? e.termination : `${formatMs(durationNs(e) / 1e6)} ms`,
      note: notes.join('  '),
    });
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      walk(child, `${childPrefix}${last ? '└─ ' : '├─ '}`, `${childPrefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(trace.root, '', '');
  const requestWidth = Math.min(options.requestWidth ?? 60, Math.max(...rows.map((r) => r.prefix.length + r.request.length)));
  const routeWidth = Math.min(options.routeWidth ?? 44, Math.max(...rows.map((r) => r.route.length)));
  const durationWidth = Math.max(...rows.map((r) => r.duration.length));
  const color = options.color === true;
  return rows.map((row) => {
    const request = fitMiddle(row.request, Math.max(1, requestWidth - row.prefix.length));
    const prefix = color && row.prefix !== '' ? `${ANSI.dim}${row.prefix}${ANSI.reset}` : row.prefix;
    const status = color ? `${statusColor(row.statusCode)}${row.status.padStart(3)}${ANSI.reset}` : row.status.padStart(3);
    const note = row.note === '' ? '' : `   ${color ? `${ANSI.yellow}${row.note}${ANSI.reset}` : row.note}`;
    return `${prefix}${request}  ${fitMiddle(row.route, routeWidth)}  ${status}  ${row.duration.padStart(durationWidth)}${note}`.trimEnd();
  });
}

function statusColor(status: number | undefined): string {
  if (status === undefined) return ANSI.magenta;
  if (status >= 500) return ANSI.red;
  if (status >= 400) return ANSI.yellow;
  return ANSI.green;
}

/** "trace 0af7…  5 exchanges, depth 2": a heading for each tree. */
export function traceHeading(trace: Trace): string {
  return `trace ${trace.traceId}  ${trace.size} exchange${trace.size === 1 ? '' : 's'}, depth ${trace.depth}`;
}

function spread(s: Spread): string {
  const median = Number.isInteger(s.median) ? `${s.median}` : s.median.toFixed(1);
  return `${s.min}/${median}/${s.max}`;
}

function rootLines(root: RootSummary): string[] {
  const avg = (ms: number) => `${formatMs(ms / root.traces)} ms`;
  const lines = [
    `${root.endpoint}  ${root.traces} request${root.traces === 1 ? '' : 's'}`,
    `  hops ${spread(root.hops)}  fan-out ${spread(root.fanOut)}  depth ${spread(root.depth)}  (min/median/max per request)`,
  ];
  if (root.rootMs > 0) {
    const share = Math.round((100 * root.childMs) / root.rootMs);
    lines.push(`  time per request: total ${avg(root.rootMs)}, in direct calls ${avg(root.childMs)} (${share}% of total), own ${avg(root.selfMs)}`);
  }
  for (const r of root.repeated) lines.push(`  ${r.kind}: ${r.call} up to ${r.maxTimes}× in one request, in ${r.trees} request${r.trees === 1 ? '' : 's'}`);
  if (root.hopStats.length > 0) {
    const width = Math.min(60, Math.max(4, ...root.hopStats.map((h) => h.call.length)));
    lines.push(`  ${'hop'.padEnd(width)}  ${'calls'.padStart(6)}  ${'req body'.padStart(9)}  ${'resp body'.padStart(9)}  ${'avg ms'.padStart(7)}`);
    for (const h of root.hopStats) {
      const per = (n: number) => formatBytes(Math.round(n / h.calls));
      lines.push(`  ${fitMiddle(h.call, width)}  ${String(h.calls).padStart(6)}  ${per(h.requestBytes).padStart(9)}  ${per(h.responseBytes).padStart(9)}  ${formatMs(h.totalMs / h.calls).padStart(7)}`);
    }
  }
  return lines;
}

/** The trace summary as text: one block per root endpoint, busiest first (body sizes are per call). */
export function renderTraceSummary(summary: TraceSummary): string[] {
  const lines = [`${summary.traces} request tree${summary.traces === 1 ? '' : 's'}, ${summary.exchanges} exchanges`];
  for (const root of summary.roots) lines.push('', ...rootLines(root));
  return lines;
}
