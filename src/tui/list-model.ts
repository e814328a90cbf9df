import type { ExchangeStore, StoredExchange } from '../store/exchange-store.js';
import type { ListCursor } from '../store/list-cursor.js';
import { scrollTop } from './scroll-window.js';

/**
 * What the exchange list shows and moves over: the live store with its cursor, or a frozen copy of
 * it while the view is paused (the store keeps ingesting and evicting underneath; the copy holds the
 * rows the user was looking at so they can still be browsed and opened).
 */
export interface ListModel {
  readonly count: number;
  slice(start: number, end: number): StoredExchange[];
  readonly following: boolean;
  readonly newSinceScroll: number;
  focusedIndex(): number;
  focused(): StoredExchange | undefined;
  window(height: number): { start: number; end: number };
  move(delta: number): void;
  home(): void;
  /** End key and `F`: to the newest row, following again. */
  follow(): void;
}

export class LiveList implements ListModel {
  constructor(
    private readonly store: ExchangeStore,
    private readonly cursor: ListCursor,
  ) {}

  get count(): number {
    return this.store.visibleCount;
  }
  slice(start: number, end: number): StoredExchange[] {
    return this.store.visibleSlice(start, end);
  }
  get following(): boolean {
    return this.cursor.following;
  }
  get newSinceScroll(): number {
    return this.cursor.newSinceScroll;
  }
  focusedIndex(): number {
    return this.cursor.focusedIndex();
  }
  focused(): StoredExchange | undefined {
    const index = this.cursor.focusedIndex();
    return index < 0 ? undefined : this.store.visibleAt(index);
  }
  window(height: number): { start: number; end: number } {
    return this.cursor.window(height);
  }
  move(delta: number): void {
    this.cursor.move(delta);
  }
  home(): void {
    this.cursor.home();
  }
  follow(): void {
    this.cursor.follow();
  }

  /** Puts the live focus back where the frozen view had it (if that row is still kept and visible). */
  resumeFrom(frozen: FrozenList): void {
    this.cursor.sync();
    if (frozen.following) {
      this.cursor.follow();
      return;
    }
    const id = frozen.focused()?.id;
    const target = id === undefined ? -1 : this.store.indexOfId(id);
    if (target >= 0) this.cursor.move(target - this.cursor.focusedIndex());
  }
}

/** A paused view: the visible rows at the moment of pausing (references, no copies of exchanges). */
export class FrozenList implements ListModel {
  private readonly rows: StoredExchange[];
  private focus: number;
  private top: number;
  /** Whether the view followed when paused, or `F` was pressed since: then the last row means following. */
  private followed: boolean;
  readonly newSinceScroll = 0;

  constructor(from: ListModel, height: number) {
    this.rows = from.slice(0, from.count);
    this.focus = from.focusedIndex();
    this.top = from.window(height).start;
    this.followed = from.following;
  }

  get following(): boolean {
    return this.followed && this.focus === this.rows.length - 1;
  }

  get count(): number {
    return this.rows.length;
  }
  slice(start: number, end: number): StoredExchange[] {
    return this.rows.slice(start, end);
  }
  focusedIndex(): number {
    return this.focus;
  }
  focused(): StoredExchange | undefined {
    return this.focus < 0 ? undefined : this.rows[this.focus];
  }
  window(height: number): { start: number; end: number } {
    this.top = scrollTop(this.focus, this.top, height, this.rows.length);
    return { start: this.top, end: Math.min(this.rows.length, this.top + Math.max(1, height)) };
  }
  move(delta: number): void {
    if (this.rows.length === 0) return;
    this.focus = Math.max(0, Math.min(this.rows.length - 1, this.focus + delta));
  }
  home(): void {
    if (this.rows.length > 0) this.focus = 0;
  }
  follow(): void {
    this.focus = this.rows.length - 1;
    this.followed = true;
  }
}
