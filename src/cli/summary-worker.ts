import { parentPort, workerData } from 'node:worker_threads';
import { timelineFromIntervals } from '../containers/ledger.js';
import { HopscopeError } from '../model/errors.js';
import { SummaryCollector } from '../sinks/summary.js';
import { readCapture } from '../source/read-capture.js';
import { compileFilter } from '../store/filter.js';
import type { ShardJob, ShardMessage } from './parallel-summary.js';
import { createPipeline } from './pipeline.js';

/**
 * One shard of a parallel `read --summary` (see parallel-summary.ts): reads and decodes the whole
 * file, reassembles and parses only its own connections, and posts its summary counters back.
 */
const job = workerData as ShardJob;
const port = parentPort!;

function post(message: ShardMessage): void {
  port.postMessage(message);
}

async function run(): Promise<void> {
  const keep = compileFilter(job.filter ?? '');
  const collector = new SummaryCollector({ maxPairs: job.maxPairs, by: job.by });
  const resolver = job.containers && timelineFromIntervals(job.containers);
  let exchanges = 0;
  const pipeline = createPipeline(
    job.options,
    (exchange) => {
      exchanges++;
      if (keep(exchange)) collector.add(exchange);
    },
    { order: 'completion', shard: { index: job.index, count: job.count }, resolver },
  );
  try {
    await readCapture(job.input, pipeline.events, pipeline.stats, (bytesRead, totalBytes) => {
      if (job.progress) post({ type: 'progress', bytesRead, totalBytes, frames: pipeline.stats.get('capture.frames'), exchanges });
    });
  } catch (error) {
    if (error instanceof HopscopeError) {
      post({ type: 'error', code: error.code, message: error.message });
      return;
    }
    throw error;
  }
  pipeline.finish();
  post({
    type: 'done',
    summary: collector.state(),
    peakConnections: pipeline.peakConnections,
    interfaces: pipeline.interfaces,
    warnings: pipeline.warnings,
  });
}

await run();
