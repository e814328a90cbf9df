import { decodeBody } from '../http/decode-body.js';
import { createEntryConverter, type EntryConverter } from '../sinks/entry-converter.js';

/** What decides how an exchange becomes a HAR entry: --max-body, --redact, --no-redact. */
export interface ExportChoice {
  redact: boolean;
  redactPatterns: readonly string[];
  pipeline: { maxBody: number };
}

/** The entry converter of every export (read and live --jsonl/--har, the UI's `e`): one set of rules. */
export function exportConverter(choice: ExportChoice): EntryConverter {
  return createEntryConverter({
    decodeBody,
    maxBody: choice.pipeline.maxBody,
    redaction: choice.redact ? { patterns: [...choice.redactPatterns] } : { enabled: false },
  });
}
