import type { Stats } from '../model/stats.js';

/** Pending counts are added to Stats at least this often (in exchanges) while connections stay open. */
const FLUSH_EVERY = 1024;

/**
 * The three per-exchange volume counters (http.requests, http.responses, http.exchanges), kept as
 * plain numbers and added to Stats in batches: three Map updates per exchange cost more than the
 * rest of pairing. Flushed whenever a connection's direction ends (so Stats is exact once every
 * connection has ended, as at the end of a capture) and every FLUSH_EVERY exchanges in between.
 * One instance per handler factory, shared by its connections.
 */
export class VolumeCounts {
  requests = 0;
  responses = 0;
  exchanges = 0;

  constructor(private readonly stats: Stats) {}

  exchange(): void {
    if (++this.exchanges >= FLUSH_EVERY) this.flush();
  }

  flush(): void {
    const stats = this.stats;
    if (this.requests > 0) stats.count('http.requests', this.requests);
    if (this.responses > 0) stats.count('http.responses', this.responses);
    if (this.exchanges > 0) stats.count('http.exchanges', this.exchanges);
    this.requests = 0;
    this.responses = 0;
    this.exchanges = 0;
  }
}
