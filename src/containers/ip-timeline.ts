import type { ContainerRef, Resolver } from '../model/container.js';
import type { Timestamp } from '../model/time.js';
import { ownerKey } from './container-refs.js';

export interface IpTimelineOptions {
  /**
   * Closed intervals that ended more than this many seconds before the newest change are dropped (checked
   * as changes arrive). Default: keep everything (offline ledgers span whatever the capture spans); the
   * live resolver passes an hour.
   */
  horizonSeconds?: number;
  /** Intervals kept per address; the oldest go first. Default 64. */
  maxIntervalsPerAddress?: number;
}

/** One stretch of time during which an address belonged to one owner. Times are undefined when unbounded. */
export interface TimelineInterval {
  ip: string;
  ref: ContainerRef;
  /** Inclusive; undefined: since before anything we know. */
  from?: Timestamp;
  /** Exclusive; undefined: still held. */
  to?: Timestamp;
}

/**
 * Internal interval: seconds and nanoseconds kept apart (ns since 1970 do not fit a double), with ±Infinity
 * seconds for unbounded ends. Every instance has the same shape so lookups stay monomorphic.
 */
class Span {
  constructor(
    public fromSec: number,
    public fromNsec: number,
    public toSec: number,
    public toNsec: number,
    readonly ref: ContainerRef,
    readonly key: string,
  ) {}
}

const before = (aSec: number, aNsec: number, bSec: number, bNsec: number): boolean => aSec < bSec || (aSec === bSec && aNsec < bNsec);

/**
 * Address + time → owner. Container addresses are reused after restarts, so each address has a short list
 * of non-overlapping intervals [from, to), sorted by start; a lookup is one Map.get and a binary search
 * (usually over one or two entries). Changes follow "the latest knowledge wins": opening an address for
 * a new owner ends the previous owner's interval at that moment.
 *
 * An address in no interval resolves to undefined (the sinks then show the bare address): the timeline
 * only knows Docker's addresses, and calling everything else "external" would claim more than it knows.
 */
export class IpTimeline implements Resolver {
  private readonly byIp = new Map<string, Span[]>();
  private readonly horizonSeconds: number;
  private readonly maxPerAddress: number;
  private lastPruneSec = -Infinity;
  private changes = 0;

  constructor(options: IpTimelineOptions = {}) {
    this.horizonSeconds = options.horizonSeconds ?? Infinity;
    this.maxPerAddress = Math.max(1, options.maxIntervalsPerAddress ?? 64);
  }

  /** Counts every change; a writer that mirrors the timeline (pcapng custom blocks) compares it. */
  get revision(): number {
    return this.changes;
  }

  /** Number of addresses with at least one interval. */
  get addressCount(): number {
    return this.byIp.size;
  }

