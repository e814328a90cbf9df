import { createWriteStream } from 'node:fs';
import { openForWriting } from './live-files.js';
import type { Writable } from 'node:stream';
import type { Exchange } from '../model/exchange.js';
import { exportConverter } from './export-converter.js';
import { HarWriter } from '../sinks/har-writer.js';
import { JsonlSink } from '../sinks/jsonl-sink.js';
import { renderSummaryJson, renderSummaryTable, SummaryCollector } from '../sinks/summary.js';
import { TableSink } from '../sinks/table-sink.js';
import { WritableTextOutput } from '../sinks/text-output.js';
import type { LiveArgs } from './live-args.js';
import { hopscopeVersion } from './version.js';
import { timestamp, type Timestamp } from '../model/time.js';
import { renderSummaryWithTraces, SettledTraceAnnotator, TraceSummaryWriter, TraceTreeWriter } from './trace-outputs.js';

/**
 * Bytes that may wait in an output stream before exchanges are dropped from it. Live capture cannot
 * slow the network down: when stdout (a pager, a slow pipe) or the disk falls behind, waiting for it
 * would only move the backlog into the capture queue, where whole packets are lost (and with them the
 * -w file and every later exchange of those connections). Dropping display lines instead keeps capture
 * and analysis complete; the lines dropped are counted and reported at the end.
 */
export const LIVE_OUTPUT_MAX_PENDING_BYTES = 16 * 1024 * 1024;

/**
 * With --traces, how often the trace outputs hear that capture time has moved on while no exchange
 * completes, and how far behind the wall clock they assume capture to be. Live packets carry the
 * kernel's real-time stamps, so "now minus a margin" is a capture time every delivered exchange has
 * reached (the margin covers interface merging, the naming hold and a busy event loop). Without it, the
 * last trees before a quiet spell would wait for the next traffic. Wall clock only paces the output:
 * an exchange that still came later than that would be linked as a root and counted as late.
 */
const TRACE_TICK_MS = 1000;
const TRACE_CLOCK_MARGIN_SECONDS = 5;

/** Where a live capture's exchanges go: as they complete, or (--summary) all at once at the end. */
export interface LiveOutput {
  /**
   * Every exchange, with whether the --filter keeps it (default true). Only kept ones are shown; with
   * --traces the others still link their calls into trees.
   */
  write(exchange: Exchange, kept?: boolean): void;
  /** Exchanges not written because the output could not keep up. */
  readonly dropped: number;
  /** Footers, the summary; flushes (and closes a file). */
  close(): Promise<void>;
}

interface Destination {
  stream: Writable;
  text: WritableTextOutput;
  isFile: boolean;
}

function open(path: string): Destination {
  const stream = path === '-' ? process.stdout : createWriteStream('', { fd: openForWriting(path) });
  return { stream, text: new WritableTextOutput(stream, path === '-' ? 'stdout' : path), isFile: path !== '-' };
}

/** Writes through `sink` unless more than `maxPending` bytes already wait in the stream. */
function bounded(destination: Destination, sink: (exchange: Exchange) => void, maxPending: number) {
  let dropped = 0;
  return {
    write(exchange: Exchange): void {
      if (destination.stream.writableLength > maxPending) dropped++;
      else sink(exchange);
    },
    get dropped() {
      return dropped;
    },
  };
}

