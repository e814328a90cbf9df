import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { HopscopeError } from '../model/errors.js';

/**
 * What the text and byte outputs share over a Node stream (a file, stdout): stream errors are kept and
 * surface as one HopscopeError('output-unwritable') from drained()/close(), never as an unhandled
 * 'error' event; drained() lets a producer wait while the stream's buffer is full.
 */
export class StreamOutput {
  protected failure: Error | undefined;

  constructor(
    protected readonly stream: Writable,
    /** For error messages: a path or "stdout". */
    protected readonly label = 'output',
  ) {
    stream.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  /** True while the stream's buffer is over its high-water mark. */
  get needsDrain(): boolean {
    return this.stream.writableNeedDrain;
  }

  /** Resolves when the stream can take more; rejects when it failed (output-unwritable). */
  async drained(): Promise<void> {
    this.throwIfFailed();
    if (this.stream.writableNeedDrain) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'close')]);
    this.throwIfFailed();
  }

  /** Ends the stream when `end` (not for stdout), else waits for it to drain; then reports any failure. */
  protected async finish(end: boolean): Promise<void> {
    this.throwIfFailed();
    if (end) {
      await new Promise<void>((resolve, reject) => {
        this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
      }).catch((error: Error) => {
        this.failure ??= error;
      });
    } else if (this.stream.writableNeedDrain) {
      await this.drained();
    }
    this.throwIfFailed();
  }

  protected throwIfFailed(): void {
    if (this.failure !== undefined) {
      throw new HopscopeError('output-unwritable', `cannot write ${this.label}: ${this.failure.message}`);
    }
  }
}
