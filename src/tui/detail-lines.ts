import { decodeBody } from '../http/index.js';
import { exchangeLatencyMs } from '../model/latency.js';
import type { Exchange, HttpHeader, HttpMessage, RequestHead, ResponseHead, Termination } from '../model/exchange.js';
import type { Endpoint } from '../model/connection.js';
import { diffMs } from '../model/time.js';
import { mediaType, renderBytes } from '../sinks/body-text.js';
import { harTimings } from '../sinks/har-timings.js';
import { formatBytes, formatMs, printable } from '../sinks/table-sink.js';
import type { TraceLink } from '../trace/index.js';
import { hexLines } from './hex-lines.js';
import { jsonLines } from './json-lines.js';
import { statusColor } from './list-columns.js';
import { span, wrapLines, type Span, type StyledLine } from './styled-line.js';

export type DetailTab = 'request' | 'response';

/** Most body bytes the detail view lays out (after decoding); the rest is announced, not shown. */
export const DETAIL_MAX_BYTES = 256 * 1024;

const TERMINATION_TEXT: Record<Termination, string> = {
  complete: 'complete',
  'no-response': 'no response: the connection closed before one came',
  gap: 'bytes were lost in a capture gap, so the rest could not be read',
  reset: 'the connection was reset',
  'capture-end': 'the capture ended first',
};

/**
 * The detail of one exchange as styled lines, wrapped to `width`: an overview (ends, connection,
 * timings, how it ended, anomalies), then the request or the response (`tab`): start line, headers,
 * the body decoded. Pure, so it is computed once per exchange, tab and width, and scrolled by index.
 */
export function detailLines(exchange: Exchange, tab: DetailTab, width: number, link?: TraceLink): StyledLine[] {
  const lines = [...overviewLines(exchange, link), [], ...tabLine(tab), []];
  if (tab === 'request') lines.push(...messageLines(requestStartLine(exchange.request.head), exchange.request, width));
  else if (exchange.response === undefined) lines.push([span('no response', { color: 'magenta' })], [span(TERMINATION_TEXT[exchange.termination], { dim: true })]);
  else {
    for (const interim of exchange.interim) {
      lines.push(responseStartLine(interim.head, exchange), ...headerLines(interim.head.headers), []);
    }
    lines.push(...messageLines(responseStartLine(exchange.response.head, exchange), exchange.response, width));
  }
  return wrapLines(lines, width);
}

function tabLine(tab: DetailTab): StyledLine[] {
  const item = (name: DetailTab) => span(` ${name} `, tab === name ? { bold: true, color: 'cyan' } : { dim: true });
  return [[span('── '), item('request'), span(' '), item('response'), span('  (Tab switches)', { dim: true })]];
}

function address(endpoint: Endpoint): string {
  return endpoint.ip.includes(':') ? `[${endpoint.ip}]:${endpoint.port}` : `${endpoint.ip}:${endpoint.port}`;
}

function ms(value: number): string {
  return `${formatMs(value)} ms`;
}

function overviewLines(exchange: Exchange, link: TraceLink | undefined): StyledLine[] {
  const { connection, request, response } = exchange;
  const latency = exchangeLatencyMs(exchange);
  const lines: StyledLine[] = [];
  lines.push([
    span(printable(request.head.method), { bold: true }),
    span(` ${printable(request.head.target)} → `),
    response === undefined ? span('no response', { color: 'magenta' }) : span(`${response.head.status} ${printable(response.head.reason)}`, { color: statusColor(exchange) }),
    span(latency === undefined ? '' : `  ${ms(Math.max(0, latency))}`, { bold: true }),
  ]);
  const client = exchange.clientContainer?.name;
  const server = exchange.serverContainer?.name;
  lines.push([
    label('tcp'),
    span(`${client !== undefined ? `${printable(client)} ` : ''}${address(connection.client)} → ${server !== undefined ? `${printable(server)} ` : ''}${address(connection.server)}`),
  ]);
  const handshake = connection.handshake;
  const shake =
    handshake.syn !== undefined && handshake.ack !== undefined
      ? `handshake ${ms(diffMs(handshake.ack, handshake.syn))} (SYN → ACK)`
      : 'handshake not captured (the connection was open before the capture)';
  lines.push([label('connection'), span(`${connection.id}, exchange ${connection.index + 1} on it; ${shake}`)]);
  const t = harTimings(exchange);
  // Units once at the end so the line fits 80 columns; a timing that does not apply (-1) is left out.
  const timing = (name: string, value: number) => (value < 0 ? [] : [span(`${name} `, { dim: true }), span(`${formatMs(value)}  `)]);
  lines.push([
    label('timings ms'),
    ...timing('connect', t.connect),
    ...timing('send', t.send),
    ...timing('wait', t.wait),
    ...timing('receive', t.receive),
    ...(latency === undefined ? [] : [span('total ', { dim: true }), span(formatMs(Math.max(0, latency)), { bold: true })]),
  ]);
  lines.push([label('ended'), span(TERMINATION_TEXT[exchange.termination], exchange.termination === 'complete' ? {} : { color: 'magenta' })]);
  if (link !== undefined) {
    lines.push([label('trace'), span(`${link.traceId}, depth ${link.depth}${link.parentId === undefined ? ' (root)' : `, parent ${link.parentId}${link.inferred ? ' (inferred from timing)' : ''}`}  (w: waterfall)`)]);
  }
  for (const anomaly of exchange.anomalies) {
    lines.push([label('anomaly'), span(anomaly.code, { color: 'yellow' }), span(` ${printable(anomaly.message)}`)]);
  }
  return lines;
}

