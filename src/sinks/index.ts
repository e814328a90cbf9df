/** The sinks' public surface: everything that turns Exchanges into output. */
export type { BodyDecoder, DecodedBody } from './body-decoder.js';
export { createEntryConverter, type EntryConverter, type EntryConverterOptions } from './entry-converter.js';
export { toHarEntry, type HarEntryOptions } from './har-entry.js';
export { harTimings, harTotalTime } from './har-timings.js';
export type * from './har-types.js';
export { HarWriter, type HarWriterOptions } from './har-writer.js';
export { JsonlSink } from './jsonl-sink.js';
export { LatencyHistogram } from './latency-histogram.js';
export {
  createRedactor,
  isDefaultSensitiveName,
  parseRedactPattern,
  REDACTED,
  type EntryRedactor,
  type NameMatcher,
  type RedactionOptions,
} from './redaction.js';
export {
  renderSummaryJson,
  renderSummaryTable,
  SummaryCollector,
  type PairSummary,
  type SummaryOptions,
  type TrafficSummary,
} from './summary.js';
export { formatTableRow, tableHeader, TableSink, type TableOptions } from './table-sink.js';
export { WritableTextOutput, type TextOutput } from './text-output.js';
