import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { HopscopeError } from '../model/errors.js';

/** Where the text sinks put their output. The CLI's OutputStream fits, and so does WritableTextOutput. */
export interface TextOutput {
  write(text: string): void;
}

const BATCH_CHARS = 64 * 1024;

/**
 * A TextOutput over a Node stream: text is gathered into ~64 KiB writes (one write per line would
 * dominate the cost of --jsonl at 500k exchanges), flushed at the latest at the end of the current
 * synchronous burst (a microtask, so live output is not held back), and `drained()` lets the producer
 * wait while the stream's buffer is full, so a slow consumer slows reading instead of growing memory.
 */
export class WritableTextOutput implements TextOutput {
  private pending: string[] = [];
  private pendingChars = 0;
  private flushScheduled = false;
  private failure: Error | undefined;
  private readonly flushNow = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(
    private readonly stream: Writable,
    /** For error messages: a path or "stdout". */
    private readonly label = 'output',
  ) {
    stream.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  write(text: string): void {
    if (this.failure !== undefined) return;
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= BATCH_CHARS) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushNow);
    }
  }

  /** Hands the gathered text to the stream now. */
  flush(): void {
    if (this.pendingChars === 0 && this.pending.length === 0) return;
    const text = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (this.failure === undefined) this.stream.write(text);
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

  /** Flushes, then ends the stream when `end` (not for stdout), and waits until the bytes are handed on. */
  async close(end = true): Promise<void> {
    this.flush();
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

  private throwIfFailed(): void {
    if (this.failure !== undefined) {
      throw new HopscopeError('output-unwritable', `cannot write ${this.label}: ${this.failure.message}`);
    }
  }
}
