/**
 * The value at percentile `p` (0 < p ≤ 100) of ascending `sorted` by nearest rank: the smallest value
 * with at least p% of the values at or below it. Exact, no interpolation: a latency that was seen.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}