  resolve(ip: string, ts: Timestamp): ContainerRef | undefined {
    const list = this.byIp.get(ip);
    if (list === undefined) return undefined;
    const sec = ts.sec;
    const nsec = ts.nsec;
    // Last interval starting at or before ts.
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const span = list[mid];
      if (before(sec, nsec, span.fromSec, span.fromNsec)) hi = mid - 1;
      else {
        found = mid;
        lo = mid + 1;
      }
    }
    if (found < 0) return undefined;
    const span = list[found];
    return before(sec, nsec, span.toSec, span.toNsec) ? span.ref : undefined;
  }

  /**
   * The address belongs to `ref` from `from` (undefined: since ever) until it is closed or another owner
   * opens it. A later owner already known keeps its interval: this one then ends where that one starts.
   * Re-opening an owner that already holds the address at `from` changes nothing.
   */
  open(ip: string, ref: ContainerRef, from?: Timestamp): void {
    const fromSec = from === undefined ? -Infinity : from.sec;
    const fromNsec = from === undefined ? 0 : from.nsec;
    const key = ownerKey(ref);
    let list = this.byIp.get(ip);
    if (list === undefined) {
      list = [];
      this.byIp.set(ip, list);
    }
    const idx = this.lastStartingAtOrBefore(list, fromSec, fromNsec);
    const prev = idx >= 0 ? list[idx] : undefined;
    if (prev !== undefined && prev.key === key && before(fromSec, fromNsec, prev.toSec, prev.toNsec)) return;
    const next = list[idx + 1];
    if (next !== undefined && next.key === key) {
      // The same owner is known from later on: it held the address earlier than we knew.
      next.fromSec = fromSec;
      next.fromNsec = fromNsec;
      if (prev !== undefined) this.truncate(list, idx, fromSec, fromNsec);
      this.changed(from);
      return;
    }
    const span = new Span(fromSec, fromNsec, next?.fromSec ?? Infinity, next?.fromNsec ?? 0, ref, key);
    list.splice(idx + 1, 0, span);
    if (prev !== undefined) this.truncate(list, idx, fromSec, fromNsec);
    if (list.length > this.maxPerAddress) list.splice(0, list.length - this.maxPerAddress);
    this.changed(from);
  }

  /** The owner stops holding the address at `at` (no-op when it does not hold it then). */
  close(ip: string, ref: ContainerRef, at: Timestamp): void {
    const list = this.byIp.get(ip);
    if (list === undefined) return;
    const idx = this.lastStartingAtOrBefore(list, at.sec, at.nsec);
    if (idx < 0) return;
    const span = list[idx];
    if (span.key !== ownerKey(ref) || !before(at.sec, at.nsec, span.toSec, span.toNsec)) return;
    this.truncate(list, idx, at.sec, at.nsec);
    if (list.length === 0) this.byIp.delete(ip);
    this.changed(at);
  }

  /** A known interval (a saved ledger): open at `from`, closed at `to` when given. Idempotent. */
  record(interval: TimelineInterval): void {
    this.open(interval.ip, interval.ref, interval.from);
    if (interval.to !== undefined) this.close(interval.ip, interval.ref, interval.to);
  }

  /** Drops every interval that ended at or before `limit`. */
  prune(limit: Timestamp): void {
    for (const [ip, list] of this.byIp) {
      let drop = 0;
      while (drop < list.length && !before(limit.sec, limit.nsec, list[drop].toSec, list[drop].toNsec)) drop++;
      if (drop === list.length) this.byIp.delete(ip);
      else if (drop > 0) list.splice(0, drop);
    }
  }

  /** Every interval, by address then start. */
  intervals(): TimelineInterval[] {
    const out: TimelineInterval[] = [];
    for (const ip of [...this.byIp.keys()].sort(compareAddresses)) {
      for (const span of this.byIp.get(ip) ?? []) out.push(toInterval(ip, span));
    }
    return out;
  }

  /** Intervals still open (to unbounded). */
  openIntervals(): TimelineInterval[] {
    return this.intervals().filter((interval) => interval.to === undefined);
  }

  /** Owner of each address at `ts`, or, without ts, each address's open interval: the current table. */
  ownersAt(ts?: Timestamp): TimelineInterval[] {
    const out: TimelineInterval[] = [];
    for (const ip of [...this.byIp.keys()].sort(compareAddresses)) {
      const list = this.byIp.get(ip) ?? [];
      if (ts === undefined) {
        const last = list[list.length - 1];
        if (last !== undefined && last.toSec === Infinity) out.push(toInterval(ip, last));
        continue;
      }
      const idx = this.lastStartingAtOrBefore(list, ts.sec, ts.nsec);
      if (idx >= 0 && before(ts.sec, ts.nsec, list[idx].toSec, list[idx].toNsec)) out.push(toInterval(ip, list[idx]));
    }
    return out;
  }

  private lastStartingAtOrBefore(list: Span[], sec: number, nsec: number): number {
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (before(sec, nsec, list[mid].fromSec, list[mid].fromNsec)) hi = mid - 1;
      else {
        found = mid;
        lo = mid + 1;
      }
    }
    return found;
  }

  /** Ends list[idx] at (sec, nsec) if it lasts longer; removes it when that leaves it empty. */
  private truncate(list: Span[], idx: number, sec: number, nsec: number): void {
    const span = list[idx];
    if (before(sec, nsec, span.toSec, span.toNsec)) {
      span.toSec = sec;
      span.toNsec = nsec;
    }
    if (!before(span.fromSec, span.fromNsec, span.toSec, span.toNsec)) list.splice(idx, 1);
  }

  private changed(at: Timestamp | undefined): void {
    this.changes++;
    if (at === undefined || this.horizonSeconds === Infinity) return;
    // Prune at most a few times per horizon: it walks every address.
    if (at.sec - this.lastPruneSec < Math.max(1, this.horizonSeconds / 8)) return;
    this.lastPruneSec = at.sec;
    this.prune({ sec: at.sec - Math.ceil(this.horizonSeconds), nsec: at.nsec });
  }
}

function toInterval(ip: string, span: Span): TimelineInterval {
  const interval: TimelineInterval = { ip, ref: span.ref };
  if (span.fromSec !== -Infinity) interval.from = { sec: span.fromSec, nsec: span.fromNsec };
  if (span.toSec !== Infinity) interval.to = { sec: span.toSec, nsec: span.toNsec };
  return interval;
}

/** IPv4 before IPv6, numerically within IPv4, so tables read in address order. */
export function compareAddresses(a: string, b: string): number {
  const av4 = !a.includes(':');
  const bv4 = !b.includes(':');
  if (av4 !== bv4) return av4 ? -1 : 1;
  if (av4) {
    const pa = a.split('.').map(Number);
    const pb = b.split('.').map(Number);
    for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
