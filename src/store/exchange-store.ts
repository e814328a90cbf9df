import type { Exchange } from '../model/exchange.js';
import { exchangeId, type TraceLink } from '../trace/index.js';
import { Deque } from './deque.js';
import { compileFilter, FilterSyntaxError, type ExchangePredicate } from './filter.js';

/** One exchange as the UI keeps it. `id` is its insertion number (from 0, increasing, never reused). */
export interface StoredExchange {
  id: number;
  exchange: Exchange;
  link?: TraceLink;
}

export interface StoreLimits {
  /** Most exchanges kept; the oldest are evicted beyond it. */
  maxExchanges: number;
  /** Most body bytes kept (request + response `data`); the oldest exchanges are evicted beyond it. */
  maxBodyBytes: number;
}

export const defaultStoreLimits: StoreLimits = { maxExchanges: 50_000, maxBodyBytes: 256 * 1024 * 1024 };

/** Body bytes an exchange holds in memory: what the capture cap let through, not the declared size. */
export function keptBodyBytes(exchange: Exchange): number {
  return exchange.request.body.data.length + (exchange.response?.body.data.length ?? 0);
}

/**
 * The bounded store the terminal UI is a view of. Exchanges arrive in order and leave oldest first,
 * so ids of kept exchanges are contiguous and the filtered (visible) list stays ordered by id: adding
 * and evicting touch only its ends (O(1) amortised); only a new filter walks everything.
 */
export class ExchangeStore {
  readonly limits: StoreLimits;
  private readonly kept = new Deque<StoredExchange>();
  private readonly visible = new Deque<StoredExchange>();
  private readonly byId = new Map<string, StoredExchange>();
  private readonly children = new Map<string, Deque<StoredExchange>>();
  private predicate: ExchangePredicate = () => true;
  private currentFilter = '';
  private nextId = 0;
  private evictedCount = 0;
  private bodyBytesKept = 0;
  private changes = 0;

  constructor(limits: Partial<StoreLimits> = {}) {
    this.limits = { ...defaultStoreLimits, ...limits };
    if (!(this.limits.maxExchanges >= 1)) throw new RangeError('maxExchanges must be at least 1');
    if (!(this.limits.maxBodyBytes >= 0)) throw new RangeError('maxBodyBytes must not be negative');
  }

  /** Increases on every change (add, evict, clear, filter): a render throttle compares it. */
  get version(): number {
    return this.changes;
  }

  get size(): number {
    return this.kept.length;
  }

  get evicted(): number {
    return this.evictedCount;
  }

  get added(): number {
    return this.nextId;
  }

  /** Body bytes of the kept exchanges (what maxBodyBytes bounds). */
  get bodyBytes(): number {
    return this.bodyBytesKept;
  }

  get filterText(): string {
    return this.currentFilter;
  }

  get visibleCount(): number {
    return this.visible.length;
  }

  /**
   * Keeps an exchange, then evicts the oldest while over a limit. The newest exchange always stays,
   * even alone above maxBodyBytes (its bodies are already bounded by the capture's body cap).
   */
  add(exchange: Exchange, link?: TraceLink): void {
    const stored: StoredExchange = link === undefined ? { id: this.nextId, exchange } : { id: this.nextId, exchange, link };
    this.nextId++;
    this.kept.push(stored);
    this.bodyBytesKept += keptBodyBytes(exchange);
    this.byId.set(exchangeId(exchange), stored);
    const parentId = link?.parentId;
    if (parentId !== undefined) {
      let siblings = this.children.get(parentId);
      if (siblings === undefined) {
        siblings = new Deque<StoredExchange>();
        this.children.set(parentId, siblings);
      }
      siblings.push(stored);
    }
    if (this.predicate(exchange)) this.visible.push(stored);
    while (this.kept.length > 1 && (this.kept.length > this.limits.maxExchanges || this.bodyBytesKept > this.limits.maxBodyBytes)) {
      this.evictOldest();
    }
    this.changes++;
  }

