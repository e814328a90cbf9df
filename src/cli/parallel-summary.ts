import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Anomaly } from '../model/anomaly.js';
import { HopscopeError, type ErrorCode } from '../model/errors.js';
import type { CaptureInterface } from '../model/frame.js';
import type { PipelineOptions } from '../model/options.js';
import type { TimelineInterval } from '../containers/ip-timeline.js';
import { SummaryCollector, type SummaryState } from '../sinks/summary.js';

/**
 * `read --summary` on both cores: each worker thread reads and decodes the whole file (cheap) but
 * reassembles and parses only the TCP connections whose 4-tuple hashes to it, and the per-pair
 * counters (counts and log histograms, which add exactly) are merged here. Connections never span
 * shards and every shard sees every TCP segment's capture time, so the merged summary equals the
 * single-threaded one, with two exceptions that are detected, not guessed: more pairs than the
 * pair limit (which pairs go to "(other)" depends on the global order pairs appear in), and a
 * connection table that may have been full (eviction depends on the global table). Then the caller
 * runs the single-threaded path instead.
 *
 * Only for --summary: line outputs promise request start order across all connections, which
 * shards cannot give without holding and merging every exchange.
 */

/** What a shard worker is given (workerData). */
export interface ShardJob {
  input: string;
  options: PipelineOptions;
  filter: string | undefined;
  /** Container names for the exchanges (structured-cloned to the worker, which builds its own timeline). */
  containers: TimelineInterval[] | undefined;
  by: 'container' | 'service';
  maxPairs: number;
  index: number;
  count: number;
  progress: boolean;
}

export type ShardMessage =
  | { type: 'progress'; bytesRead: number; totalBytes: number | undefined; frames: number; exchanges: number }
  | { type: 'error'; code: ErrorCode; message: string }
  | {
      type: 'done';
      summary: SummaryState;
      peakConnections: number;
      interfaces: CaptureInterface[];
      warnings: Anomaly[];
    };

type Done = Extract<ShardMessage, { type: 'done' }>;

export interface ParallelSummaryResult {
  collector: SummaryCollector;
  /** From shard 0: every shard reads the same file and reports the same. */
  interfaces: CaptureInterface[];
  warnings: Anomaly[];
}

export type ProgressListener = (bytesRead: number, totalBytes: number | undefined, frames: number, exchanges: number) => void;

/** Files smaller than this are not worth a second thread (start-up and the duplicated decoding). */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
/** Pairs kept apart by the summary (SummaryCollector's default). */
const MAX_PAIRS = 10_000;
/**
 * Young generation of each worker (V8's default is 3 × 16 MB semi-spaces): two workers at the default
 * took ~60 MB more peak RSS than at 16 MB, for no measurable CPU saving; at 8 MB scavenges start to cost.
 */
const WORKER_YOUNG_GENERATION_MB = 16;

/**
 * The number of threads for a `read`: HOPSCOPE_THREADS (a number, or 'auto') overrides; auto is two
 * on a machine with two or more cores for a --summary of a regular file of PARALLEL_MIN_BYTES or more.
 */
export function summaryThreads(setting: string | undefined, fileBytes: number | undefined): number {
  const cores = availableParallelism();
  if (setting !== undefined && setting !== '' && setting !== 'auto') {
    const n = Number(setting);
    if (!Number.isInteger(n) || n < 1 || n > 64) {
      throw new HopscopeError('usage', `HOPSCOPE_THREADS takes a whole number from 1 to 64 or 'auto', not '${setting}'`);
    }
    return n;
  }
  if (fileBytes === undefined || fileBytes < PARALLEL_MIN_BYTES) return 1;
  return Math.min(2, cores);
}

/**
 * Runs the shards. Resolves with the merged counters, or undefined when the merge might differ from
 * the single-threaded result (see above). Rejects with the first shard's HopscopeError.
 */
export async function runParallelSummary(
  input: string,
  options: PipelineOptions,
  view: Pick<ShardJob, 'filter' | 'containers' | 'by'>,
  count: number,
  onProgress: ProgressListener | undefined,
): Promise<ParallelSummaryResult | undefined> {
  const workerUrl = new URL(import.meta.url.endsWith('.ts') ? './summary-worker.ts' : './summary-worker.js', import.meta.url);
  const progress: Array<{ bytesRead: number; frames: number; exchanges: number }> = [];
  const shards: Array<Promise<Done>> = [];
  for (let index = 0; index < count; index++) {
    progress.push({ bytesRead: 0, frames: 0, exchanges: 0 });
    const job: ShardJob = { input, options, ...view, maxPairs: MAX_PAIRS, index, count, progress: onProgress !== undefined };
    shards.push(
      new Promise<Done>((resolve, reject) => {
        const worker = new Worker(workerUrl, {
          workerData: job,
          resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
        });
        let done: Done | undefined;
        let failure: Error | undefined;
        worker.on('message', (message: ShardMessage) => {
          if (message.type === 'done') done = message;
          else if (message.type === 'error') failure = new HopscopeError(message.code, message.message);
          else if (onProgress !== undefined) {
            progress[index] = message;
            // The slowest shard says how far the whole run is; exchanges add up over shards.
            const slowest = progress.reduce((a, b) => (b.bytesRead < a.bytesRead ? b : a));
            const exchanges = progress.reduce((n, p) => n + p.exchanges, 0);
            onProgress(slowest.bytesRead, message.totalBytes, slowest.frames, exchanges);
          }
        });
        worker.on('error', (error) => {
          failure ??= error;
        });
        worker.on('exit', (code) => {
          if (failure !== undefined) reject(failure);
          else if (done !== undefined) resolve(done);
          else reject(new Error(`summary worker ${index} exited with code ${code} without a result`));
        });
      }),
    );
  }
  const settled = await Promise.allSettled(shards);
  // The first shard's failure in shard order: deterministic whichever thread finished first.
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  const results = settled.map((s) => (s as PromiseFulfilledResult<Done>).value);

  const collector = new SummaryCollector({ maxPairs: MAX_PAIRS, by: view.by });
  let peakSum = 0;
  let overflowed = false;
  for (const r of results) {
    collector.merge(r.summary);
    peakSum += r.peakConnections;
    if (r.summary.merged > 0) overflowed = true;
  }
  // The shards' peaks add up to at least the peak one table would have had: below the limit, no shard
  // table was ever fuller than the single one, and none evicted.
  if (overflowed || collector.pairCount > MAX_PAIRS || peakSum >= options.maxConnections) return undefined;
  return { collector, interfaces: results[0].interfaces, warnings: results[0].warnings };
}
