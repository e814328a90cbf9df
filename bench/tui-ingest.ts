import { parseReadArgs } from '../src/cli/args.js';
import { startFileFeed } from '../src/cli/tui-file-feed.js';
import { TuiIngest } from '../src/cli/tui-ingest.js';
import { RSS_SAMPLE_AT } from '../src/cli/tui-stats.js';
import { ExchangeStore } from '../src/store/exchange-store.js';

/**
 * The UI's ingest without the UI, for the bench's comparison row: the same file feed (pipeline with
 * bodies, TraceBuilder, bounded store) as `read FILE --tui`, with nothing rendering. Prints JSON:
 *   { exchanges, ingestSeconds, exchangesPerSecond, rssAfter200k, rssAtEnd, kept, evicted }
 *
 *   node --import tsx bench/tui-ingest.ts CAPTURE
 */
const input = process.argv[2];
if (input === undefined) throw new Error('usage: bench/tui-ingest.ts CAPTURE');
let rssAfter200k: number | null = null;
const store = new ExchangeStore();
const ingest = new TuiIngest(store, 'start', (count) => {
  if (count === RSS_SAMPLE_AT) rssAfter200k = process.memoryUsage.rss();
});
const started = performance.now();
const feed = await startFileFeed(parseReadArgs([input]), ingest, () => {});
await feed.done;
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({
    exchanges: store.added,
    ingestSeconds: seconds,
    exchangesPerSecond: store.added / seconds,
    rssAfter200k,
    rssAtEnd: process.memoryUsage.rss(),
    kept: store.size,
    evicted: store.evicted,
  })}\n`,
);
