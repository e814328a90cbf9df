import type { Segment } from '../model/segment.js';
import type { Stats } from '../model/stats.js';

export interface DuplicateFilterOptions {
  /** A copy on another interface within this much capture time is the same packet (default 0.05 s). */
  windowSeconds: number;
  /** Packets remembered at most; the oldest are forgotten first (default 65536). */
  maxEntries: number;
}

export const defaultDuplicateFilterOptions: DuplicateFilterOptions = {
  windowSeconds: 0.05,
  maxEntries: 65_536,
};

/** Same-hash entries examined per lookup at most (long chains are retransmission storms or collisions). */
const MAX_CHAIN = 16;
/** Payload bytes that go into a packet's identity. */
const HASHED_PAYLOAD_BYTES = 32;
/**
 * Entries are kept this many windows behind the newest packet: live sources deliver each interface's
 * packets in batches, so a copy may arrive after later packets of another interface.
 */
const KEEP_WINDOWS = 2;

/**
 * Drops the second and later copies of a packet captured on more than one interface (a bridge and one
 * of its veths, or two veths of the same conversation), counting each as capture.duplicate, so
 * reassembly and HTTP see every packet once.
 *
 * A packet's identity is its addresses, ports, seq, ack, flags, payload length and a hash of the first 32
 * payload bytes. The same identity on ANOTHER interface within the window (capture time, either order)
 * is a duplicate. The same identity on the SAME interface is a TCP retransmission: it is passed on, as
 * reassembly must see it. Copies that were segmented differently (GRO on a veth merging what the bridge
 * saw as several packets) have other lengths, so they are passed on too, and reassembly trims the overlap.
 *
 * Cost: while a single interface has been seen (or announced), accept() is one comparison and nothing
 * is remembered. With several, a packet costs a hash over ≤ 32 bytes, one hash-table probe and one
 * insertion into a fixed ring of records interleaved in typed arrays (a record's fields share a cache
 * line; no allocation per packet). Memory is bounded by maxEntries; entries
 * older than twice the window behind the newest packet are dropped as packets arrive.
 */
// Record layout in `ints` (RECORD_INTS per slot) and `floats` (RECORD_FLOATS per slot).
const I_HASH = 0;
const I_NSEC = 1;
const I_IFACE = 2;
const I_SEQ = 3;
const I_ACK = 4;
const I_PORTS = 5;
const I_FLAGS = 6;
const I_LENGTH = 7;
const I_PAYLOAD_HASH = 8;
/** Previous (older) slot whose hash fell in the same bucket, or -1. */
const I_PREV = 9;
const RECORD_INTS = 10;
const F_SEC = 0;
/** Serial number of the packet in the slot (0: empty), so that stale links can be recognised. */
const F_SERIAL = 1;
/** The serial I_PREV's slot had when linked. */
const F_PREV_SERIAL = 2;
const RECORD_FLOATS = 3;

export class DuplicateFilter {
  private readonly windowNs: number;
  private readonly keepNs: number;
  private readonly cap: number;
  /** While true, only `onlyInterface` has been seen and nothing is recorded. */
  private single = true;
  private onlyInterface = -1;
  private dropped = 0;

  // The ring: oldest at (head - count), newest at head - 1.
  private head = 0;
  private count = 0;
  private serialCounter = 0;
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;
  private readonly srcIps: string[];
  private readonly dstIps: string[];
  /**
   * Hash table without deletions: bucket (hash & mask) holds [newest slot whose hash falls in it, that
   * slot's serial then]; the entry is valid while the slot still has that serial. Forgotten packets
   * invalidate themselves (serial 0), so eviction never touches the table.
   */
  private readonly mask: number;
  private readonly buckets: Float64Array;
  private newestSec = -Infinity;
  private newestNsec = 0;

  constructor(
    private readonly stats: Stats,
    options: Partial<DuplicateFilterOptions> = {},
  ) {
    const windowSeconds = Math.max(0, options.windowSeconds ?? defaultDuplicateFilterOptions.windowSeconds);
    this.windowNs = Math.round(windowSeconds * 1e9);
    this.keepNs = this.windowNs * KEEP_WINDOWS;
    const cap = Math.max(1, Math.floor(options.maxEntries ?? defaultDuplicateFilterOptions.maxEntries));
    this.cap = cap;
    this.ints = new Int32Array(cap * RECORD_INTS);
    this.floats = new Float64Array(cap * RECORD_FLOATS);
    this.srcIps = new Array<string>(cap).fill('');
    this.dstIps = new Array<string>(cap).fill('');
    let buckets = 1024;
    while (buckets < cap * 2) buckets *= 2;
    this.mask = buckets - 1;
    this.buckets = new Float64Array(buckets * 2).fill(-1);
  }

  /** Duplicates dropped so far (also counted in Stats as capture.duplicate). */
  get duplicates(): number {
    return this.dropped;
  }

  /** Packets currently remembered. */
  get size(): number {
    return this.count;
  }

  /**
   * Announces an interface before its first packet (live capture opening a device). With two or more
   * announced, packets are remembered from the very first one; otherwise the filter switches on at the
   * first packet of a second interface, and copies of packets seen just before that can slip through.
   */
  interfaceOpened(interfaceId: number): void {
    if (!this.single) return;
    if (this.onlyInterface === -1) this.onlyInterface = interfaceId;
    else if (interfaceId !== this.onlyInterface) this.single = false;
  }

  /** False when `segment` is a copy of a packet already seen on another interface (dropped and counted). */
  accept(segment: Segment): boolean {
    if (this.single) {
      if (segment.interfaceId === this.onlyInterface) return true;
      if (this.onlyInterface === -1) {
        this.onlyInterface = segment.interfaceId;
        return true;
      }
      this.single = false;
    }
    return this.check(segment);
  }

