import type { Exchange } from '../model/exchange.js';
import type { EntryConverter } from '../sinks/entry-converter.js';
import type { HarEntry } from '../sinks/har-types.js';
import { renderSummaryJson, renderSummaryTable, type TrafficSummary } from '../sinks/summary.js';
import { renderTraceSummary, renderTraceTree } from '../sinks/trace-tree.js';
import type { Timestamp } from '../model/time.js';
import { annotateHarEntry } from '../trace/har-annotation.js';
import { TraceBuilder } from '../trace/trace-builder.js';
import { TraceSummaryCollector, type TraceSummary } from '../trace/trace-summary.js';
import { traceNodes, type Trace, type TraceLink } from '../trace/trace-types.js';
import type { TextOutput } from '../sinks/text-output.js';

/**
 * read and live --traces. The builder sees every exchange (a filtered-out call still links its children to their
 * tree); --filter chooses what is shown: the lines it keeps, the trees with at least one kept exchange.
 */

/** Kept exchanges, by identity, until their tree is drained: bounded by the trees open at once. */
type KeptSet = WeakSet<Exchange>;

function anyKept(trace: Trace, kept: KeptSet): boolean {
  for (const node of traceNodes(trace)) if (kept.has(node.exchange)) return true;
  return false;
}

/** The --summary text (or --json document) with the trace summary after it, for read and live. */
export function renderSummaryWithTraces(summary: TrafficSummary, trees: TraceSummary | undefined, json: boolean): string {
  if (json) return trees === undefined ? renderSummaryJson(summary) : `${JSON.stringify({ ...summary, traces: trees }, null, 2)}\n`;
  return renderSummaryTable(summary) + (trees === undefined ? '' : `\n${renderTraceSummary(trees).join('\n')}\n`);
}

/** The order exchanges reach a trace output: `read` gives request start order, `live` completion order. */
export type TraceInputOrder = 'start' | 'completion';

/** --trace-header names: further request headers whose value correlates a whole tree. */
export type TraceIdHeaders = readonly string[];

export interface TraceTreeWriterOptions {
  /** Default 'start'. In 'completion' order a tree is written once capture time has moved past its window. */
  order?: TraceInputOrder;
  idHeaders?: TraceIdHeaders;
  /**
   * Asked before a tree is written with the number of kept exchanges in it; false skips the tree (live
   * output that cannot keep up counts those exchanges as dropped). Default: always write.
   */
  gate?: (shown: number) => boolean;
}

/**
 * --traces with the table: one tree per root request, written as its tree completes (no later exchange
 * can join it), the rest at the end.
 */
export class TraceTreeWriter {
  private readonly builder: TraceBuilder;
  private readonly kept: KeptSet = new WeakSet();
  private readonly gate: ((shown: number) => boolean) | undefined;

  constructor(
    private readonly out: TextOutput,
    private readonly color: boolean,
    options: TraceTreeWriterOptions = {},
  ) {
    this.builder = new TraceBuilder({ inputOrder: options.order ?? 'start', extraIdHeaders: options.idHeaders ?? [] });
    this.gate = options.gate;
  }

  write(exchange: Exchange, kept: boolean): void {
    if (kept) this.kept.add(exchange);
    this.builder.add(exchange);
    this.print(this.builder.drain());
  }

  /** Capture time has reached `ts` with no exchange to show for it (live capture while quiet). */
  advance(ts: Timestamp): void {
    this.builder.advance(ts);
    this.print(this.builder.drain());
  }

  finish(): void {
    this.print(this.builder.finish());
  }

  private print(traces: Trace[]): void {
    for (const trace of traces) {
      const shown = keptCount(trace, this.kept);
      if (shown === 0 || (this.gate !== undefined && !this.gate(shown))) continue;
      this.out.write(`${renderTraceTree(trace, { color: this.color }).join('\n')}\n`);
    }
  }
}

function keptCount(trace: Trace, kept: KeptSet): number {
  let count = 0;
  for (const node of traceNodes(trace)) if (kept.has(node.exchange)) count++;
  return count;
}

/**
 * --jsonl/--har with --traces: in start order the builder links an exchange when it is added, but a link
 * by timing is final only once the service's beam has decided it (about a second of capture time later,
 * see TraceBuilderOptions.beamWidth), and the first exchanges are linked again when the warm-up ends. So
 * each exchange is held until its link is settled, and written in order: the output keeps request start
 * order, and what waits is bounded by the builder's warm-up and the beams' delay. Every exchange goes to
 * the builder; `write` gets only the kept ones.
 */