  /** Empties the store; not counted as evictions. Ids keep increasing. */
  clear(): void {
    this.kept.clear();
    this.visible.clear();
    this.byId.clear();
    this.children.clear();
    this.bodyBytesKept = 0;
    this.changes++;
  }

  /** '' shows everything. On a syntax error the previous filter stays and the error is returned. */
  setFilter(text: string): FilterSyntaxError | undefined {
    let predicate: ExchangePredicate;
    try {
      predicate = compileFilter(text);
    } catch (error) {
      if (error instanceof FilterSyntaxError) return error;
      throw error;
    }
    this.predicate = predicate;
    this.currentFilter = text;
    this.visible.clear();
    for (let i = 0; i < this.kept.length; i++) {
      const stored = this.kept.at(i);
      if (predicate(stored.exchange)) this.visible.push(stored);
    }
    this.changes++;
    return undefined;
  }

  /** The visible exchange at `index` (0 = oldest); 0 ≤ index < visibleCount. */
  visibleAt(index: number): StoredExchange {
    if (!(index >= 0 && index < this.visible.length)) throw new RangeError(`visible index ${index} outside 0..${this.visible.length - 1}`);
    return this.visible.at(index);
  }

  /** Visible exchanges from `start` up to (not including) `end`, clamped to the list. */
  visibleSlice(start: number, end: number): StoredExchange[] {
    return this.visible.slice(start, end);
  }

  /** Index of the exchange with this id in the visible list, or -1. */
  indexOfId(id: number): number {
    const index = this.visibleLowerBound(id);
    return index < this.visible.length && this.visible.at(index).id === id ? index : -1;
  }

  /** Index of the first visible exchange whose id is ≥ `id` (visibleCount when none). */
  visibleLowerBound(id: number): number {
    return this.visible.partitionPoint((stored) => stored.id < id);
  }

  /** The kept exchange with this id (visible or not), or undefined when evicted, cleared or never added. */
  get(id: number): StoredExchange | undefined {
    const first = this.kept.peekFirst();
    if (first === undefined) return undefined;
    const offset = id - first.id;
    return offset >= 0 && offset < this.kept.length ? this.kept.at(offset) : undefined;
  }

  /** Kept exchanges (visible or not) from `start` up to `end`, oldest first; e.g. for an unfiltered export. */
  keptSlice(start: number, end: number): StoredExchange[] {
    return this.kept.slice(start, end);
  }

  /** The kept exchange whose trace/exchangeId() this is. */
  byExchangeId(id: string): StoredExchange | undefined {
    return this.byId.get(id);
  }

  /**
   * Kept exchanges whose link.parentId was this exchange id when they were added, in insertion order.
   * A link the builder fills in later (live capture, completion order) is not indexed here: the
   * waterfall finds those by the tree's trace id (tui/trace-view-model.ts).
   */
  childrenOf(id: string): StoredExchange[] {
    const siblings = this.children.get(id);
    return siblings === undefined ? [] : siblings.slice(0, siblings.length);
  }

  private evictOldest(): void {
    const stored = this.kept.shift();
    if (stored === undefined) return;
    this.evictedCount++;
    this.bodyBytesKept -= keptBodyBytes(stored.exchange);
    if (this.visible.peekFirst() === stored) this.visible.shift();
    const key = exchangeId(stored.exchange);
    // A repeated exchange id (a replay looping over one capture) may point at a newer exchange.
    if (this.byId.get(key) === stored) this.byId.delete(key);
    const parentId = stored.link?.parentId;
    if (parentId !== undefined) {
      const siblings = this.children.get(parentId);
      // Children were added in insertion order and leave in it, so the evicted one is the first.
      if (siblings !== undefined && siblings.peekFirst() === stored) {
        siblings.shift();
        if (siblings.length === 0) this.children.delete(parentId);
      }
    }
  }
}
