/**
 * A first-in first-out array with O(1) amortised push and shift and O(1) indexed reads. Array#shift
 * moves every element; here the front only advances and the array is compacted once the dead front
 * outgrows the live part, so each element is copied at most a constant number of times.
 */
export class Deque<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, or undefined when empty. */
  peekFirst(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    // Drop the reference now so an evicted item can be collected before the next compaction.
    this.items[this.head] = undefined;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The item at `index` from the oldest (0); the caller keeps 0 ≤ index < length. */
  at(index: number): T {
    return this.items[this.head + index] as T;
  }

  slice(start: number, end: number): T[] {
    const from = Math.max(0, start);
    const to = Math.min(this.length, end);
    return to <= from ? [] : (this.items.slice(this.head + from, this.head + to) as T[]);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  /** Index of the first item for which `before(item)` is false, for items ordered so that `before` holds on a prefix. */
  partitionPoint(before: (item: T) => boolean): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.at(mid))) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
