import type { ContainerRef } from '../model/container.js';
import type { Exchange, Termination } from '../model/exchange.js';
import { fitMiddle, formatBytes, formatMs } from './table-sink.js';
import { exchangeLatencyMs } from '../model/latency.js';
import { LatencyHistogram, type HistogramState } from './latency-histogram.js';

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
  /** Group ends by container name (default) or by compose service (--by service); addresses where unnamed. */
  by?: 'container' | 'service';
}

const OTHER = '(other)';

/** StatusClass by index: statuses are counted in a small array, not through per-exchange strings. */
const STATUS_CLASSES: readonly StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other', 'none'];
const STATUS_OTHER = 5;
const STATUS_NONE = 6;
const TERMINATIONS: readonly Termination[] = ['complete', 'no-response', 'gap', 'reset', 'capture-end'];

/** 0–4 for 1xx–5xx, else STATUS_OTHER. */
function statusIndex(status: number): number {
  return status >= 100 && status < 600 ? Math.floor(status / 100) - 1 : STATUS_OTHER;
}

function terminationIndex(termination: Termination): number {
  switch (termination) {
    case 'complete':
      return 0;
    case 'no-response':
      return 1;
    case 'gap':
      return 2;
    case 'reset':
      return 3;
    default:
      return 4;
  }
}

/** One pair's counters in a form that crosses a worker boundary (structured clone) and merges exactly. */
export interface PairState {
  client: string;
  server: string;
  serverPort: number;
  requests: number;
  /** Counts by STATUS_CLASSES index. */
  status: number[];
  latency: HistogramState;
  bytesSent: number;
  bytesReceived: number;
  /** Counts by TERMINATIONS index. */
  terminations: number[];
  anomalies: Array<[string, number]>;
}

/** A whole collector's counters: SummaryCollector.state() in one thread, merge() in another. */
export interface SummaryState {
  total: number;
  merged: number;
  pairs: PairState[];
}

class PairStats {
  requests = 0;
  readonly status = [0, 0, 0, 0, 0, 0, 0];
  readonly latency = new LatencyHistogram();
  bytesSent = 0;
  bytesReceived = 0;
  readonly terminations = [0, 0, 0, 0, 0];
  readonly anomalies = new Map<string, number>();

  constructor(
    readonly client: string,
    readonly server: string,
    readonly serverPort: number,
  ) {}

  state(): PairState {
    return {
      client: this.client,
      server: this.server,
      serverPort: this.serverPort,
      requests: this.requests,
      status: [...this.status],
      latency: this.latency.state(),
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      terminations: [...this.terminations],
      anomalies: [...this.anomalies.entries()],
    };
  }

  merge(s: PairState): void {
    this.requests += s.requests;
    for (let i = 0; i < this.status.length; i++) this.status[i] += s.status[i];
    this.latency.merge(s.latency);
    this.bytesSent += s.bytesSent;
    this.bytesReceived += s.bytesReceived;
    for (let i = 0; i < this.terminations.length; i++) this.terminations[i] += s.terminations[i];
    for (const [code, n] of s.anomalies) this.anomalies.set(code, (this.anomalies.get(code) ?? 0) + n);
  }
}

function sortedRecord<K extends string>(entries: Iterable<[K, number]>): Record<K, number> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as Record<K, number>;
}

function statusRecord(counts: readonly number[]): Record<StatusClass, number> {
  const out = {} as Record<StatusClass, number>;
  for (let i = 0; i < STATUS_CLASSES.length; i++) out[STATUS_CLASSES[i]] = counts[i];
  return out;
}

function terminationEntries(counts: readonly number[]): Array<[Termination, number]> {
  const out: Array<[Termination, number]> = [];
  for (let i = 0; i < TERMINATIONS.length; i++) if (counts[i] > 0) out.push([TERMINATIONS[i], counts[i]]);
  return out;
}

export class SummaryCollector {
  /**
   * client → server → port → counters. Nested maps rather than one composite key: the names are the
   * decoder's cached address strings (or container names), whose hashes V8 keeps, so a lookup
   * allocates nothing; a template-literal key cost a string build and hash per exchange.
   */
  private readonly pairs = new Map<string, Map<string, Map<number, PairStats>>>();
  /** Every pair in the order it was first seen (result() sorts them). */
  private readonly list: PairStats[] = [];
  private other: PairStats | undefined = undefined;
  private readonly maxPairs: number;
  private readonly byService: boolean;
  private merged = 0;
  private total = 0;

