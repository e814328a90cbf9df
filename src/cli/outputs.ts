import { basename } from 'node:path';
import { createWriteStream } from 'node:fs';
import type { Exchange } from '../model/exchange.js';
import { HarWriter } from '../sinks/har-writer.js';
import { JsonlSink } from '../sinks/jsonl-sink.js';
import { SummaryCollector } from '../sinks/summary.js';
import { TableSink } from '../sinks/table-sink.js';
import { WritableTextOutput } from '../sinks/text-output.js';
import type { ReadArgs } from './args.js';
import { exportConverter } from './export-converter.js';
import { renderSummaryWithTraces, TraceAnnotator, TraceSummaryWriter, TraceTreeWriter } from './trace-outputs.js';
import { hopscopeVersion } from './version.js';

/** The sink a `read` writes to, chosen by its flags. */
export interface ReadOutput {
  readonly text: WritableTextOutput;
  /**
   * Without --traces the caller passes kept (filtered) exchanges only; with --traces every exchange,
   * `kept` saying whether the filter keeps it (trees need the calls that are not shown).
   */
  write(exchange: Exchange, kept?: boolean): void;
  /** After the last exchange: footers, summaries; then the stream is flushed (and closed if a file). */
  close(): Promise<void>;
}

function openText(path: string): { text: WritableTextOutput; isFile: boolean } {
  if (path === '-') return { text: new WritableTextOutput(process.stdout, 'stdout'), isFile: false };
  return { text: new WritableTextOutput(createWriteStream(path), path), isFile: true };
}

export function createReadOutput(args: ReadArgs): ReadOutput {
  let annotator: TraceAnnotator | undefined;
  const convert = () => {
    const plain = exportConverter(args);
    return annotator === undefined ? plain : annotator.converter(plain);
  };
  // --jsonl/--har --traces: every exchange goes to the builder, the kept ones to the sink (held while
  // the builder warms up); the annotator's last lines are written before the output closes.
  const traced = (write: (e: Exchange) => void) => {
    if (!args.traces) return { write, finish: () => {} };
    const traces = (annotator = new TraceAnnotator(write, args.traceHeaders));
    return { write: (e: Exchange, kept = true) => traces.add(e, kept), finish: () => traces.finish() };
  };
  switch (args.output) {
    case 'jsonl': {
      const { text } = openText('-');
      let sink: JsonlSink | undefined;
      const out = traced((e) => sink!.write(e));
      sink = new JsonlSink(text, convert());
      return {
        text,
        write: out.write,
        close: () => {
          out.finish();
          return text.close(false);
        },
      };
    }
    case 'har': {
      const { text, isFile } = openText(args.harPath ?? '-');
      let writer: HarWriter | undefined;
      const out = traced((e) => writer!.write(e));
      writer = new HarWriter(text, { convert: convert(), creatorVersion: hopscopeVersion() });
      writer.startPage(args.input === '-' ? 'stdin' : basename(args.input));
      return {
        text,
        write: out.write,
        close: async () => {
          out.finish();
          writer!.close();
          await text.close(isFile);
        },
      };
    }
    case 'summary': {
      const { text } = openText('-');
      const collector = new SummaryCollector({ by: args.by });
      const traces = args.traces ? new TraceSummaryWriter(args.traceHeaders) : undefined;
      return {
        text,
        write: (e, kept = true) => {
          if (kept) collector.add(e);
          traces?.add(e, kept);
        },
        close: async () => {
          text.write(renderSummaryWithTraces(collector.result(), traces?.result(), args.json));
          await text.close(false);
        },
      };
    }
    default: {
      const { text } = openText('-');
      const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
      if (args.traces) {
        const trees = new TraceTreeWriter(text, color, { idHeaders: args.traceHeaders });
        return {
          text,
          write: (e, kept = true) => trees.write(e, kept),
          close: () => {
            trees.finish();
            return text.close(false);
          },
        };
      }
      const sink = new TableSink(text, { color });
      return { text, write: (e) => sink.write(e), close: () => text.close(false) };
    }
  }
}
