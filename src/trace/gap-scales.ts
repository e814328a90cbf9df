/**
 * Typical gaps, learnt online per key (a parent endpoint and a kind of gap): the median of the latest
 * samples. A gap is judged relative to what is usual for that endpoint (a service that sleeps 2 ms
 * before answering answers "late" by every fixed threshold), and medians keep a few stalls of hundreds
 * of milliseconds from widening the scale. Bounded: a ring of samples per key, a fixed number of keys.
 */
export interface GapScalesLimits {
  /** Keys kept; past it new keys use the default scale. Default 20,000. */
  maxKeys: number;
  /** Samples kept per key. Default 64. */
  samples: number;
}

interface Ring {
  values: number[];
  next: number;
  /** Median of `values`, recomputed when stale. */
  median: number | undefined;
}

/** Gaps below this (ns) are clock granularity: a scale never goes under it. */
const FLOOR_NS = 100_000;

export class GapScales {
  private readonly rings = new Map<string, Ring>();
  private readonly limits: GapScalesLimits;

  constructor(
    private readonly fallbackNs = 1e6,
    limits: Partial<GapScalesLimits> = {},
  ) {
    this.limits = { maxKeys: 20_000, samples: 64, ...limits };
  }

  add(key: string, gapNs: number): void {
    if (!(gapNs >= 0) || !Number.isFinite(gapNs)) return;
    let ring = this.rings.get(key);
    if (ring === undefined) {
      if (this.rings.size >= this.limits.maxKeys) return;
      ring = { values: [], next: 0, median: undefined };
      this.rings.set(key, ring);
    }
    if (ring.values.length < this.limits.samples) ring.values.push(gapNs);
    else ring.values[ring.next] = gapNs;
    ring.next = (ring.next + 1) % this.limits.samples;
    ring.median = undefined;
  }

  /** The usual gap for `key` (ns): the median of its samples, the fallback before it has a few. */
  scale(key: string, fallbackNs = this.fallbackNs): number {
    const ring = this.rings.get(key);
    if (ring === undefined || ring.values.length < 8) return fallbackNs;
    if (ring.median === undefined) {
      const sorted = [...ring.values].sort((a, b) => a - b);
      ring.median = Math.max(FLOOR_NS, sorted[sorted.length >> 1]);
    }
    return ring.median;
  }
}
