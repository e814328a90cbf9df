import type { Timestamp } from '../model/time.js';
import { addSeconds, toIsoMicros } from '../model/time.js';
import type { HarCookie } from './har-types.js';

/** Latest instant an ISO 8601 date-time with a 4-digit year can name. */
const MAX_MS = 253402300799999;

/** Cookies of one Cookie header value ("a=1; b=2"). */
export function parseCookieHeader(value: string, into: HarCookie[]): void {
  for (const piece of value.split(';')) {
    const part = piece.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    into.push(eq < 0 ? { name: '', value: part } : { name: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() });
  }
}

/**
 * One Set-Cookie header value. Max-Age wins over Expires (RFC 6265 §5.3) and counts from `received`,
 * the capture time of the response, never from the clock of the machine reading the capture.
 */
export function parseSetCookie(value: string, received: Timestamp): HarCookie {
  const pieces = value.split(';');
  const first = pieces[0].trim();
  const eq = first.indexOf('=');
  const cookie: HarCookie =
    eq < 0 ? { name: '', value: first } : { name: first.slice(0, eq).trim(), value: first.slice(eq + 1).trim() };
  let expires: string | undefined;
  let maxAge: string | undefined;
  for (let i = 1; i < pieces.length; i++) {
    const attribute = pieces[i].trim();
    const aeq = attribute.indexOf('=');
    const name = (aeq < 0 ? attribute : attribute.slice(0, aeq)).trim().toLowerCase();
    const attributeValue = aeq < 0 ? '' : attribute.slice(aeq + 1).trim();
    if (name === 'path') cookie.path = attributeValue;
    else if (name === 'domain') cookie.domain = attributeValue;
    else if (name === 'expires') expires = attributeValue;
    else if (name === 'max-age') maxAge = attributeValue;
    else if (name === 'httponly') cookie.httpOnly = true;
    else if (name === 'secure') cookie.secure = true;
  }
  if (maxAge !== undefined && /^-?\d+$/.test(maxAge)) {
    const seconds = Number(maxAge);
    const ms = received.sec * 1000 + seconds * 1000;
    // Zero or negative Max-Age expires the cookie at once.
    if (ms <= MAX_MS) cookie.expires = toIsoMicros(seconds > 0 ? addSeconds(received, seconds) : { sec: 0, nsec: 0 });
  } else if (expires !== undefined) {
    const ms = Date.parse(expires);
    if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_MS) cookie.expires = new Date(ms).toISOString();
  }
  return cookie;
}