  constructor(options: SummaryOptions = {}) {
    this.maxPairs = options.maxPairs ?? 10_000;
    this.byService = options.by === 'service';
  }

  /** Distinct pairs counted apart (not counting the "(other)" row). */
  get pairCount(): number {
    return this.list.length;
  }

  add(exchange: Exchange): void {
    const { connection, response } = exchange;
    const client = this.endName(exchange.clientContainer, connection.client.ip);
    const server = this.endName(exchange.serverContainer, connection.server.ip);
    const stats = this.pairFor(client, server, connection.server.port);
    this.total++;
    stats.requests++;
    stats.bytesSent += exchange.request.body.size;
    if (response === undefined) stats.status[STATUS_NONE]++;
    else {
      stats.status[statusIndex(response.head.status)]++;
      stats.bytesReceived += response.body.size;
      stats.latency.add(exchangeLatencyMs(exchange)!);
    }
    stats.terminations[terminationIndex(exchange.termination)]++;
    const anomalies = exchange.anomalies;
    if (anomalies.length > 0) {
      for (const anomaly of anomalies) stats.anomalies.set(anomaly.code, (stats.anomalies.get(anomaly.code) ?? 0) + 1);
    }
  }

  /** The counters so far, for merging into a collector elsewhere (another thread). */
  state(): SummaryState {
    const pairs = this.list.map((p) => p.state());
    if (this.other !== undefined) pairs.push(this.other.state());
    return { total: this.total, merged: this.merged, pairs };
  }

  /**
   * Adds another collector's counters. Pairs merge by name; the pair limit is not applied here, so
   * the result equals one collector over all exchanges as long as the union stays within the limit
   * (callers check pairCount and fall back otherwise).
   */
  merge(state: SummaryState): void {
    this.total += state.total;
    this.merged += state.merged;
    for (const s of state.pairs) {
      let stats: PairStats;
      if (s.client === OTHER && s.server === OTHER && s.serverPort === 0) stats = this.otherRow();
      else stats = this.find(s.client, s.server, s.serverPort) ?? this.create(s.client, s.server, s.serverPort);
      stats.merge(s);
    }
  }

  private find(client: string, server: string, port: number): PairStats | undefined {
    return this.pairs.get(client)?.get(server)?.get(port);
  }

  private create(client: string, server: string, port: number): PairStats {
    let byServer = this.pairs.get(client);
    if (byServer === undefined) {
      byServer = new Map();
      this.pairs.set(client, byServer);
    }
    let byPort = byServer.get(server);
    if (byPort === undefined) {
      byPort = new Map();
      byServer.set(server, byPort);
    }
    const stats = new PairStats(client, server, port);
    byPort.set(port, stats);
    this.list.push(stats);
    return stats;
  }

  private otherRow(): PairStats {
    if (this.other === undefined) this.other = new PairStats(OTHER, OTHER, 0);
    return this.other;
  }

  private endName(container: ContainerRef | undefined, ip: string): string {
    if (container === undefined) return ip;
    return (this.byService ? container.composeService : undefined) ?? container.name;
  }

  private pairFor(client: string, server: string, port: number): PairStats {
    const stats = this.find(client, server, port);
    if (stats !== undefined) return stats;
    if (this.list.length >= this.maxPairs) {
      this.merged++;
      return this.otherRow();
    }
    return this.create(client, server, port);
  }

  /** Pairs by request count, most first (ties: client, server, port). */
  result(): TrafficSummary {
    const all = this.other === undefined ? [...this.list] : [...this.list, this.other];
    const pairs = all
      .sort((a, b) => b.requests - a.requests || a.client.localeCompare(b.client) || a.server.localeCompare(b.server) || a.serverPort - b.serverPort)
      .map(
        (stats): PairSummary => ({
          client: stats.client,
          server: stats.server,
          serverPort: stats.serverPort,
          requests: stats.requests,
          status: statusRecord(stats.status),
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
          terminations: sortedRecord(terminationEntries(stats.terminations)),
          anomalies: sortedRecord(stats.anomalies.entries()),
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
