import { HopscopeError } from '../model/errors.js';
import { mediaType } from './body-text.js';
import type { HarCookie, HarEntry, HarNameValue } from './har-types.js';
import { decodeComponent } from './url.js';

/**
 * Credential redaction for exported entries (HAR, --jsonl), on by default. It rewrites the HAR entry,
 * never the Exchange, so the live view and the counts are unaffected. What it touches:
 *  - Authorization / Proxy-Authorization: the credentials after the scheme ("Bearer [redacted]");
 *  - Cookie / Set-Cookie: every cookie value (names and attributes stay), and the cookies arrays;
 *  - headers, query parameters (in the URL, queryString, redirectURL, Location, Referer), form fields
 *    and JSON fields whose name is sensitive: the default list below or a --redact pattern.
 * Base64 bodies and multipart bodies are left as they are.
 */
export const REDACTED = '[redacted]';
const REDACTED_IN_URL = '%5Bredacted%5D';
const REDACTED_JSON = '"[redacted]"';

/** Names compare case-insensitively with '-', '_', '.' and spaces removed: "X-Api-Key" → "xapikey". */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_. ]/g, '');
}

/** Short words that are credentials only as the whole name ("key" but not "monkey" or "sort_key"). */
const EXACT = new Set(['key', 'auth', 'session', 'sid', 'pwd', 'pass', 'passphrase', 'sig', 'otp', 'jsessionid', 'phpsessid', 'authorization', 'proxyauthorization', 'cookie', 'setcookie']);
/** Endings that make any name a credential: "access_token", "X-Auth-Token", "x-api-key", "db_session_id". */
const SUFFIXES = ['token', 'apikey', 'accesskey', 'secretkey', 'privatekey', 'sessionid', 'sessionkey', 'signature', 'credential', 'credentials', 'auth'];
/** Words that make a name a credential wherever they appear: "password_confirmation", "client_secret". */
const CONTAINS = ['password', 'passwd', 'secret'];

/** The default list: token, access_token, refresh_token, password, passwd, secret, client_secret, api_key, apikey, key, session, auth… */
export function isDefaultSensitiveName(name: string): boolean {
  const normalized = normalizeName(name);
  if (EXACT.has(normalized)) return true;
  for (const suffix of SUFFIXES) if (normalized.endsWith(suffix)) return true;
  for (const word of CONTAINS) if (normalized.includes(word)) return true;
  return false;
}

export type NameMatcher = (name: string) => boolean;

/**
 * One --redact PATTERN: "/regex/flags" tested against the name as sent, or a plain name compared like
 * the defaults (case and '-', '_', '.' ignored). Throws a usage error for an invalid regex.
 */
export function parseRedactPattern(pattern: string): NameMatcher {
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  if (regex !== null) {
    let compiled: RegExp;
    try {
      compiled = new RegExp(regex[1], regex[2].replace(/[gy]/g, ''));
    } catch (error) {
      throw new HopscopeError('usage', `--redact ${pattern}: not a valid regular expression (${(error as Error).message})`);
    }
    return (name) => compiled.test(name);
  }
  const wanted = normalizeName(pattern);
  if (wanted === '') throw new HopscopeError('usage', `--redact '${pattern}': give a header, parameter or field name, or /regex/`);
  return (name) => normalizeName(name) === wanted;
}

export interface RedactionOptions {
  /** false: export credentials as captured (--no-redact). Default true. */
  enabled?: boolean;
  /** --redact patterns, added to the defaults. */
  patterns?: string[];
}

/** Rewrites an entry in place and returns it. */
export type EntryRedactor = (entry: HarEntry) => HarEntry;

export function createRedactor(options: RedactionOptions = {}): EntryRedactor {
  if (options.enabled === false) return (entry) => entry;
  const extra = (options.patterns ?? []).map(parseRedactPattern);
  const matches: NameMatcher =
    extra.length === 0
      ? isDefaultSensitiveName
      : (name) => {
          if (isDefaultSensitiveName(name)) return true;
          for (const matcher of extra) if (matcher(name)) return true;
          return false;
        };
  // The same few header, parameter and field names come back in every entry: decide each once.
  const isSensitive = memoize(matches);
  const headerKind = memoize((name: string): HeaderKind => classifyHeader(name, matches));
  return (entry) => redactEntry(entry, isSensitive, headerKind);
}

