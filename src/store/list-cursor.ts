import type { ExchangeStore } from './exchange-store.js';

/**
 * The focus and scroll position of the exchange list. Both are held as exchange ids, not indexes,
 * because indexes shift whenever the oldest rows are evicted or the filter changes; an id stays on
 * the row the user chose. In follow mode the focus is the newest visible row and moves with new rows.
 */
export class ListCursor {
  private followingNew = true;
  private focus: number | undefined;
  /** Id of the first row of the last window (scroll position), kept while not following. */
  private topId: number | undefined;
  /** Every id ≤ this had been added when the user left follow mode: newer visible rows are "new". */
  private seenUpTo = -1;

  constructor(private readonly store: ExchangeStore) {
    this.sync();
  }

  get following(): boolean {
    return this.followingNew;
  }

  /** Visible rows added since the user left follow mode (0 while following). */
  get newSinceScroll(): number {
    if (this.followingNew) return 0;
    return this.store.visibleCount - this.store.visibleLowerBound(this.seenUpTo + 1);
  }

  get focusedId(): number | undefined {
    const index = this.focusedIndex();
    return index < 0 ? undefined : this.store.visibleAt(index).id;
  }

  /**
   * Index of the focused row in the visible list; -1 when it is empty. Correct even before sync():
   * a focused row that was evicted or filtered out resolves to the nearest remaining one.
   */
  focusedIndex(): number {
    const count = this.store.visibleCount;
    if (count === 0) return -1;
    if (this.followingNew || this.focus === undefined) return count - 1;
    return this.nearestIndex(this.focus);
  }

  /** Up/down/page by `delta` rows. Leaving the newest row stops following; reaching it follows again. */
  move(delta: number): void {
    const count = this.store.visibleCount;
    if (count === 0) return;
    const from = this.focusedIndex();
    this.focusIndex(Math.max(0, Math.min(count - 1, from + Math.trunc(delta))));
  }

  /** To the oldest row. */
  home(): void {
    if (this.store.visibleCount > 0) this.focusIndex(0);
  }

  /** To the newest row, following new ones (`F`, End). */
  follow(): void {
    this.followingNew = true;
    this.sync();
  }

  /**
   * The rows to render for a list `height` rows tall: [start, end) of the visible list, the focus
   * inside it. Following, the newest rows fill the bottom; otherwise the window scrolls only as far
   * as the focus needs, so rows do not jump under the user.
   */
  window(height: number): { start: number; end: number } {
    const count = this.store.visibleCount;
    const rows = Math.max(1, Math.floor(height));
    if (count === 0) return { start: 0, end: 0 };
    const focus = this.focusedIndex();
    let start: number;
    if (this.followingNew) {
      start = count - rows;
    } else {
      start = this.topId === undefined ? focus : this.store.visibleLowerBound(this.topId);
      if (focus < start) start = focus;
      if (focus >= start + rows) start = focus - rows + 1;
    }
    start = Math.max(0, Math.min(start, count - rows));
    this.topId = this.store.visibleAt(start).id;
    return { start, end: Math.min(count, start + rows) };
  }

  /**
   * After the store changed (rows added or evicted, filter set, cleared): following, focus the newest
   * row; else keep the focused row or, if it is gone, move to the nearest remaining one. A cleared
   * store has nothing to scroll back to, so the cursor follows again.
   */
  sync(): void {
    const count = this.store.visibleCount;
    if (this.store.size === 0) {
      this.followingNew = true;
      this.focus = undefined;
      this.topId = undefined;
      return;
    }
    if (count === 0) return; // everything filtered out: keep the focus for when the filter changes
    const index = this.focusedIndex();
    this.focus = this.store.visibleAt(index).id;
  }

  private focusIndex(index: number): void {
    const count = this.store.visibleCount;
    const atNewest = index === count - 1;
    if (atNewest) {
      this.followingNew = true;
    } else if (this.followingNew) {
      this.followingNew = false;
      this.seenUpTo = this.store.added - 1;
    }
    this.focus = this.store.visibleAt(index).id;
  }

  /** The visible row with this id, else the one closest in id (the newer on a tie). */
  private nearestIndex(id: number): number {
    const count = this.store.visibleCount;
    const after = this.store.visibleLowerBound(id);
    if (after >= count) return count - 1;
    if (after === 0 || this.store.visibleAt(after).id === id) return after;
    const newer = this.store.visibleAt(after).id - id;
    const older = id - this.store.visibleAt(after - 1).id;
    return older < newer ? after - 1 : after;
  }
}
