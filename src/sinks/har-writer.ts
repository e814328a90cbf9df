import type { Exchange } from '../model/exchange.js';
import type { EntryConverter } from './entry-converter.js';
import type { HarPage } from './har-types.js';
import type { TextOutput } from './text-output.js';

export interface HarWriterOptions {
  convert: EntryConverter;
  /** hopscope's version, from package.json (the CLI knows it). */
  creatorVersion: string;
  creatorName?: string;
}

/**
 * A HAR 1.2 file written as it goes, so memory stays flat however many entries there are:
 *
 *   {"log":{"version":"1.2","creator":{…},"entries":[
 *   {entry},
 *   {entry}
 *   ],"pages":[…]}}
 *
 * The header goes out with the first entry (or at close), each entry as one line, and `close()`
 * writes the footer: the pages (one per capture, known only at the end: a page's startedDateTime is
 * its first entry's) and the closing brackets. Only pages that got entries are listed.
 *
 * The file is valid JSON only once `close()` has run: on interruption the caller must still call it.
 * Live mode does so on SIGINT/SIGTERM (stop capturing, flush the pipeline, `close()`, then close
 * the output), so Ctrl-C leaves a complete HAR. A process killed outright leaves the file without
 * its footer; appending "]}}" makes it loadable.
 */
export class HarWriter {
  private started = false;
  private closed = false;
  private entries = 0;
  private readonly pages: HarPage[] = [];
  private currentTitle: string | undefined;
  private currentPage: HarPage | undefined;

  constructor(
    private readonly out: TextOutput,
    private readonly options: HarWriterOptions,
  ) {}

  /** The entries that follow belong to a new page, e.g. the capture file `title`. */
  startPage(title: string): void {
    this.currentTitle = title;
    this.currentPage = undefined;
  }

  write(exchange: Exchange): void {
    if (this.closed) return;
    this.writeHeader();
    const entry = this.options.convert(exchange);
    if (this.currentTitle !== undefined) {
      if (this.currentPage === undefined) {
        this.currentPage = { id: `page_${this.pages.length + 1}`, title: this.currentTitle, startedDateTime: entry.startedDateTime, pageTimings: {} };
        this.pages.push(this.currentPage);
      }
      // pageref first, as HAR viewers list it.
      const withPage = { pageref: this.currentPage.id, ...entry };
      this.out.write(`${this.entries === 0 ? '' : ',\n'}${JSON.stringify(withPage)}`);
    } else {
      this.out.write(`${this.entries === 0 ? '' : ',\n'}${JSON.stringify(entry)}`);
    }
    this.entries++;
  }

  get count(): number {
    return this.entries;
  }

  /** Writes the footer; later calls and writes do nothing. The output is the caller's to close. */
  close(): void {
    if (this.closed) return;
    this.writeHeader();
    this.closed = true;
    this.out.write(`${this.entries === 0 ? '' : '\n'}],"pages":${JSON.stringify(this.pages)}}}\n`);
  }

  private writeHeader(): void {
    if (this.started) return;
    this.started = true;
    const creator = { name: this.options.creatorName ?? 'hopscope', version: this.options.creatorVersion };
    this.out.write(`{"log":{"version":"1.2","creator":${JSON.stringify(creator)},"entries":[\n`);
  }
}
