import type { Endpoint } from '../model/connection.js';
import type { Exchange } from '../model/exchange.js';

/**
 * How trees and their summary name things: a container by its name when known, else the address
 * (the server with its port; the client without its ephemeral one).
 */
export function serverName(exchange: Exchange): string {
  return exchange.serverContainer?.name ?? address(exchange.connection.server, true);
}

export function clientName(exchange: Exchange): string {
  return exchange.clientContainer?.name ?? address(exchange.connection.client, false);
}

function address(endpoint: Endpoint, withPort: boolean): string {
  const ip = endpoint.ip.includes(':') && withPort ? `[${endpoint.ip}]` : endpoint.ip;
  return withPort ? `${ip}:${endpoint.port}` : ip;
}

/** Path segments that are ids (numbers, UUIDs, long hex) become ":id", so /users/3 and /users/4 are one endpoint. */
const ID_SEGMENT = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[a-f]*\d)[0-9a-f]{12,})(?:\.[a-z0-9]+)?$/i;

/** The request target without query or fragment, id segments replaced. */
export function normalizedPath(target: string): string {
  let end = target.length;
  const q = target.indexOf('?');
  if (q >= 0) end = q;
  const h = target.indexOf('#');
  if (h >= 0 && h < end) end = h;
  let path = target.slice(0, end);
  // Absolute form (proxies): keep the path only.
  const scheme = path.indexOf('://');
  if (scheme >= 0) {
    const slash = path.indexOf('/', scheme + 3);
    path = slash < 0 ? '/' : path.slice(slash);
  }
  if (path.indexOf('/') < 0) return path;
  return path
    .split('/')
    .map((segment) => (ID_SEGMENT.test(segment) ? ':id' : segment))
    .join('/');
}

/** "GET users /users/:id": one endpoint of one service. */
export function endpointKey(exchange: Exchange): string {
  return `${exchange.request.head.method} ${serverName(exchange)} ${normalizedPath(exchange.request.head.target)}`;
}
