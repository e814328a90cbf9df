import { writeFileSync } from 'node:fs';
import type { ExchangeStore } from '../store/exchange-store.js';
import type { TuiIngest } from './tui-ingest.js';

/**
 * HOPSCOPE_TUI_STATS=PATH (for `npm run bench`, not a user option): the UI session writes its ingest
 * and render figures to PATH as JSON when the feed has ended (a file read to its end) and again at quit:
 *   { exchanges, ingestSeconds, exchangesPerSecond, frames, meanFrameMs, maxFrameMs,
 *     rssAfter200k, rssAtEnd, kept, evicted }
 * Frame time is Ink's own measure per frame (layout, output and the write to the terminal); React's
 * reconciliation before it is not included. ingestSeconds runs from the UI's start to the feed's end.
 */
export const TUI_STATS_ENV = 'HOPSCOPE_TUI_STATS';
/** The exchange count at which RSS is sampled (the "RSS after 200k exchanges"). */
export const RSS_SAMPLE_AT = 200_000;

export class TuiStatsRecorder {
  private frames = 0;
  private frameMsTotal = 0;
  private frameMsMax = 0;
  private readonly started = performance.now();
  private feedEnded: number | undefined;
  private rssAfter200k: number | undefined;

  constructor(private readonly path: string) {}

  /** Ink's onRender. */
  readonly frame = (metrics: { renderTime: number }): void => {
    this.frames++;
    this.frameMsTotal += metrics.renderTime;
    if (metrics.renderTime > this.frameMsMax) this.frameMsMax = metrics.renderTime;
  };

  /** After every exchange added (one comparison; the sample is taken once). */
  readonly added = (count: number): void => {
    if (count === RSS_SAMPLE_AT) this.rssAfter200k = process.memoryUsage.rss();
  };

  feedDone(ingest: TuiIngest, store: ExchangeStore): void {
    this.feedEnded ??= performance.now();
    this.write(ingest, store);
  }

  write(ingest: TuiIngest, store: ExchangeStore): void {
    const end = this.feedEnded ?? ingest.lastAt ?? performance.now();
    const seconds = (end - this.started) / 1000;
    const figures = {
      exchanges: store.added,
      ingestSeconds: seconds,
      exchangesPerSecond: seconds > 0 ? store.added / seconds : 0,
      frames: this.frames,
      meanFrameMs: this.frames > 0 ? this.frameMsTotal / this.frames : 0,
      maxFrameMs: this.frameMsMax,
      rssAfter200k: this.rssAfter200k ?? null,
      rssAtEnd: process.memoryUsage.rss(),
      kept: store.size,
      evicted: store.evicted,
    };
    writeFileSync(this.path, `${JSON.stringify(figures)}\n`);
  }
}