export class TraceAnnotator {
  private readonly builder: TraceBuilder;
  private readonly links = new WeakMap<Exchange, TraceLink>();
  private held: Array<{ exchange: Exchange; kept: boolean; link: TraceLink }> = [];
  private heldHead = 0;

  constructor(
    private readonly write: (exchange: Exchange) => void,
    idHeaders: TraceIdHeaders = [],
  ) {
    this.builder = new TraceBuilder({ inputOrder: 'start', extraIdHeaders: idHeaders });
  }

  add(exchange: Exchange, kept: boolean): void {
    const link = this.builder.add(exchange);
    this.links.set(exchange, link);
    // Finished trees are not needed here (links go on the lines): let them go.
    this.builder.drain();
    this.held.push({ exchange, kept, link });
    this.release();
  }

  /** End of input: every link is settled, and held exchanges are written. */
  finish(): void {
    this.builder.finish();
    this.release();
  }

  converter(convert: EntryConverter): EntryConverter {
    return (exchange): HarEntry => {
      const entry = convert(exchange);
      const link = this.links.get(exchange);
      return link === undefined ? entry : annotateHarEntry(entry, link);
    };
  }

  /** Writes the held exchanges, in order, up to the first whose link may still change. */
  private release(): void {
    const held = this.held;
    while (this.heldHead < held.length && this.builder.isSettled(held[this.heldHead].link)) {
      const { exchange, kept } = held[this.heldHead++];
      if (kept) this.write(exchange);
    }
    if (this.heldHead === held.length) {
      this.held = [];
      this.heldHead = 0;
    } else if (this.heldHead > 1024 && this.heldHead * 2 > held.length) {
      this.held = held.slice(this.heldHead);
      this.heldHead = 0;
    }
  }
}

/**
 * live --jsonl/--har --traces: exchanges arrive as they complete, so a parent (which ends after its
 * calls) comes after its children, and a link is settled only once capture time has moved the builder's
 * window (TraceBuilderOptions.maxParentSeconds) past the exchange's start. Each kept exchange is held
 * until its tree completes, then the tree's kept exchanges go to `write` together, parents before their
 * children (depth first, in start order), each annotated by the converter. Held exchanges are bounded by
 * the builder's maxPending and maxOpenTrees (beyond them trees are completed early, counted as forced).
 */
export class SettledTraceAnnotator {
  private readonly builder: TraceBuilder;
  private readonly kept: KeptSet = new WeakSet();
  private current: { exchange: Exchange; link: TraceLink } | undefined;

  constructor(
    private readonly write: (exchange: Exchange) => void,
    idHeaders: TraceIdHeaders = [],
  ) {
    this.builder = new TraceBuilder({ inputOrder: 'completion', extraIdHeaders: idHeaders });
  }

  add(exchange: Exchange, kept: boolean): void {
    if (kept) this.kept.add(exchange);
    this.builder.add(exchange);
    this.release(this.builder.drain());
  }

  /** Capture time has reached `ts` with no exchange to show for it (live capture while quiet). */
  advance(ts: Timestamp): void {
    this.builder.advance(ts);
    this.release(this.builder.drain());
  }

  /** End of capture: every held exchange goes out. */
  finish(): void {
    this.release(this.builder.finish());
  }

  converter(convert: EntryConverter): EntryConverter {
    return (exchange): HarEntry => {
      const entry = convert(exchange);
      return this.current?.exchange === exchange ? annotateHarEntry(entry, this.current.link) : entry;
    };
  }

  private release(traces: Trace[]): void {
    for (const trace of traces) {
      for (const node of traceNodes(trace)) {
        if (!this.kept.has(node.exchange)) continue;
        this.current = node;
        this.write(node.exchange);
      }
    }
    this.current = undefined;
  }
}

/** --summary --traces: the trees' summary per root endpoint (exchanges come in completion order). */
export class TraceSummaryWriter {
  private readonly builder: TraceBuilder;
  private readonly collector = new TraceSummaryCollector();
  private readonly kept: KeptSet = new WeakSet();

  constructor(idHeaders: TraceIdHeaders = []) {
    this.builder = new TraceBuilder({ inputOrder: 'completion', extraIdHeaders: idHeaders });
  }

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
