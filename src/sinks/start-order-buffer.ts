import type { Exchange, ExchangeSink } from '../model/exchange.js';
import type { Stats } from '../model/stats.js';
import type { Timestamp } from '../model/time.js';

/**
 * Releases exchanges in the order their requests started, although they complete in any order.
 * An exchange waits while any request that started before it is still open. The wait is bounded:
 * past `maxHeld` waiting exchanges the oldest are released anyway (counted as
 * 'output.out-of-order'), so one long-poll request cannot make memory grow without limit.
 */
export class StartOrderBuffer implements ExchangeSink {
  private nextSeq = 0;
  private nextToRelease = 0;
  /** Finished seqs waiting for an earlier one: the exchange, or null when abandoned. */
  private readonly finished = new Map<number, Exchange | null>();
  /** Seqs released early past the bound; their late completion goes straight out. */
  private readonly skipped = new Set<number>();

  constructor(
    private readonly release: (exchange: Exchange) => void,
    private readonly stats: Stats,
    private readonly maxHeld = 50_000,
  ) {}

  begin(_ts: Timestamp): number {
    return this.nextSeq++;
  }

  complete(exchange: Exchange): void {
    this.settle(exchange.seq, exchange);
  }

  abandon(seq: number): void {
    this.settle(seq, null);
  }

  /** End of input: whatever still waits goes out in start order. */
  flush(): void {
    const rest = [...this.finished.keys()].sort((a, b) => a - b);
    for (const seq of rest) {
      const exchange = this.finished.get(seq);
      if (exchange) this.release(exchange);
    }
    this.finished.clear();
    this.nextToRelease = this.nextSeq;
  }

  get held(): number {
    return this.finished.size;
  }

  private settle(seq: number, exchange: Exchange | null): void {
    if (this.skipped.delete(seq)) {
      if (exchange) this.release(exchange);
      return;
    }
    if (seq !== this.nextToRelease) {
      this.finished.set(seq, exchange);
      if (this.finished.size > this.maxHeld) this.releaseOverdue();
      return;
    }
    if (exchange) this.release(exchange);
    this.nextToRelease++;
    this.drain();
  }

  private drain(): void {
    for (;;) {
      const next = this.finished.get(this.nextToRelease);
      if (next === undefined) return;
      this.finished.delete(this.nextToRelease);
      if (next) this.release(next);
      this.nextToRelease++;
    }
  }

  /** Gives up waiting for the open request at the head of the line. */
  private releaseOverdue(): void {
    while (this.finished.size > this.maxHeld / 2) {
      if (!this.finished.has(this.nextToRelease)) {
        this.skipped.add(this.nextToRelease);
        this.stats.count('output.out-of-order');
        this.nextToRelease++;
      }
      this.drain();
    }
  }
}

/**
 * For outputs that aggregate (--summary), order does not matter: exchanges go out as they complete,
 * and nothing is held (holding them is most of the cost of a large capture: held exchanges outlive
 * the young generation).
 */
export function completionOrder(release: (exchange: Exchange) => void): ExchangeSink {
  let nextSeq = 0;
  return {
    begin: () => nextSeq++,
    complete: release,
    abandon: () => {},
  };
}
