import { exchangeLatencyMs } from '../model/latency.js';
import type { Exchange, Termination } from '../model/exchange.js';
import { clockTime, fitEnd, fitMiddle, formatBytes, formatMs, printable } from '../sinks/table-sink.js';
import { clientName, serverName } from '../trace/endpoint-names.js';

/**
 * The exchange list's columns, as pure functions so that layout is testable without rendering.
 * Names and numbers are formatted as the table output formats them (table-sink helpers); ends are
 * named as the containers view and the filter name them (endpoint-names).
 */
export interface ListLayout {
  /** False on narrow terminals: the time column is dropped first. */
  showTime: boolean;
  client: number;
  server: number;
  path: number;
}

const FIXED = { time: 12, method: 7, status: 9, latency: 8, size: 6 } as const;

/** Latency from this many ms shows yellow, from VERY_SLOW_MS red. */
export const SLOW_MS = 200;
export const VERY_SLOW_MS = 1000;

/** Column widths that fill `width` exactly: the path takes what the others leave. */
export function listLayout(width: number): ListLayout {
  const showTime = width >= 96;
  // Cells are joined by one space each.
  const fixed = FIXED.method + FIXED.status + FIXED.latency + FIXED.size + (showTime ? FIXED.time + 1 : 0) + 6;
  const free = Math.max(0, width - fixed);
  const end = Math.max(6, Math.min(24, Math.floor(free * 0.28)));
  const server = Math.max(6, Math.min(28, Math.floor(free * 0.32)));
  const path = Math.max(4, free - end - server);
  return { showTime, client: end, server, path };
}

const SHORT_TERMINATION: Record<Termination, string> = {
  complete: '',
  'no-response': 'no resp',
  reset: 'reset',
  gap: 'gap',
  'capture-end': 'end',
};

/** What the status column says: the code, the code with how it ended early, or only how it ended. */
export function statusText(exchange: Exchange): string {
  const status = exchange.response?.head.status;
  const ending = SHORT_TERMINATION[exchange.termination];
  if (status === undefined) return ending === '' ? 'no resp' : ending;
  return ending === '' ? `${status}` : `${status} ${ending}`;
}

export type CellColor = 'red' | 'yellow' | 'green' | 'cyan' | 'magenta' | undefined;

export function statusColor(exchange: Exchange): CellColor {
  const status = exchange.response?.head.status;
  if (status === undefined || exchange.termination !== 'complete') return status !== undefined && status >= 500 ? 'red' : 'magenta';
  if (status >= 500) return 'red';
  if (status >= 400) return 'yellow';
  if (status >= 300) return 'cyan';
  if (status >= 200) return 'green';
  return undefined;
}

export function latencyColor(ms: number | undefined): CellColor {
  if (ms === undefined) return undefined;
  if (ms >= VERY_SLOW_MS) return 'red';
  if (ms >= SLOW_MS) return 'yellow';
  return undefined;
}

export interface RowCells {
  time: string;
  client: string;
  server: string;
  method: string;
  path: string;
  status: string;
  latency: string;
  size: string;
  statusColor: CellColor;
  latencyColor: CellColor;
}

/** One row's cells, each exactly its column's width. */
export function rowCells(exchange: Exchange, layout: ListLayout): RowCells {
  const { request, response } = exchange;
  const latency = exchangeLatencyMs(exchange);
  return {
    time: layout.showTime ? clockTime(request.firstByte.sec, request.firstByte.nsec) : '',
    client: fitMiddle(printable(clientName(exchange)), layout.client),
    server: fitMiddle(printable(serverName(exchange)), layout.server),
    method: fitEnd(printable(request.head.method), FIXED.method),
    path: fitEnd(printable(request.head.target), layout.path),
    status: fitEnd(statusText(exchange), FIXED.status),
    latency: (latency === undefined ? '-' : formatMs(Math.max(0, latency))).padStart(FIXED.latency),
    size: (response === undefined ? '-' : formatBytes(response.body.size)).padStart(FIXED.size),
    statusColor: statusColor(exchange),
    latencyColor: latencyColor(latency),
  };
}

/** The header line, each title padded like its column. */
export function headerCells(layout: ListLayout): string {
  const cells = [
    ...(layout.showTime ? ['TIME (UTC)'.padEnd(FIXED.time)] : []),
    fitEnd('CLIENT', layout.client),
    fitEnd('SERVER', layout.server),
    'METHOD'.padEnd(FIXED.method),
    fitEnd('PATH', layout.path),
    'STATUS'.padEnd(FIXED.status),
    'TOTAL ms'.padStart(FIXED.latency),
    'SIZE'.padStart(FIXED.size),
  ];
  return cells.join(' ');
}
