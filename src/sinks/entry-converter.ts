import type { Exchange } from '../model/exchange.js';
import { toHarEntry, type HarEntryOptions } from './har-entry.js';
import type { HarEntry } from './har-types.js';
import { IsoTimeFormatter } from './iso-time.js';
import { createRedactor, type RedactionOptions } from './redaction.js';

export interface EntryConverterOptions extends HarEntryOptions {
  /** Default: redaction on with the default names. */
  redaction?: RedactionOptions;
}

/** Exchange → the exported (redacted) HAR entry: what --jsonl and --har write. */
export type EntryConverter = (exchange: Exchange) => HarEntry;

export function createEntryConverter(options: EntryConverterOptions): EntryConverter {
  const redact = createRedactor(options.redaction);
  const entryOptions: HarEntryOptions = { decodeBody: options.decodeBody, maxBody: options.maxBody, formatTime: new IsoTimeFormatter().format };
  return (exchange) => redact(toHarEntry(exchange, entryOptions));
}
