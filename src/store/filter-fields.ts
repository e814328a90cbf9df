import type { Exchange } from '../model/exchange.js';
import { exchangeLatencyMs } from '../model/latency.js';

/** A field the filter language can test, read from an exchange. */
export interface FilterField {
  kind: 'number' | 'text';
  /** For numbers: the unit suffixes a value may carry and their factor to the field's own unit. */
  units?: Record<string, number>;
  read(exchange: Exchange): number | string | string[] | undefined;
}

function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q === -1 ? target : target.slice(0, q);
}

function headerValue(exchange: Exchange, name: string): string | undefined {
  const lower = name.toLowerCase();
  return exchange.request.head.headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** Names an end of the exchange by everything a user may type for it: container, service, address. */
function endNames(ip: string, port: number, container: Exchange['clientContainer']): string[] {
  const names = [ip, `${ip}:${port}`];
  // An IPv6 address with a port is written [addr]:port, as the trees and the containers view name it.
  if (ip.includes(':')) names.push(`[${ip}]:${port}`);
  if (container) {
    names.push(container.name);
    if (container.composeService) names.push(container.composeService);
    if (container.id) names.push(container.id.slice(0, 12));
  }
  return names;
}

const timeUnits = { ms: 1, s: 1000, us: 0.001, µs: 0.001 };
const sizeUnits = { b: 1, kb: 1024, k: 1024, mb: 1024 * 1024, m: 1024 * 1024 };

export const filterFields: Record<string, FilterField> = {
  status: { kind: 'number', read: (e) => e.response?.head.status ?? 0 },
  method: { kind: 'text', read: (e) => e.request.head.method },
  path: { kind: 'text', read: (e) => pathOf(e.request.head.target) },
  url: { kind: 'text', read: (e) => e.request.head.target },
  host: { kind: 'text', read: (e) => headerValue(e, 'host') },
  client: {
    kind: 'text',
    read: (e) => endNames(e.connection.client.ip, e.connection.client.port, e.clientContainer),
  },
  server: {
    kind: 'text',
    read: (e) => endNames(e.connection.server.ip, e.connection.server.port, e.serverContainer),
  },
  port: { kind: 'number', read: (e) => e.connection.server.port },
  latency: { kind: 'number', units: timeUnits, read: exchangeLatencyMs },
  size: { kind: 'number', units: sizeUnits, read: (e) => e.response?.body.size },
  'request-size': { kind: 'number', units: sizeUnits, read: (e) => e.request.body.size },
  termination: { kind: 'text', read: (e) => e.termination },
  anomaly: { kind: 'text', read: (e) => e.anomalies.map((a) => a.code) },
  connection: { kind: 'text', read: (e) => e.connection.id },
};

/** Short names a user may guess. */
export const fieldAliases: Record<string, string> = {
  code: 'status',
  time: 'latency',
  dst: 'server',
  src: 'client',
  to: 'server',
  from: 'client',
  term: 'termination',
};
