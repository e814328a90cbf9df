import type { Exchange, Termination } from '../model/exchange.js';
import { fitMiddle, formatBytes, formatMs } from './table-sink.js';
import { exchangeLatencyMs } from '../model/latency.js';
import { LatencyHistogram } from './latency-histogram.js';

/**
 * --summary: per client → server pair (container names when known, else IPs; server port included),
 * request counts, status classes, latency percentiles (request first byte → response last byte, as the
 * table's TOTAL), body bytes, terminations and
 * anomalies. Memory is per pair (a bounded histogram each) and the number of pairs is bounded too.
 */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'other' | 'none';

export interface LatencySummary {
  /** Exchanges with a response (the ones that have a latency). */
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface PairSummary {
  client: string;
  server: string;
  serverPort: number;
  requests: number;
  /** 'none': no response; 'other': a status outside 100–599. */
  status: Record<StatusClass, number>;
  /** Milliseconds from request first byte to response last byte; null when no exchange had a response. */
  latencyMs: LatencySummary | null;
  /** Request body bytes (after de-chunking). */
  bytesSent: number;
  /** Response body bytes (after de-chunking, before content decoding). */
  bytesReceived: number;
  terminations: Partial<Record<Termination, number>>;
  anomalies: Record<string, number>;
}

export interface TrafficSummary {
  requests: number;
  pairs: PairSummary[];
  /** Requests of pairs beyond `maxPairs`, counted in one "(other)" row. */
  mergedRequests: number;
}

export interface SummaryOptions {
  /** Distinct pairs kept apart (default 10,000); later pairs go to an "(other)" row. */
  maxPairs?: number;
}

const OTHER = '(other)';

class PairStats {
  requests = 0;
  readonly status: Record<StatusClass, number> = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, other: 0, none: 0 };
  readonly latency = new LatencyHistogram();
  bytesSent = 0;
  bytesReceived = 0;
  readonly terminations = new Map<Termination, number>();
  readonly anomalies = new Map<string, number>();

  constructor(
    readonly client: string,
    readonly server: string,
    readonly serverPort: number,
  ) {}
}

function statusClass(status: number): StatusClass {
  if (status >= 100 && status < 600) return `${Math.floor(status / 100)}xx` as StatusClass;
  return 'other';
}

function sortedRecord<K extends string>(map: Map<K, number>): Record<K, number> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as Record<K, number>;
}

export class SummaryCollector {
  private readonly pairs = new Map<string, PairStats>();
  private readonly maxPairs: number;
  private merged = 0;
  private total = 0;

  constructor(options: SummaryOptions = {}) {
    this.maxPairs = options.maxPairs ?? 10_000;
  }

  add(exchange: Exchange): void {
    const { connection, response } = exchange;
    const client = exchange.clientContainer?.name ?? connection.client.ip;
    const server = exchange.serverContainer?.name ?? connection.server.ip;
    const stats = this.pairFor(client, server, connection.server.port);
    this.total++;
    stats.requests++;
    stats.bytesSent += exchange.request.body.size;
    if (response === undefined) stats.status.none++;
    else {
      stats.status[statusClass(response.head.status)]++;
      stats.bytesReceived += response.body.size;
      stats.latency.add(exchangeLatencyMs(exchange)!);
    }
    stats.terminations.set(exchange.termination, (stats.terminations.get(exchange.termination) ?? 0) + 1);
    for (const anomaly of exchange.anomalies) stats.anomalies.set(anomaly.code, (stats.anomalies.get(anomaly.code) ?? 0) + 1);
  }

  private pairFor(client: string, server: string, port: number): PairStats {
    const key = `${client}\u0000${server}\u0000${port}`;
    let stats = this.pairs.get(key);
    if (stats !== undefined) return stats;
    if (this.pairs.size >= this.maxPairs) {
      const otherKey = `${OTHER}\u0000${OTHER}\u00000`;
      stats = this.pairs.get(otherKey);
      if (stats === undefined) {
        stats = new PairStats(OTHER, OTHER, 0);
        this.pairs.set(otherKey, stats);
      }
      this.merged++;
      return stats;
    }
    stats = new PairStats(client, server, port);
    this.pairs.set(key, stats);
    return stats;
  }

