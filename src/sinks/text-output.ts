import type { Writable } from 'node:stream';
import { StreamOutput } from './stream-output.js';

/** Where the text sinks put their output. WritableTextOutput writes to a stream. */
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
export class WritableTextOutput extends StreamOutput implements TextOutput {
  private pending: string[] = [];
  private pendingChars = 0;
  private flushScheduled = false;
  private readonly flushNow = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(stream: Writable, label = 'output') {
    super(stream, label);
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

  /** Flushes, then ends the stream when `end` (not for stdout), and waits until the bytes are handed on. */
  async close(end = true): Promise<void> {
    this.flush();
    await this.finish(end);
  }
}
