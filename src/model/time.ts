/**
 * Capture time. Seconds and nanoseconds are kept apart because a JavaScript number cannot hold
 * nanoseconds since 1970 exactly, and latency must keep the precision the source gave.
 */
export interface Timestamp {
  readonly sec: number;
  /** 0 ≤ nsec < 1e9 */
  readonly nsec: number;
}

export function timestamp(sec: number, nsec: number): Timestamp {
  return { sec, nsec };
}

/** later − earlier in nanoseconds (exact while the difference is under ~104 days). */
export function diffNs(later: Timestamp, earlier: Timestamp): number {
  return (later.sec - earlier.sec) * 1e9 + (later.nsec - earlier.nsec);
}

/** later − earlier in milliseconds. */
export function diffMs(later: Timestamp, earlier: Timestamp): number {
  return diffNs(later, earlier) / 1e6;
}

export function compareTs(a: Timestamp, b: Timestamp): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}

export function maxTs(a: Timestamp, b: Timestamp): Timestamp {
  return compareTs(a, b) >= 0 ? a : b;
}

/** Adds whole seconds (may be fractional) to a timestamp. */
export function addSeconds(ts: Timestamp, seconds: number): Timestamp {
  const whole = Math.floor(seconds);
  let nsec = ts.nsec + Math.round((seconds - whole) * 1e9);
  let sec = ts.sec + whole;
  if (nsec >= 1e9) {
    nsec -= 1e9;
    sec += 1;
  }
  return { sec, nsec };
}

/** ISO 8601 with microseconds and an explicit offset, as HAR's startedDateTime wants. */
export function toIsoMicros(ts: Timestamp): string {
  const base = new Date(ts.sec * 1000).toISOString().slice(0, 19);
  const micros = Math.floor(ts.nsec / 1000).toString().padStart(6, '0');
  return `${base}.${micros}+00:00`;
}
