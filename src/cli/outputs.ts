import { basename } from 'node:path';
import { createWriteStream } from 'node:fs';
import { decodeBody } from '../http/decode-body.js';
import type { Exchange } from '../model/exchange.js';
import { createEntryConverter } from '../sinks/entry-converter.js';
import { HarWriter } from '../sinks/har-writer.js';
import { JsonlSink } from '../sinks/jsonl-sink.js';
import { renderSummaryJson, renderSummaryTable, SummaryCollector } from '../sinks/summary.js';
import { TableSink } from '../sinks/table-sink.js';
import { WritableTextOutput } from '../sinks/text-output.js';
import type { ReadArgs } from './args.js';
import { hopscopeVersion } from './version.js';

/** The sink a `read` writes to, chosen by its flags. */
export interface ReadOutput {
  readonly text: WritableTextOutput;
  write(exchange: Exchange): void;
  /** After the last exchange: footers, summaries; then the stream is flushed (and closed if a file). */
  close(): Promise<void>;
}

function openText(path: string): { text: WritableTextOutput; isFile: boolean } {
  if (path === '-') return { text: new WritableTextOutput(process.stdout, 'stdout'), isFile: false };
  return { text: new WritableTextOutput(createWriteStream(path), path), isFile: true };
}

export function createReadOutput(args: ReadArgs): ReadOutput {
  const convert = () =>
    createEntryConverter({
      decodeBody,
      maxBody: args.pipeline.maxBody,
      redaction: args.redact ? { patterns: args.redactPatterns } : { enabled: false },
    });
  switch (args.output) {
    case 'jsonl': {
      const { text } = openText('-');
      const sink = new JsonlSink(text, convert());
      return { text, write: (e) => sink.write(e), close: () => text.close(false) };
    }
    case 'har': {
      const { text, isFile } = openText(args.harPath ?? '-');
      const writer = new HarWriter(text, { convert: convert(), creatorVersion: hopscopeVersion() });
      writer.startPage(args.input === '-' ? 'stdin' : basename(args.input));
      return {
        text,
        write: (e) => writer.write(e),
        close: async () => {
          writer.close();
          await text.close(isFile);
        },
      };
    }
    case 'summary': {
      const { text } = openText('-');
      const collector = new SummaryCollector({ by: args.by });
      return {
        text,
        write: (e) => collector.add(e),
        close: async () => {
          const summary = collector.result();
          text.write(args.json ? renderSummaryJson(summary) : renderSummaryTable(summary));
          await text.close(false);
        },
      };
    }
    default: {
      const { text } = openText('-');
      const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
      const sink = new TableSink(text, { color });
      return { text, write: (e) => sink.write(e), close: () => text.close(false) };
    }
  }
}
