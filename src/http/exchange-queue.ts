import type { OpenExchange } from './open-exchange.js';

/** Answered slots kept at the front before the rest is moved down (pipelining that never drains). */
const COMPACT_AT = 64;

/**
 * The exchanges of one connection that wait for their final response, oldest first. Usually it
 * holds one exchange at a time, so it reuses its slots instead of push/shift (shift() and setting
 * length cost a runtime call each, and freed slots would be reallocated at the next request).
 * Answered slots are cleared at once so that they do not keep exchanges alive.
 */
export class ExchangeQueue {
  private readonly items: Array<OpenExchange | null> = [];
  private head = 0;
  private tail = 0;

  get size(): number {
    return this.tail - this.head;
  }

  push(ex: OpenExchange): void {
    if (this.tail < this.items.length) this.items[this.tail] = ex;
    else this.items.push(ex);
    this.tail++;
  }

  /** The oldest waiting exchange, or null. */
  first(): OpenExchange | null {
    return this.head < this.tail ? this.items[this.head] : null;
  }

  /** The oldest waiting exchange got its final response (or lost it). */
  pass(): void {
    if (this.head === this.tail) return;
    this.items[this.head++] = null;
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    } else if (this.head >= COMPACT_AT) {
      this.items.copyWithin(0, this.head, this.tail);
      this.items.fill(null, this.tail - this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
  }

  /** Takes `ex` out (the latest slot holding it), wherever it waits. */
  remove(ex: OpenExchange): void {
    let i = this.tail - 1;
    while (i >= this.head && this.items[i] !== ex) i--;
    if (i < this.head) return;
    this.items.copyWithin(i, i + 1, this.tail);
    this.items[--this.tail] = null;
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    }
  }

  /** Everything still waiting, oldest first; the queue is empty afterwards. */
  takeAll(): OpenExchange[] {
    const out: OpenExchange[] = [];
    for (let i = this.head; i < this.tail; i++) {
      out.push(this.items[i] as OpenExchange);
      this.items[i] = null;
    }
    this.head = 0;
    this.tail = 0;
    return out;
  }
}
