import { createWriteStream } from 'node:fs';
import { openForWriting } from './live-files.js';
import type { Writable } from 'node:stream';
import { decodeBody } from '../http/decode-body.js';
import type { Exchange } from '../model/exchange.js';
import { createEntryConverter } from '../sinks/entry-converter.js';
import { HarWriter } from '../sinks/har-writer.js';
import { JsonlSink } from '../sinks/jsonl-sink.js';
import { renderSummaryJson, renderSummaryTable, SummaryCollector } from '../sinks/summary.js';
import { TableSink } from '../sinks/table-sink.js';
import { WritableTextOutput } from '../sinks/text-output.js';
import type { LiveArgs } from './live-args.js';
import { hopscopeVersion } from './version.js';

/**
 * Bytes that may wait in an output stream before exchanges are dropped from it. Live capture cannot
 * slow the network down: when stdout (a pager, a slow pipe) or the disk falls behind, waiting for it
 * would only move the backlog into the capture queue, where whole packets are lost (and with them the
 * -w file and every later exchange of those connections). Dropping display lines instead keeps capture
 * and analysis complete; the lines dropped are counted and reported at the end.
 */
export const LIVE_OUTPUT_MAX_PENDING_BYTES = 16 * 1024 * 1024;

/** Where a live capture's exchanges go: as they complete, or (--summary) all at once at the end. */
export interface LiveOutput {
  write(exchange: Exchange): void;
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

export function createLiveOutput(args: LiveArgs, maxPending: number = LIVE_OUTPUT_MAX_PENDING_BYTES): LiveOutput {
  const convert = () =>
    createEntryConverter({
      decodeBody,
      maxBody: args.pipeline.maxBody,
      redaction: args.redact ? { patterns: args.redactPatterns } : { enabled: false },
    });
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
