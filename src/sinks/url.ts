import type { Endpoint } from '../model/connection.js';
import type { RequestHead } from '../model/exchange.js';
import type { HarNameValue } from './har-types.js';

/**
 * The absolute URL of a request (RFC 9112 §3.3, "reconstructing the target URI"), made a valid
 * RFC 3986 URI: bytes that may not appear raw are percent-encoded, so HAR validators and tools accept it.
 */

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
/** reg-name or IPv4, optional port. */
const REG_NAME_HOST = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+(?::\d*)?$/;
const IP_LITERAL_HOST = /^\[[0-9A-Fa-f:.]+\](?::\d*)?$/;
/** Anything not allowed raw in path/query, or a '%' that does not start an escape. */
const UNSAFE_PATH = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]|%(?![0-9A-Fa-f]{2})/gu;
/** The same test without the global and unicode flags: the common, clean target needs only this. */
const ANY_UNSAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]|%(?![0-9A-Fa-f]{2})/;

function escapeChar(ch: string): string {
  if (ch === '%') return '%25';
  const code = ch.codePointAt(0) ?? 0;
  // Parsers hand us the wire bytes as latin-1 code units: re-encode those bytes exactly.
  if (code < 0x100) return `%${code < 16 ? '0' : ''}${code.toString(16).toUpperCase()}`;
  if (code >= 0xd800 && code <= 0xdfff) return '%EF%BF%BD';
  return encodeURIComponent(ch);
}

/** Percent-encodes what RFC 3986 forbids in a path, query or fragment; keeps valid escapes. */
export function toUriSafe(pathQueryFragment: string): string {
  if (!ANY_UNSAFE.test(pathQueryFragment)) return pathQueryFragment;
  const hash = pathQueryFragment.indexOf('#');
  if (hash < 0) return pathQueryFragment.replace(UNSAFE_PATH, escapeChar);
  // Only one '#' may appear: later ones are data.
  const before = pathQueryFragment.slice(0, hash).replace(UNSAFE_PATH, escapeChar);
  const after = pathQueryFragment.slice(hash + 1).replace(UNSAFE_PATH, escapeChar);
  return `${before}#${after}`;
}

export function serverAuthority(server: Endpoint): string {
  const host = server.ip.includes(':') ? `[${server.ip}]` : server.ip;
  return server.port === 80 ? host : `${host}:${server.port}`;
}

function validHost(host: string): boolean {
  return REG_NAME_HOST.test(host) || IP_LITERAL_HOST.test(host);
}

function withoutDefaultPort(host: string): string {
  return host.endsWith(':80') ? host.slice(0, -3) : host;
}

/** `host`: the Host header value, if any. */
export function requestUrl(head: RequestHead, server: Endpoint, host: string | undefined): string {
  const target = head.target;
  if (head.method === 'CONNECT') {
    // Authority form: the effective URI is scheme + the target's own authority, empty path.
    return validHost(target) ? `http://${target}` : `http://${serverAuthority(server)}`;
  }
  if (ABSOLUTE_FORM.test(target)) return toUriSafe(target);
  const trimmedHost = host?.trim();
  const authority =
    trimmedHost !== undefined && trimmedHost !== '' && validHost(trimmedHost)
      ? withoutDefaultPort(trimmedHost)
      : serverAuthority(server);
  if (target === '*') return `http://${authority}`;
  const path = target.startsWith('/') ? target : `/${target}`;
  return `http://${authority}${toUriSafe(path)}`;
}

/** Decodes one application/x-www-form-urlencoded or query component; malformed escapes stay as sent. */
export function decodeComponent(raw: string): string {
  const spaced = raw.includes('+') ? raw.replace(/\+/g, ' ') : raw;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** name=value pairs of a query or a form body, decoded, in order; empty pieces skipped. */
export function parseParams(text: string): HarNameValue[] {
  const params: HarNameValue[] = [];
  if (text === '') return params;
  for (const piece of text.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    params.push(
      eq < 0
        ? { name: decodeComponent(piece), value: '' }
        : { name: decodeComponent(piece.slice(0, eq)), value: decodeComponent(piece.slice(eq + 1)) },
    );
  }
  return params;
}

/** The raw query of a URL (between '?' and '#'), or undefined when there is none. */
export function rawQuery(url: string): string | undefined {
  const question = url.indexOf('?');
  if (question < 0) return undefined;
  const hash = url.indexOf('#', question);
  return hash < 0 ? url.slice(question + 1) : url.slice(question + 1, hash);
}

export function parseQuery(url: string): HarNameValue[] {
  const query = rawQuery(url);
  return query === undefined ? [] : parseParams(query);
}
