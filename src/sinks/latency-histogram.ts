/**
 * A log-bucketed histogram (the DDSketch idea): bucket i holds values in (γ^(i-1), γ^i] with
 * γ = (1+α)/(1−α), and reports 2γ^i/(γ+1), which is within α of every value in the bucket. So any
 * quantile is within relative error α (default 1%) of the exact nearest-rank quantile, and memory is
 * bounded by the bucket range (≈1,300 counters between 1 µs and 28 h at 1%), never by the count.
 * Values at or below `minValue` share one bucket (reported as the smallest value seen: exact to
 * `minValue`); values above `maxValue` share the top bucket (max is tracked exactly anyway).
 */
/** A histogram's contents, for merging across threads (structured-clone friendly). */
export interface HistogramState {
  relativeError: number;
  minValue: number;
  maxIndex: number;
  counts: Float64Array;
  offset: number;
  low: number;
  total: number;
  smallest: number;
  largest: number;
}

export class LatencyHistogram {
  private readonly logGamma: number;
  private readonly gamma: number;
  private readonly minIndex: number;
  private readonly maxIndex: number;
  /** Counts for bucket indexes [offset, offset + counts.length); grows on demand up to the range. */
  private counts = new Float64Array(0);
  private offset = 0;
  private low = 0;
  private total = 0;
  private smallest = Infinity;
  private largest = -Infinity;

  constructor(
    readonly relativeError = 0.01,
    private readonly minValue = 1e-3,
    maxValue = 1e8,
  ) {
    this.gamma = (1 + relativeError) / (1 - relativeError);
    this.logGamma = Math.log(this.gamma);
    this.minIndex = Math.ceil(Math.log(minValue) / this.logGamma);
    this.maxIndex = Math.ceil(Math.log(maxValue) / this.logGamma);
  }

  add(value: number): void {
    if (!(value >= 0)) return; // NaN and negatives are not latencies
    this.total++;
    if (value < this.smallest) this.smallest = value;
    if (value > this.largest) this.largest = value;
    if (value <= this.minValue) {
      this.low++;
      return;
    }
    const index = Math.min(this.maxIndex, Math.max(this.minIndex, Math.ceil(Math.log(value) / this.logGamma)));
    if (this.counts.length === 0) {
      this.counts = new Float64Array(64);
      this.offset = index - 32;
    }
    let slot = index - this.offset;
    if (slot < 0 || slot >= this.counts.length) slot = this.grow(index);
    this.counts[slot]++;
  }

  private grow(index: number): number {
    const from = Math.min(this.offset, index - 16);
    const to = Math.max(this.offset + this.counts.length, index + 17);
    const counts = new Float64Array(Math.max(to - from, this.counts.length * 2));
    counts.set(this.counts, this.offset - from);
    this.counts = counts;
    this.offset = from;
    return index - from;
  }

  /** The contents, to merge into a histogram with the same parameters elsewhere. */
  state(): HistogramState {
    return {
      relativeError: this.relativeError,
      minValue: this.minValue,
      maxIndex: this.maxIndex,
      counts: this.counts.slice(),
      offset: this.offset,
      low: this.low,
      total: this.total,
      smallest: this.smallest,
      largest: this.largest,
    };
  }

  /**
   * Adds another histogram's contents. Exact: bucket counts add, so every quantile equals that of
   * one histogram fed all the values. Both must have the same parameters.
   */
  merge(s: HistogramState): void {
    if (s.relativeError !== this.relativeError || s.minValue !== this.minValue || s.maxIndex !== this.maxIndex) {
      throw new RangeError('LatencyHistogram.merge: histograms with different parameters');
    }
    if (s.total === 0) return;
    this.total += s.total;
    this.low += s.low;
    if (s.smallest < this.smallest) this.smallest = s.smallest;
    if (s.largest > this.largest) this.largest = s.largest;
    const counts = s.counts;
    for (let i = 0; i < counts.length; i++) {
      const n = counts[i];
      if (n === 0) continue;
      const index = i + s.offset;
      if (this.counts.length === 0) {
        this.counts = new Float64Array(64);
        this.offset = index - 32;
      }
      let slot = index - this.offset;
      if (slot < 0 || slot >= this.counts.length) slot = this.grow(index);
      this.counts[slot] += n;
    }
  }

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.total === 0 ? NaN : this.largest;
  }

  get min(): number {
    return this.total === 0 ? NaN : this.smallest;
  }

  /** Nearest-rank quantile (the value at rank ⌈q·n⌉), within the relative error; NaN when empty. */
  quantile(q: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    if (rank <= this.low) return this.smallest;
    let seen = this.low;
    for (let slot = 0; slot < this.counts.length; slot++) {
      seen += this.counts[slot];
      if (seen >= rank) {
        const estimate = (2 * Math.exp((slot + this.offset) * this.logGamma)) / (this.gamma + 1);
        return Math.min(this.largest, Math.max(this.smallest, estimate));
      }
    }
    return this.largest;
  }
}