/** A per-redactor cache, bounded because names come from traffic. */
function memoize<T>(decide: (name: string) => T, limit = 4096): (name: string) => T {
  const cache = new Map<string, T>();
  return (name) => {
    let result = cache.get(name);
    if (result === undefined) {
      result = decide(name);
      if (cache.size >= limit) cache.clear();
      cache.set(name, result);
    }
    return result;
  };
}

const enum HeaderKind {
  Keep,
  Credentials,
  Cookie,
  SetCookie,
  Sensitive,
  Url,
}

function classifyHeader(name: string, isSensitive: NameMatcher): HeaderKind {
  const lower = name.toLowerCase();
  if (lower === 'authorization' || lower === 'proxy-authorization') return HeaderKind.Credentials;
  if (lower === 'cookie') return HeaderKind.Cookie;
  if (lower === 'set-cookie') return HeaderKind.SetCookie;
  if (isSensitive(name)) return HeaderKind.Sensitive;
  if (lower === 'location' || lower === 'referer' || lower === 'content-location') return HeaderKind.Url;
  return HeaderKind.Keep;
}

type HeaderClassifier = (name: string) => HeaderKind;

function redactEntry(entry: HarEntry, isSensitive: NameMatcher, headerKind: HeaderClassifier): HarEntry {
  const { request, response } = entry;
  request.url = redactUrl(request.url, isSensitive);
  redactParams(request.queryString, isSensitive);
  redactHeaders(request.headers, isSensitive, headerKind);
  redactCookies(request.cookies);
  if (request._trailers !== undefined) redactHeaders(request._trailers, isSensitive, headerKind);
  const postData = request.postData;
  if (postData !== undefined) {
    if (postData.params !== undefined) redactParams(postData.params, isSensitive);
    if (postData.encoding === undefined) postData.text = redactBodyText(postData.text, postData.mimeType, isSensitive);
  }
  redactHeaders(response.headers, isSensitive, headerKind);
  redactCookies(response.cookies);
  if (response._trailers !== undefined) redactHeaders(response._trailers, isSensitive, headerKind);
  response.redirectURL = redactUrl(response.redirectURL, isSensitive);
  const content = response.content;
  if (content.text !== undefined && content.encoding === undefined) content.text = redactBodyText(content.text, content.mimeType, isSensitive);
  if (entry._interim !== undefined) for (const interim of entry._interim) redactHeaders(interim.headers, isSensitive, headerKind);
  return entry;
}

function redactCookies(cookies: HarCookie[]): void {
  for (const cookie of cookies) cookie.value = REDACTED;
}

function redactParams(params: HarNameValue[], isSensitive: NameMatcher): void {
  for (const param of params) if (isSensitive(param.name)) param.value = REDACTED;
}

/** Header values are replaced, never mutated in place: the objects are the entry's own. */
function redactHeaders(headers: HarNameValue[], isSensitive: NameMatcher, headerKind: HeaderClassifier): void {
  for (let i = 0; i < headers.length; i++) {
    const { name, value } = headers[i];
    let redacted: string;
    switch (headerKind(name)) {
      case HeaderKind.Keep:
        continue;
      case HeaderKind.Credentials:
        redacted = redactCredentials(value);
        break;
      case HeaderKind.Cookie:
        redacted = redactCookieHeader(value);
        break;
      case HeaderKind.SetCookie:
        redacted = redactSetCookie(value);
        break;
      case HeaderKind.Sensitive:
        redacted = REDACTED;
        break;
      case HeaderKind.Url:
        redacted = redactUrl(value, isSensitive);
        if (redacted === value) continue;
        break;
    }
    headers[i] = { name, value: redacted };
  }
}

/** "Bearer abc" → "Bearer [redacted]": the scheme says how the client authenticated, and is no secret. */
function redactCredentials(value: string): string {
  const match = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s+\S/.exec(value);
  return match === null ? REDACTED : `${match[1]} ${REDACTED}`;
}

function redactCookieHeader(value: string): string {
  return value
    .split(';')
    .map((piece) => {
      const eq = piece.indexOf('=');
      return eq < 0 ? (piece.trim() === '' ? piece : ` ${REDACTED}`) : `${piece.slice(0, eq)}=${REDACTED}`;
    })
    .join(';');
}

