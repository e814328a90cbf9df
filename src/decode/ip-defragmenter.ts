import type { Stats } from '../model/stats.js';
import type { Timestamp } from '../model/time.js';

export interface DefragmenterOptions {
  /** Bytes held across all incomplete datagrams; the oldest are dropped beyond it. */
  maxFragmentBytes: number;
  /** An incomplete datagram older than this (capture time) is dropped. */
  fragmentTimeoutSeconds: number;
}

export const defaultDefragmenterOptions: DefragmenterOptions = {
  maxFragmentBytes: 4 * 1024 * 1024,
  fragmentTimeoutSeconds: 30, // Linux ipfrag_time
};

/** Bookkeeping cost charged per stored fragment, so that floods of tiny fragments stay bounded. */
const FRAGMENT_OVERHEAD = 64;
/** Largest reassembled IP payload (no jumbograms). */
const MAX_DATAGRAM = 65535;
/**
 * Fragments kept per datagram. Real fragmentation of a 64 KB datagram takes ~45 at an MTU of 1500;
 * the bound keeps a flood of 8-byte fragments from making every completeness check expensive.
 */
const MAX_FRAGMENTS = 2048;

interface Part {
  offset: number;
  bytes: Uint8Array;
}

class PendingDatagram {
  readonly parts: Part[] = [];
  /** Payload length, known once the last fragment (more-fragments clear) arrived; -1 before. */
  total = -1;
  cost = 0;
  /** Sum of the fragment lengths (overlaps counted twice): coverage is possible only once ≥ total. */
  received = 0;
  /** The protocol/next header carried by the fragment at offset 0, -1 until it arrives. */
  firstProto = -1;
  constructor(readonly firstSeconds: number) {}
}

/**
 * Reassembles IPv4 and IPv6 fragments. Memory is bounded by bytes and by age (capture time).
 * Overlaps keep the bytes that arrived first (counted as decode.fragment-overlap); a datagram whose
 * fragments disagree about its end is dropped. Fragments are kept as views on their frames, which
 * the sources never reuse, and copied once when the datagram completes.
 */
export class IpDefragmenter {
  private readonly pending = new Map<string, PendingDatagram>();
  private heldBytes = 0;
  /** Protocol of the datagram that add() last completed. */
  lastProto = -1;

  constructor(
    private readonly stats: Stats,
    private readonly options: DefragmenterOptions = defaultDefragmenterOptions,
  ) {}

  /** Number of incomplete datagrams held (for tests and reports). */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Adds one fragment: `bytes` is its payload at byte `offset` of the datagram; `proto` is the
   * protocol (IPv4) or next header after the fragment header (IPv6). Returns the whole payload when
   * this fragment completes it, with the protocol in `lastProto`.
   */
  add(key: string, ts: Timestamp, offset: number, more: boolean, proto: number, bytes: Uint8Array): Uint8Array | undefined {
    const now = ts.sec + ts.nsec / 1e9;
    this.expire(now);
    const end = offset + bytes.length;
    if (end > MAX_DATAGRAM) {
      this.stats.count('decode.fragment-dropped');
      return undefined;
    }
    let p = this.pending.get(key);
    if (p === undefined) {
      p = new PendingDatagram(now);
      this.pending.set(key, p);
    }
    if (!more) {
      if ((p.total >= 0 && p.total !== end) || maxEnd(p) > end) return this.drop(key, p);
      p.total = end;
    } else if (p.total >= 0 && end > p.total) {
      return this.drop(key, p);
    }
    if (p.parts.length >= MAX_FRAGMENTS) return this.drop(key, p);
    if (offset === 0) p.firstProto = proto;
    if (overlaps(p, offset, end)) this.stats.count('decode.fragment-overlap');
    const cost = bytes.length + FRAGMENT_OVERHEAD;
    p.parts.push({ offset, bytes });
    p.cost += cost;
    p.received += bytes.length;
    this.heldBytes += cost;
    if (p.total >= 0 && p.firstProto >= 0 && p.received >= p.total && covers(p)) {
      this.remove(key, p);
      this.lastProto = p.firstProto;
      return assemble(p);
    }
    this.enforceByteBound(key);
    return undefined;
  }

  private expire(now: number): void {
    const limit = this.options.fragmentTimeoutSeconds;
    // Insertion order is arrival order of first fragments, so the oldest come first.
    for (const [key, p] of this.pending) {
      if (now - p.firstSeconds <= limit) break;
      this.remove(key, p);
      this.stats.count('decode.fragment-dropped');
    }
  }

  private enforceByteBound(current: string): void {
    const max = this.options.maxFragmentBytes;
    for (const [key, p] of this.pending) {
      if (this.heldBytes <= max) return;
      // The current datagram goes too if it alone exceeds the bound.
      if (key === current && this.pending.size > 1) continue;
      this.remove(key, p);
      this.stats.count('decode.fragment-dropped');
    }
  }

  private drop(key: string, p: PendingDatagram): undefined {
    this.remove(key, p);
    this.stats.count('decode.fragment-dropped');
    return undefined;
  }

  private remove(key: string, p: PendingDatagram): void {
    this.pending.delete(key);
    this.heldBytes -= p.cost;
  }
}

function maxEnd(p: PendingDatagram): number {
  let m = 0;
  for (const part of p.parts) m = Math.max(m, part.offset + part.bytes.length);
  return m;
}

function overlaps(p: PendingDatagram, start: number, end: number): boolean {
  for (const part of p.parts) {
    if (start < part.offset + part.bytes.length && part.offset < end) return true;
  }
  return false;
}

function covers(p: PendingDatagram): boolean {
  const sorted = [...p.parts].sort((a, b) => a.offset - b.offset);
  let reached = 0;
  for (const part of sorted) {
    if (part.offset > reached) return false;
    reached = Math.max(reached, part.offset + part.bytes.length);
  }
  return reached >= p.total;
}

function assemble(p: PendingDatagram): Uint8Array {
  const out = new Uint8Array(p.total);
  // Later arrivals first, so that the bytes that arrived first win where fragments overlap.
  for (let i = p.parts.length - 1; i >= 0; i--) out.set(p.parts[i].bytes, p.parts[i].offset);
  return out;
}
