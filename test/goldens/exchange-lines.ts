import type { Exchange } from '../../src/model/exchange.js';
import { diffNs } from '../../src/model/time.js';

function micros(ns: number): string {
  return `${(ns / 1000).toFixed(3)}µs`;
}

/**
 * One stable text line per exchange: what a golden pins. Everything a reader of the exchange model
 * relies on is in it: roles, request line, statuses, termination, body sizes, timing, anomalies.
 */
export function exchangeLine(e: Exchange): string {
  const { connection: c, request, response } = e;
  const interim = e.interim.map((m) => m.head.status).join(',');
  const status = response ? `${response.head.status}` : '-';
  const reqBody = `${request.body.size}${request.body.lostBytes ? `-${request.body.lostBytes}lost` : ''}${request.body.truncated ? '+cut' : ''}`;
  const respBody = response
    ? `${response.body.size}${response.body.lostBytes ? `-${response.body.lostBytes}lost` : ''}${response.body.truncated ? '+cut' : ''}${response.body.chunked ? ' chunked' : ''}`
    : '-';
  const timing = response ? micros(diffNs(response.lastByte, request.firstByte)) : '-';
  const anomalies = e.anomalies.map((a) => a.code).join(',');
  return [
    `${e.seq} ${c.id}#${c.index}`,
    `${c.client.ip}:${c.client.port} > ${c.server.ip}:${c.server.port}`,
    `${request.head.method} ${JSON.stringify(request.head.target)} ${request.head.httpVersion}`,
    `${interim ? `${interim} ` : ''}${status}`,
    e.termination,
    `req ${reqBody} resp ${respBody}`,
    timing,
    anomalies,
  ].join(' | ');
}
