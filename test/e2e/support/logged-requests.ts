import type { HarEntry } from '../../../src/sinks/har-types.js';
import { headerValue, urlPath } from './har-lines.js';

/**
 * One request as the server that answered it logged it: the ground truth an exchange is checked
 * against. Hop services and the testbed's nginx both log peer, method, url, status, the response body
 * bytes they sent (after gzip) and the traceparent they saw, which is unique per request and hop.
 */
export interface LoggedRequest {
  server: string;
  serverIp: string;
  /** The client's ip:port as the server saw it. */
  peer: string;
  method: string;
  path: string;
  status: number;
  resBytes: number;
  traceparent: string;
}

/** The request lines of a server's log (lines with a method), tagged with the address it was reached at. */
export function loggedRequests(server: string, serverIp: string, lines: Record<string, unknown>[]): LoggedRequest[] {
  return lines
    .filter((line) => typeof line.method === 'string')
    .map((line) => ({
      server,
      serverIp,
      peer: String(line.peer),
      method: String(line.method),
      path: urlPath(String(line.url)),
      status: Number(line.status),
      resBytes: Number(line.resBytes),
      traceparent: String((line.seen as { traceparent?: string | null } | undefined)?.traceparent ?? ''),
    }));
}

/**
 * Every logged request against the entries: each must match exactly one entry by traceparent, with the
 * same client ip:port, server ip, method, path, status and response body size; and no entry may be
 * left over. Returns what does not match, one line each (empty when everything does).
 */
export function compareWithLogs(entries: HarEntry[], logged: LoggedRequest[]): string[] {
  const problems: string[] = [];
  const byTrace = new Map<string, HarEntry[]>();
  for (const entry of entries) {
    const trace = headerValue(entry.request.headers, 'traceparent') ?? '(none)';
    byTrace.set(trace, [...(byTrace.get(trace) ?? []), entry]);
  }
  const used = new Set<HarEntry>();
  for (const want of logged) {
    const found = byTrace.get(want.traceparent) ?? [];
    const what = `${want.method} ${want.path} ${want.peer} → ${want.server} ${want.serverIp}`;
    if (found.length !== 1) {
      problems.push(`${what}: ${found.length} entries with traceparent ${want.traceparent}`);
      continue;
    }
    const [e] = found;
    used.add(e);
    const got = {
      peer: `${e._clientIPAddress}:${e._clientPort}`,
      serverIp: e.serverIPAddress,
      method: e.request.method,
      path: urlPath(e.request.url),
      status: e.response.status,
      resBytes: e.response.bodySize,
    };
    const expected = { peer: want.peer, serverIp: want.serverIp, method: want.method, path: want.path, status: want.status, resBytes: want.resBytes };
    if (JSON.stringify(got) !== JSON.stringify(expected)) problems.push(`${what}: entry ${JSON.stringify(got)} ≠ log ${JSON.stringify(expected)}`);
  }
  for (const e of entries) {
    if (!used.has(e)) problems.push(`entry not in any log: ${e.request.method} ${e.request.url} from ${e._clientIPAddress}:${e._clientPort} (${e._termination})`);
  }
  return problems;
}

/**
 * The requests a testbed client-loop logged (its own view: local ip:port, the URL's host, the raw
 * response body bytes after chunk framing). serverNames maps an address to the server's name.
 */
export function clientRequests(lines: Record<string, unknown>[], serverNames: Map<string, string>): LoggedRequest[] {
  return lines
    .filter((line) => typeof line.method === 'string' && line.summary === undefined)
    .map((line) => {
      const target = new URL(String(line.url));
      // IPv6 literals come bracketed in URLs, bare in addresses.
      const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
      return {
        server: serverNames.get(host) ?? host,
        serverIp: host,
        peer: String(line.local),
        method: String(line.method),
        path: target.pathname,
        status: Number(line.status),
        resBytes: Number(line.resBytes),
        traceparent: String((line.sent as { traceparent?: string | null } | undefined)?.traceparent ?? ''),
      };
    });
}
