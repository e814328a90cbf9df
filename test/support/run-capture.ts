import { createPipeline } from '../../src/cli/pipeline.js';
import type { Anomaly } from '../../src/model/anomaly.js';
import type { Exchange } from '../../src/model/exchange.js';
import { defaultPipelineOptions, type PipelineOptions } from '../../src/model/options.js';
import type { Stats } from '../../src/model/stats.js';
import { readCapture } from '../../src/source/read-capture.js';

export interface CaptureRun {
  exchanges: Exchange[];
  stats: Stats;
  warnings: Anomaly[];
}

/** Runs the offline pipeline over a capture file in this process, as `hopscope read` does. */
export async function runCapture(path: string, options: Partial<PipelineOptions> = {}): Promise<CaptureRun> {
  const exchanges: Exchange[] = [];
  const pipeline = createPipeline({ ...defaultPipelineOptions, ...options }, (exchange) => exchanges.push(exchange));
  await readCapture(path, pipeline.events, pipeline.stats);
  pipeline.finish();
  return { exchanges, stats: pipeline.stats, warnings: pipeline.warnings };
}
