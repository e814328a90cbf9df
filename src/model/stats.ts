/**
 * Counters for one pipeline run. Every stage counts into the same object, which the pipeline owns
 * (no module-level state). Codes follow the anomaly codes, plus plain volume counters
 * (frames, bytes, segments, connections, exchanges).
 */
export class Stats {
  readonly counts = new Map<string, number>();

  count(code: string, n = 1): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + n);
  }

  get(code: string): number {
    return this.counts.get(code) ?? 0;
  }

  /** Counters sorted by name, for reports and tests. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
