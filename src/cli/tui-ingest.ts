import { timelineFromIntervals } from '../containers/ledger.js';
import type { TimelineInterval } from '../containers/ip-timeline.js';
import type { Exchange } from '../model/exchange.js';
import type { PipelineOptions } from '../model/options.js';
import type { ExchangeStore } from '../store/exchange-store.js';
import { TraceBuilder } from '../trace/index.js';
import { createPipeline, type Pipeline } from './pipeline.js';
import { readContainerIntervals } from './read-containers.js';

/**
 * Where every exchange of a UI session goes: through a TraceBuilder (so the store keeps each exchange's
 * link for the waterfall), then into the bounded store. Finished trees are dropped at once: the store
 * holds what the UI shows, the builder only what is still open.
 *
 * `order` is the order the pipeline delivers in. Files come in request start order, so each link is
 * final when stored. Live capture comes in completion order: the builder fills the link in place once
 * capture time has moved past the window in which a parent could still arrive.
 */
export class TuiIngest {
  private readonly builder: TraceBuilder;
  /** Wall-clock ms of the first and the latest exchange (ingest rate for HOPSCOPE_TUI_STATS). */
  firstAt: number | undefined;
  lastAt: number | undefined;

  constructor(
    readonly store: ExchangeStore,
    order: 'start' | 'completion',
    /** Called with the count after every exchange (HOPSCOPE_TUI_STATS samples RSS by it). */
    private readonly onAdded?: (count: number) => void,
    /** --trace-header names: further request headers whose value correlates a whole tree. */
    idHeaders: readonly string[] = [],
  ) {
    this.builder = new TraceBuilder({ inputOrder: order, extraIdHeaders: idHeaders });
  }

  add(exchange: Exchange): void {
    const link = this.builder.add(exchange);
    this.builder.drain();
    this.store.add(exchange, link);
    const now = performance.now();
    this.firstAt ??= now;
    this.lastAt = now;
    this.onAdded?.(this.store.added);
  }

  /** End of the capture: every held exchange is linked. */
  finish(): void {
    this.builder.finish();
  }
}

/**
 * The pipeline of a capture file shown in the UI (read at full speed or replayed): exchanges in request
 * start order into `ingest`, named from the capture's records or a containers file when there are any.
 */
export async function capturePipeline(
  input: string,
  containersFile: string | undefined,
  options: PipelineOptions,
  ingest: TuiIngest,
): Promise<{ pipeline: Pipeline; containers: TimelineInterval[] | undefined }> {
  const containers = await readContainerIntervals(input, containersFile);
  const pipeline = createPipeline(options, (exchange) => ingest.add(exchange), {
    order: 'start',
    ...(containers === undefined ? {} : { resolver: timelineFromIntervals(containers) }),
  });
  return { pipeline, containers };
}