  private check(s: Segment): boolean {
    const payload = s.payload;
    const length = payload.length;
    const n = length < HASHED_PAYLOAD_BYTES ? length : HASHED_PAYLOAD_BYTES;
    let ph = 0x811c9dc5 ^ length;
    for (let i = 0; i < n; i++) ph = Math.imul(ph ^ payload[i], 0x01000193);
    const ports = (s.srcPort << 16) | s.dstPort;
    const seq = s.seq | 0;
    const ack = s.ack | 0;
    const flags = s.flags & 0xff;
    let h = Math.imul(seq ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ ack ^ (h >>> 15), 0xc2b2ae35);
    h = Math.imul(h ^ ports ^ (h >>> 13), 0x27d4eb2f);
    h = Math.imul(h ^ ph ^ (flags << 24) ^ (h >>> 16), 0x165667b1);
    h ^= h >>> 15;

    const ints = this.ints;
    const floats = this.floats;
    const sec = s.ts.sec;
    const nsec = s.ts.nsec;
    const iface = s.interfaceId;
    const windowNs = this.windowNs;
    const bucket = (h & this.mask) * 2;
    let slot = this.validSlot(this.buckets[bucket], this.buckets[bucket + 1]);
    for (let steps = 0; slot >= 0 && steps < MAX_CHAIN; steps++) {
      const i = slot * RECORD_INTS;
      if (
        ints[i + I_HASH] === h &&
        ints[i + I_SEQ] === seq &&
        ints[i + I_ACK] === ack &&
        ints[i + I_PORTS] === ports &&
        ints[i + I_LENGTH] === length &&
        ints[i + I_FLAGS] === flags &&
        ints[i + I_PAYLOAD_HASH] === ph &&
        ints[i + I_IFACE] !== iface &&
        this.srcIps[slot] === s.srcIp &&
        this.dstIps[slot] === s.dstIp
      ) {
        const delta = (sec - floats[slot * RECORD_FLOATS + F_SEC]) * 1e9 + (nsec - ints[i + I_NSEC]);
        if (delta <= windowNs && delta >= -windowNs) {
          this.dropped++;
          this.stats.count('capture.duplicate');
          return false;
        }
      }
      slot = this.validSlot(ints[i + I_PREV], floats[slot * RECORD_FLOATS + F_PREV_SERIAL]);
    }
    this.remember(s, h, bucket, seq, ack, ports, flags, length, ph);
    return true;
  }

  /** `slot` when it still holds the packet with `serial`, else -1. */
  private validSlot(slot: number, serial: number): number {
    return slot >= 0 && this.floats[slot * RECORD_FLOATS + F_SERIAL] === serial ? slot : -1;
  }

  private remember(s: Segment, h: number, bucket: number, seq: number, ack: number, ports: number, flags: number, length: number, ph: number): void {
    const sec = s.ts.sec;
    const nsec = s.ts.nsec;
    if (sec > this.newestSec || (sec === this.newestSec && nsec > this.newestNsec)) {
      this.newestSec = sec;
      this.newestNsec = nsec;
    }
    this.evictOlderThanKept();
    if (this.count === this.cap) this.evictOldest();
    const slot = this.head;
    const ints = this.ints;
    const floats = this.floats;
    const i = slot * RECORD_INTS;
    const f = slot * RECORD_FLOATS;
    // The bucket's head is read after eviction: a head evicted just now is no longer valid.
    const previous = this.validSlot(this.buckets[bucket], this.buckets[bucket + 1]);
    const serial = ++this.serialCounter;
    ints[i + I_HASH] = h;
    ints[i + I_NSEC] = nsec;
    ints[i + I_IFACE] = s.interfaceId;
    ints[i + I_SEQ] = seq;
    ints[i + I_ACK] = ack;
    ints[i + I_PORTS] = ports;
    ints[i + I_FLAGS] = flags;
    ints[i + I_LENGTH] = length;
    ints[i + I_PAYLOAD_HASH] = ph;
    ints[i + I_PREV] = previous;
    floats[f + F_SEC] = sec;
    floats[f + F_SERIAL] = serial;
    floats[f + F_PREV_SERIAL] = previous >= 0 ? floats[previous * RECORD_FLOATS + F_SERIAL] : -1;
    this.srcIps[slot] = s.srcIp;
    this.dstIps[slot] = s.dstIp;
    this.buckets[bucket] = slot;
    this.buckets[bucket + 1] = serial;
    this.head = slot + 1 === this.cap ? 0 : slot + 1;
    this.count++;
  }

  /** Forgets packets more than KEEP_WINDOWS windows older than the newest one (ring order ≈ time order). */
  private evictOlderThanKept(): void {
    const keepNs = this.keepNs;
    while (this.count > 0) {
      const oldest = this.oldestSlot();
      const age = (this.newestSec - this.floats[oldest * RECORD_FLOATS + F_SEC]) * 1e9 + (this.newestNsec - this.ints[oldest * RECORD_INTS + I_NSEC]);
      if (age <= keepNs) return;
      this.evictOldest();
    }
  }

  private oldestSlot(): number {
    const slot = this.head - this.count;
    return slot < 0 ? slot + this.cap : slot;
  }

  private evictOldest(): void {
    const slot = this.oldestSlot();
    // Let go of the address strings of forgotten packets; serial 0 invalidates every link to the slot.
    this.srcIps[slot] = '';
    this.dstIps[slot] = '';
    this.floats[slot * RECORD_FLOATS + F_SERIAL] = 0;
    this.count--;
  }
}
