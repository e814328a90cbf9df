import type { Exchange } from '../model/exchange.js';
import type { EntryConverter } from '../sinks/entry-converter.js';
import type { HarEntry } from '../sinks/har-types.js';
import { renderTraceTree } from '../sinks/trace-tree.js';
import { annotateHarEntry } from '../trace/har-annotation.js';
import { TraceBuilder } from '../trace/trace-builder.js';
import { TraceSummaryCollector, type TraceSummary } from '../trace/trace-summary.js';
import { traceNodes, type Trace, type TraceLink } from '../trace/trace-types.js';
import type { TextOutput } from '../sinks/text-output.js';

/**
 * read --traces. The builder sees every exchange (a filtered-out call still links its children to their
 * tree); --filter chooses what is shown: the lines it keeps, the trees with at least one kept exchange.
 */

/** Kept exchanges, by identity, until their tree is drained: bounded by the trees open at once. */
type KeptSet = WeakSet<Exchange>;

function anyKept(trace: Trace, kept: KeptSet): boolean {
  for (const node of traceNodes(trace)) if (kept.has(node.exchange)) return true;
  return false;
}

/**
 * --traces with the table: one tree per root request, written as its tree completes (no later exchange
 * can join it), the rest at the end; exchanges arrive in request start order.
 */
export class TraceTreeWriter {
  private readonly builder = new TraceBuilder({ inputOrder: 'start' });
  private readonly kept: KeptSet = new WeakSet();

  constructor(
    private readonly out: TextOutput,
    private readonly color: boolean,
  ) {}

  write(exchange: Exchange, kept: boolean): void {
    if (kept) this.kept.add(exchange);
    this.builder.add(exchange);
    this.print(this.builder.drain());
  }

  finish(): void {
    this.print(this.builder.finish());
  }

  private print(traces: Trace[]): void {
    for (const trace of traces) {
      if (!anyKept(trace, this.kept)) continue;
      this.out.write(`${renderTraceTree(trace, { color: this.color }).join('\n')}\n`);
    }
  }
}

/**
 * --jsonl/--har with --traces: in start order the builder links an exchange when it is added, so each
 * entry is annotated as it is converted and the output keeps request start order without holding lines.
 * `write` adds to the builder; the sink (which calls the returned converter) writes only kept exchanges.
 */
export class TraceAnnotator {
  private readonly builder = new TraceBuilder({ inputOrder: 'start' });
  private last: { exchange: Exchange; link: TraceLink } | undefined;

  add(exchange: Exchange): void {
    this.last = { exchange, link: this.builder.add(exchange) };
    // Finished trees are not needed here (links are on the lines already): let them go.
    this.builder.drain();
  }

  converter(convert: EntryConverter): EntryConverter {
    return (exchange): HarEntry => {
      const entry = convert(exchange);
      return this.last?.exchange === exchange ? annotateHarEntry(entry, this.last.link) : entry;
    };
  }
}

/** --summary --traces: the trees' summary per root endpoint (exchanges come in completion order). */
export class TraceSummaryWriter {
  private readonly builder = new TraceBuilder({ inputOrder: 'completion' });
  private readonly collector = new TraceSummaryCollector();
  private readonly kept: KeptSet = new WeakSet();

  add(exchange: Exchange, kept: boolean): void {
    if (kept) this.kept.add(exchange);
    this.builder.add(exchange);
    this.collect(this.builder.drain());
  }

  result(): TraceSummary {
    this.collect(this.builder.finish());
    return this.collector.result();
  }

  private collect(traces: Trace[]): void {
    for (const trace of traces) if (anyKept(trace, this.kept)) this.collector.add(trace);
  }
}
