import type { Endpoint } from '../model/connection.js';
import { exchangeLatencyMs } from '../model/latency.js';
import type { Exchange } from '../model/exchange.js';
import type { TextOutput } from './text-output.js';

/**
 * The default terminal output: one fixed-width line per exchange.
 *   TIME      request first byte, HH:MM:SS.mmm UTC (capture time)
 *   CLIENT    container name, else ip:port
 *   SERVER    container name:port, else ip:port
 *   TOTAL     request first byte → response last byte, ms (what the client waited for the whole answer)
 *   SIZE      response body bytes as transferred (after de-chunking)
 * Everything taken from traffic is stripped of control characters: a captured path must not be able
 * to move the cursor or change colours in the reader's terminal.
 */
export interface TableOptions {
  /** ANSI colours for status classes; pass stream.isTTY (and respect NO_COLOR) in the CLI. */
  color?: boolean;
  /** Width of the PATH column (default 40). */
  pathWidth?: number;
}

const WIDTH = { time: 12, client: 21, server: 26, method: 7, status: 15, total: 10, size: 7 } as const;

const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;
const HAS_CONTROL = /[\x00-\x1f\x7f-\x9f]/;

function escapeControl(ch: string): string {
  return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** Control characters from traffic as \xNN, so captured text cannot drive the terminal. */
export function printable(text: string): string {
  return HAS_CONTROL.test(text) ? text.replace(CONTROL, escapeControl) : text;
}

/** Pads or shortens to exactly `width` characters, eliding in the middle (ends carry the meaning). */
export function fitMiddle(text: string, width: number): string {
  if (text.length <= width) return text.padEnd(width);
  if (width <= 1) return text.slice(0, width);
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return `${text.slice(0, head)}…${tail > 0 ? text.slice(text.length - tail) : ''}`;
}

/** Pads or shortens to exactly `width` characters, eliding at the end. */
export function fitEnd(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

function address(endpoint: Endpoint): string {
  return endpoint.ip.includes(':') ? `[${endpoint.ip}]:${endpoint.port}` : `${endpoint.ip}:${endpoint.port}`;
}

/** HH:MM:SS.mmm in UTC from capture time, without Date. */
export function clockTime(sec: number, nsec: number): string {
  const day = ((sec % 86400) + 86400) % 86400;
  const ms = Math.floor(nsec / 1e6);
  return `${twoDigits(Math.floor(day / 3600))}:${twoDigits(Math.floor((day % 3600) / 60))}:${twoDigits(day % 60)}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}`;
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

export function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 1000 ? ms.toFixed(1) : ms.toFixed(0);
}

export function formatBytes(n: number): string {
  if (n < 10_000) return `${n}`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  if (n < 1_000_000_000) return `${(n / 1e6).toFixed(1)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

const ANSI = { reset: '\x1b[0m', dim: '\x1b[2m', green: '\x1b[32m', cyan: '\x1b[36m', yellow: '\x1b[33m', red: '\x1b[31m', magenta: '\x1b[35m' };

function statusColor(status: number | undefined): string {
  if (status === undefined) return ANSI.magenta;
  if (status >= 500) return ANSI.red;
  if (status >= 400) return ANSI.yellow;
  if (status >= 300) return ANSI.cyan;
  if (status >= 200) return ANSI.green;
  return ANSI.dim;
}

/** The column header, preceded by a line that says what TOTAL measures. Ends with a newline. */
export function tableHeader(options: TableOptions = {}): string {
  const path = options.pathWidth ?? 40;
  const columns = [
    'TIME (UTC)'.padEnd(WIDTH.time),
    'CLIENT'.padEnd(WIDTH.client),
    'SERVER'.padEnd(WIDTH.server),
    'METHOD'.padEnd(WIDTH.method),
    'PATH'.padEnd(path),
    'STATUS'.padEnd(WIDTH.status),
    'TOTAL ms'.padStart(WIDTH.total),
    'SIZE'.padStart(WIDTH.size),
  ].join(' ');
  return `# TOTAL = request first byte → response last byte (ms); SIZE = response body bytes\n${columns.trimEnd()}\n`;
}

/** One line (with its newline) for one exchange. */
export function formatTableRow(exchange: Exchange, options: TableOptions = {}): string {
  const { request, response, connection } = exchange;
  const pathWidth = options.pathWidth ?? 40;
  const client = exchange.clientContainer?.name ?? address(connection.client);
  const server = exchange.serverContainer !== undefined ? `${exchange.serverContainer.name}:${connection.server.port}` : address(connection.server);
  const complete = exchange.termination === 'complete';
  const status = response === undefined ? `— ${exchange.termination}` : complete ? `${response.head.status}` : `${response.head.status} ${exchange.termination}`;
  const latency = exchangeLatencyMs(exchange);
  const total = latency === undefined ? '-' : formatMs(Math.max(0, latency));
  const size = response === undefined ? '-' : formatBytes(response.body.size);
  const time = clockTime(request.firstByte.sec, request.firstByte.nsec);
  let statusCell = fitEnd(status, WIDTH.status);
  let timeCell = time;
  if (options.color === true) {
    statusCell = `${statusColor(response?.head.status)}${statusCell}${ANSI.reset}`;
    timeCell = `${ANSI.dim}${time}${ANSI.reset}`;
  }
  return `${[
    timeCell,
    fitMiddle(printable(client), WIDTH.client),
    fitMiddle(printable(server), WIDTH.server),
    fitEnd(printable(request.head.method), WIDTH.method),
    fitMiddle(printable(request.head.target), pathWidth),
    statusCell,
    total.padStart(WIDTH.total),
    size.padStart(WIDTH.size),
  ].join(' ')}\n`;
}

/** Writes the header before the first row, then one row per exchange. */
export class TableSink {
  private headerWritten = false;

  constructor(
    private readonly out: TextOutput,
    private readonly options: TableOptions = {},
  ) {}

  write(exchange: Exchange): void {
    if (!this.headerWritten) {
      this.out.write(tableHeader(this.options));
      this.headerWritten = true;
    }
    this.out.write(formatTableRow(exchange, this.options));
  }
}