function label(name: string): Span {
  return span(name.padEnd(11), { dim: true });
}

function requestStartLine(head: RequestHead): StyledLine {
  return [span(printable(head.method), { bold: true }), span(` ${printable(head.target)} ${head.httpVersion}`)];
}

function responseStartLine(head: ResponseHead, exchange: Exchange): StyledLine {
  const color = head.status < 200 ? undefined : statusColor(exchange);
  return [span(`${head.httpVersion} `), span(`${head.status} ${printable(head.reason)}`, { bold: true, color })];
}

function headerLines(headers: HttpHeader[]): StyledLine[] {
  return headers.map((h) => [span(printable(h.name), { color: 'cyan' }), span(`: ${printable(h.value)}`)]);
}

function headerValue(headers: HttpHeader[], name: string): string {
  return headers
    .filter((h) => h.name.toLowerCase() === name)
    .map((h) => h.value.trim())
    .join(', ');
}

function messageLines(startLine: StyledLine, message: HttpMessage<RequestHead | ResponseHead>, width: number): StyledLine[] {
  const headers = message.head.headers;
  const lines: StyledLine[] = [startLine, ...headerLines(headers), []];
  lines.push(...bodyLines(message, width));
  if (message.body.trailers.length > 0) lines.push([], [span('trailers', { dim: true })], ...headerLines(message.body.trailers));
  return lines;
}

const note = (text: string, warn = false): StyledLine => [span(text, warn ? { color: 'yellow' } : { dim: true })];

/** The body: what is known about it, then its bytes decoded and laid out as JSON, text or hex. */
function bodyLines(message: HttpMessage<RequestHead | ResponseHead>, width: number): StyledLine[] {
  const { body, head } = message;
  if (body.size === 0 && body.lostBytes === 0) return [note('no body')];
  const lines: StyledLine[] = [];
  lines.push(note(`body ${body.size} bytes${body.chunked ? ', chunked' : ''}`));
  if (body.truncated) lines.push(note(`truncated at ${body.data.length} of ${body.size} bytes (the capture's body cap)`, true));
  if (body.lostBytes > 0) lines.push(note(`${body.lostBytes} bytes lost in capture gaps (not shown)`, true));
  let bytes = body.data;
  let incomplete = body.truncated || body.lostBytes > 0;
  const encoding = headerValue(head.headers, 'content-encoding');
  if (encoding !== '' && encoding.toLowerCase() !== 'identity' && bytes.length > 0) {
    const decoded = decodeBody(bytes, encoding, DETAIL_MAX_BYTES + 1);
    if (decoded.decoded) {
      lines.push(note(`decoded from ${printable(encoding)}: ${body.data.length} → ${decoded.data.length} bytes`));
      bytes = decoded.data;
    } else {
      lines.push(note(`shown as sent (${printable(encoding)})`, true));
    }
    if (decoded.error !== undefined) {
      lines.push(note(`decoding: ${printable(decoded.error)}`, true));
      incomplete = true;
    }
  }
  if (bytes.length > DETAIL_MAX_BYTES) {
    lines.push(note(`showing the first ${formatBytes(DETAIL_MAX_BYTES)} bytes of ${formatBytes(bytes.length)}`, true));
    bytes = bytes.subarray(0, DETAIL_MAX_BYTES);
    incomplete = true;
  }
  if (bytes.length === 0) return lines;
  lines.push([]);
  const media = mediaType(headerValue(head.headers, 'content-type'));
  const rendered = renderBytes(bytes, media, incomplete);
  if (rendered.base64) return [...lines, ...hexLines(bytes, width)];
  if (looksLikeJson(media, rendered.text)) return [...lines, ...jsonLines(rendered.text)];
  return [...lines, ...textLines(rendered.text)];
}

function looksLikeJson(media: string, text: string): boolean {
  if (media === 'application/json' || media.endsWith('+json') || media === 'application/x-ndjson') return true;
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function textLines(text: string): StyledLine[] {
  return text.split('\n').map((line) => [span(printable(line.replace(/\r$/, '').replace(/\t/g, '  ')))]);
}
