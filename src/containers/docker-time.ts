import type { Timestamp } from '../model/time.js';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9})\d*)?(Z|z|[+-]\d{2}:?\d{2})$/;

/**
 * A Docker/Podman time (RFC 3339 with up to nanoseconds, as in State.StartedAt or /info SystemTime) as a
 * Timestamp, exactly. undefined for anything else, and for Go's zero time ("0001-01-01T00:00:00Z"),
 * which Docker writes for "never".
 */
export function parseRfc3339(text: unknown): Timestamp | undefined {
  if (typeof text !== 'string') return undefined;
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  if (year <= 1) return undefined;
  let ms = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (Number.isNaN(ms)) return undefined;
  const zone = m[8];
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const nsec = m[7] === undefined ? 0 : Number(m[7].padEnd(9, '0'));
  return { sec: ms / 1000, nsec };
}

/** RFC 3339 in UTC with all nine fraction digits: exact, sortable, readable ("2026-11-26T19:34:40.064794291Z"). */
export function formatRfc3339(ts: Timestamp): string {
  const base = new Date(ts.sec * 1000).toISOString().slice(0, 19);
  return `${base}.${String(ts.nsec).padStart(9, '0')}Z`;
}

/** Nanoseconds since 1970 as decimal digits (Docker's timeNano) → Timestamp, without losing precision. */
export function timestampFromNanoDigits(digits: string): Timestamp | undefined {
  if (!/^\d{1,20}$/.test(digits)) return undefined;
  const padded = digits.padStart(10, '0');
  return { sec: Number(padded.slice(0, -9)), nsec: Number(padded.slice(-9)) };
}

/** Seconds (fractional allowed) → Timestamp, for Docker's `time` field and `since` query values. */
export function timestampFromSeconds(seconds: number): Timestamp {
  const sec = Math.floor(seconds);
  return { sec, nsec: Math.min(999_999_999, Math.round((seconds - sec) * 1e9)) };
}

/** "sec.nnnnnnnnn": the form Docker's events API accepts for `since`/`until`. */
export function toDockerSince(ts: Timestamp): string {
  return `${ts.sec}.${String(ts.nsec).padStart(9, '0')}`;
}