  /** Pairs by request count, most first (ties: client, server, port). */
  result(): TrafficSummary {
    const pairs = [...this.pairs.values()]
      .sort((a, b) => b.requests - a.requests || a.client.localeCompare(b.client) || a.server.localeCompare(b.server) || a.serverPort - b.serverPort)
      .map(
        (stats): PairSummary => ({
          client: stats.client,
          server: stats.server,
          serverPort: stats.serverPort,
          requests: stats.requests,
          status: { ...stats.status },
          latencyMs:
            stats.latency.count === 0
              ? null
              : {
                  count: stats.latency.count,
                  p50: round3(stats.latency.quantile(0.5)),
                  p90: round3(stats.latency.quantile(0.9)),
                  p99: round3(stats.latency.quantile(0.99)),
                  max: round3(stats.latency.max),
                },
          bytesSent: stats.bytesSent,
          bytesReceived: stats.bytesReceived,
          terminations: sortedRecord(stats.terminations),
          anomalies: sortedRecord(stats.anomalies),
        }),
      );
    return { requests: this.total, pairs, mergedRequests: this.merged };
  }
}

function round3(ms: number): number {
  return Math.round(ms * 1e3) / 1e3;
}

/** --summary --json: the summary as indented JSON, with a trailing newline. */
export function renderSummaryJson(summary: TrafficSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/** Names come from traffic and Docker: no control characters, elided in the middle (ends matter). */
function fit(text: string, width: number): string {
  return fitMiddle(text.replace(/[\x00-\x1f\x7f-\x9f]/g, '?'), width);
}

/** Terminations other than 'complete' and anomaly codes, e.g. "reset:2 tcp.gap:1". */
function notes(pair: PairSummary): string {
  const parts: string[] = [];
  for (const [termination, n] of Object.entries(pair.terminations)) if (termination !== 'complete') parts.push(`${termination}:${n}`);
  if (pair.status.other > 0) parts.push(`bad-status:${pair.status.other}`);
  for (const [code, n] of Object.entries(pair.anomalies)) parts.push(`${code}:${n}`);
  return parts.join(' ');
}

function serverLabel(pair: PairSummary): string {
  if (pair.serverPort === 0) return pair.server;
  return pair.server.includes(':') ? `[${pair.server}]:${pair.serverPort}` : `${pair.server}:${pair.serverPort}`;
}

/** --summary: a fixed-width table, one row per pair, with a header that states the units. */
export function renderSummaryTable(summary: TrafficSummary): string {
  const head = [
    'CLIENT'.padEnd(20),
    'SERVER'.padEnd(26),
    'REQS'.padStart(7),
    '1xx'.padStart(5),
    '2xx'.padStart(7),
    '3xx'.padStart(6),
    '4xx'.padStart(6),
    '5xx'.padStart(6),
    'none'.padStart(5),
    'p50'.padStart(8),
    'p90'.padStart(8),
    'p99'.padStart(8),
    'max'.padStart(8),
    'SENT'.padStart(7),
    'RECV'.padStart(7),
    ' NOTES',
  ].join(' ');
  const lines = [
    `# latency = request first byte → response last byte in ms, ±1%; SENT/RECV = body bytes; ${summary.requests} requests`,
    head.trimEnd(),
  ];
  for (const pair of summary.pairs) {
    const latency = pair.latencyMs;
    const ms = (v: number | undefined): string => (v === undefined ? '-' : formatMs(v)).padStart(8);
    lines.push(
      [
        fit(pair.client, 20),
        fit(serverLabel(pair), 26),
        `${pair.requests}`.padStart(7),
        `${pair.status['1xx']}`.padStart(5),
        `${pair.status['2xx']}`.padStart(7),
        `${pair.status['3xx']}`.padStart(6),
        `${pair.status['4xx']}`.padStart(6),
        `${pair.status['5xx']}`.padStart(6),
        `${pair.status.none}`.padStart(5),
        ms(latency?.p50),
        ms(latency?.p90),
        ms(latency?.p99),
        ms(latency?.max),
        formatBytes(pair.bytesSent).padStart(7),
        formatBytes(pair.bytesReceived).padStart(7),
        ` ${notes(pair)}`,
      ]
        .join(' ')
        .trimEnd(),
    );
  }
  if (summary.mergedRequests > 0) lines.push(`# ${summary.mergedRequests} requests of pairs beyond the pair limit are in the (other) row`);
  return `${lines.join('\n')}\n`;
}
