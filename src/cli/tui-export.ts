import { createWriteStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ExchangeStore } from '../store/exchange-store.js';
import { HarWriter } from '../sinks/har-writer.js';
import { WritableTextOutput } from '../sinks/text-output.js';
import { exportConverter, type ExportChoice } from './export-converter.js';
import { hopscopeVersion } from './version.js';

export interface TuiExportOptions extends ExportChoice {
  /** The HAR page title: the capture file, or "live". */
  title: string;
  /** Where the file goes (default: the current directory). */
  directory?: string;
  /** The clock for the file name (tests). */
  now?: () => Date;
}

/** hopscope-YYYYMMDD-HHMMSS.har in local time: what the user sees on their clock. */
export function exportFileName(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}`;
  return `hopscope-${day}-${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}.har`;
}

/**
 * The `e` key: the exchanges the filter shows now, written as one HAR 1.2 file. Returns its path.
 * Rejects (HopscopeError 'output-unwritable') when the file cannot be written.
 */
export async function exportVisible(store: ExchangeStore, options: TuiExportOptions): Promise<string> {
  const path = freePath(resolve(options.directory ?? '.', exportFileName((options.now ?? (() => new Date()))())));
  // A snapshot: exchanges keep arriving while the file is written.
  const rows = store.visibleSlice(0, store.visibleCount);
  const text = new WritableTextOutput(createWriteStream(path, { flags: 'wx' }), path);
  const writer = new HarWriter(text, { convert: exportConverter(options), creatorVersion: hopscopeVersion() });
  writer.startPage(options.title);
  for (const row of rows) {
    writer.write(row.exchange);
    // Large exports give the UI a turn (and let the file drain) instead of freezing it.
    if (text.needsDrain) await text.drained();
  }
  writer.close();
  await text.close(true);
  return path;
}

/** Two exports in the same second get -2, -3… rather than overwriting the first. */
function freePath(path: string): string {
  if (!existsSync(path)) return path;
  for (let n = 2; ; n++) {
    const candidate = path.replace(/\.har$/, `-${n}.har`);
    if (!existsSync(candidate)) return candidate;
  }
}