/** A ticker telling trace outputs that capture time moved on; stopped on close. */
function traceClock(advance: (ts: Timestamp) => void): { stop(): void } {
  const timer = setInterval(() => {
    const ms = Date.now() - TRACE_CLOCK_MARGIN_SECONDS * 1000;
    advance(timestamp(Math.floor(ms / 1000), (ms % 1000) * 1e6));
  }, TRACE_TICK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

export function createLiveOutput(args: LiveArgs, maxPending: number = LIVE_OUTPUT_MAX_PENDING_BYTES): LiveOutput {
  if (args.traces) return createLiveTraceOutput(args, maxPending);
  const plain = createPlainLiveOutput(args, maxPending);
  return {
    write: (exchange, kept = true) => {
      if (kept) plain.write(exchange);
    },
    get dropped() {
      return plain.dropped;
    },
    close: () => plain.close(),
  };
}

/**
 * live --traces. Every exchange goes to a TraceBuilder in completion order (live delivers exchanges as
 * they complete); what is shown waits until its tree is settled: trees in the table, annotated lines
 * and HAR entries tree by tree, the trace summary at the end.
 */
function createLiveTraceOutput(args: LiveArgs, maxPending: number): LiveOutput {
  if (args.output === 'summary') {
    const destination = open('-');
    const collector = new SummaryCollector({ by: args.by });
    const traces = new TraceSummaryWriter(args.traceHeaders);
    return {
      write: (e, kept = true) => {
        if (kept) collector.add(e);
        traces.add(e, kept);
      },
      dropped: 0,
      close: async () => {
        destination.text.write(renderSummaryWithTraces(collector.result(), traces.result(), args.json));
        await destination.text.close(false);
      },
    };
  }
  if (args.output === 'table') {
    const destination = open('-');
    const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
    let dropped = 0;
    const gate = (shown: number): boolean => {
      if (destination.stream.writableLength <= maxPending) return true;
      dropped += shown;
      return false;
    };
    const trees = new TraceTreeWriter(destination.text, color, { order: 'completion', gate, idHeaders: args.traceHeaders });
    const clock = traceClock((ts) => trees.advance(ts));
    return {
      write: (e, kept = true) => trees.write(e, kept),
      get dropped() {
        return dropped;
      },
      close: () => {
        clock.stop();
        trees.finish();
        return destination.text.close(false);
      },
    };
  }
  // --jsonl, --har: lines and entries of a tree go out together once it is settled.
  let show: (exchange: Exchange) => void = () => {};
  const annotator = new SettledTraceAnnotator((exchange) => show(exchange), args.traceHeaders);
  const convert = annotator.converter(exportConverter(args));
  const destination = open(args.output === 'jsonl' ? '-' : (args.harPath ?? '-'));
  let finish: () => Promise<void>;
  let gate: ReturnType<typeof bounded>;
  if (args.output === 'jsonl') {
    const jsonl = new JsonlSink(destination.text, convert);
    gate = bounded(destination, (e) => jsonl.write(e), maxPending);
    finish = () => destination.text.close(false);
  } else {
    const writer = new HarWriter(destination.text, { convert, creatorVersion: hopscopeVersion() });
    writer.startPage('live capture');
    gate = bounded(destination, (e) => writer.write(e), maxPending);
    finish = async () => {
      writer.close();
      await destination.text.close(destination.isFile);
    };
  }
  show = gate.write;
  const clock = traceClock((ts) => annotator.advance(ts));
  return {
    write: (e, kept = true) => annotator.add(e, kept),
    get dropped() {
      return gate.dropped;
    },
    close: () => {
      clock.stop();
      annotator.finish();
      return finish();
    },
  };
}

function createPlainLiveOutput(args: LiveArgs, maxPending: number): LiveOutput {
  const convert = () => exportConverter(args);
  switch (args.output) {
    case 'jsonl': {
      const destination = open('-');
      const sink = new JsonlSink(destination.text, convert());
      const gate = bounded(destination, (e) => sink.write(e), maxPending);
      return { write: gate.write, get dropped() { return gate.dropped; }, close: () => destination.text.close(false) };
    }
    case 'har': {
      const destination = open(args.harPath ?? '-');
      const writer = new HarWriter(destination.text, { convert: convert(), creatorVersion: hopscopeVersion() });
      writer.startPage('live capture');
      const gate = bounded(destination, (e) => writer.write(e), maxPending);
      return {
        write: gate.write,
        get dropped() {
          return gate.dropped;
        },
        close: async () => {
          // The footer makes the file valid JSON: written however the capture ended.
          writer.close();
          await destination.text.close(destination.isFile);
        },
      };
    }
    case 'summary': {
      const destination = open('-');
      const collector = new SummaryCollector({ by: args.by });
      return {
        write: (e) => collector.add(e),
        dropped: 0,
        close: async () => {
          const summary = collector.result();
          destination.text.write(args.json ? renderSummaryJson(summary) : renderSummaryTable(summary));
          await destination.text.close(false);
        },
      };
    }
    default: {
      const destination = open('-');
      const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
      const sink = new TableSink(destination.text, { color });
      const gate = bounded(destination, (e) => sink.write(e), maxPending);
      return { write: gate.write, get dropped() { return gate.dropped; }, close: () => destination.text.close(false) };
    }
  }
}
