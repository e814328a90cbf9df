import type { Exchange } from '../model/exchange.js';
import type { EntryConverter } from './entry-converter.js';
import type { TextOutput } from './text-output.js';

/**
 * --jsonl: one HAR entry per line, in the order exchanges arrive (request start order). Memory stays
 * flat: each line is built, handed to the output and forgotten; batching and backpressure are the
 * output's (see WritableTextOutput).
 */
export class JsonlSink {
  private written = 0;

  constructor(
    private readonly out: TextOutput,
    private readonly convert: EntryConverter,
  ) {}

  write(exchange: Exchange): void {
    this.out.write(`${JSON.stringify(this.convert(exchange))}\n`);
    this.written++;
  }

  get count(): number {
    return this.written;
  }
}