function redactSetCookie(value: string): string {
  const semicolon = value.indexOf(';');
  const first = semicolon < 0 ? value : value.slice(0, semicolon);
  const rest = semicolon < 0 ? '' : value.slice(semicolon);
  const eq = first.indexOf('=');
  return `${eq < 0 ? '' : first.slice(0, eq + 1)}${REDACTED}${rest}`;
}

/** Rewrites sensitive values in name=value&… text; `replacement` is already encoded for its context. */
function redactPairs(text: string, isSensitive: NameMatcher, replacement: string): string {
  let changed = false;
  const pieces = text.split('&');
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    if (isSensitive(decodeComponent(piece.slice(0, eq)))) {
      pieces[i] = `${piece.slice(0, eq + 1)}${replacement}`;
      changed = true;
    }
  }
  return changed ? pieces.join('&') : text;
}

/** The query and a name=value fragment (OAuth implicit flow puts tokens there) of a URL. */
export function redactUrl(url: string, isSensitive: NameMatcher): string {
  const question = url.indexOf('?');
  const hash = url.indexOf('#');
  if (question < 0 && hash < 0) return url;
  const queryEnd = hash < 0 ? url.length : hash;
  let out = url;
  if (hash >= 0 && url.indexOf('=', hash) > 0) {
    out = `${url.slice(0, hash + 1)}${redactPairs(url.slice(hash + 1), isSensitive, REDACTED_IN_URL)}`;
  }
  if (question >= 0 && question < queryEnd) {
    out = `${out.slice(0, question + 1)}${redactPairs(url.slice(question + 1, queryEnd), isSensitive, REDACTED_IN_URL)}${out.slice(queryEnd)}`;
  }
  return out;
}

function redactBodyText(text: string, mimeType: string, isSensitive: NameMatcher): string {
  const media = mediaType(mimeType);
  if (media === 'application/x-www-form-urlencoded') return redactPairs(text, isSensitive, REDACTED_IN_URL);
  if (media.endsWith('json') || media.endsWith('+json') || /^\s*[[{]/.test(text)) return redactJsonText(text, isSensitive);
  return text;
}

/** A JSON string literal followed by ':' is an object key. */
const JSON_KEY = /"((?:[^"\\]|\\.)*)"\s*:/g;

/**
 * Replaces the values of sensitive keys in JSON text by "[redacted]", whatever their type, keeping the
 * rest byte for byte. Works on a body cut by the cap (an unterminated value is redacted to the end),
 * and is a plain scan: no parse of the whole document.
 */
export function redactJsonText(text: string, isSensitive: NameMatcher): string {
  let out: string[] | undefined;
  let copied = 0;
  const keys = new RegExp(JSON_KEY.source, 'g');
  for (let match = keys.exec(text); match !== null; match = keys.exec(text)) {
    const rawKey = match[1];
    const key = rawKey.includes('\\') ? unescapeJsonKey(rawKey) : rawKey;
    if (!isSensitive(key)) continue;
    let start = keys.lastIndex;
    while (start < text.length && isJsonSpace(text.charCodeAt(start))) start++;
    if (start >= text.length) break;
    const end = jsonValueEnd(text, start);
    out ??= [];
    out.push(text.slice(copied, start), REDACTED_JSON);
    copied = end;
    keys.lastIndex = end;
  }
  if (out === undefined) return text;
  out.push(text.slice(copied));
  return out.join('');
}

function unescapeJsonKey(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** End (exclusive) of the JSON value starting at `start`, or the text's end when it is cut short. */
function jsonValueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === 0x22) return stringEnd(text, start);
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    let i = start;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i = stringEnd(text, i);
        continue;
      }
      if (code === 0x7b || code === 0x5b) depth++;
      else if (code === 0x7d || code === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return text.length;
  }
  let i = start;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x2c || code === 0x7d || code === 0x5d || isJsonSpace(code)) break;
    i++;
  }
  return i;
}

function stringEnd(text: string, quote: number): number {
  let i = quote + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x5c) i += 2;
    else if (code === 0x22) return i + 1;
    else i++;
  }
  return text.length;
}
