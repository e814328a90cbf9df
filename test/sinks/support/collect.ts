import { Writable } from 'node:stream';
import type { TextOutput } from '../../../src/sinks/text-output.js';

/** A TextOutput that keeps everything written, for assertions. */
export class StringOutput implements TextOutput {
  text = '';
  write(text: string): void {
    this.text += text;
  }
}

/** A Writable with a small buffer that completes each write only when `release()` is called. */
export class SlowWritable extends Writable {
  readonly chunks: string[] = [];
  private waiting: Array<() => void> = [];

  constructor(highWaterMark: number) {
    super({ highWaterMark, decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    this.waiting.push(() => callback());
  }

  release(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const done of waiting) done();
  }

  get text(): string {
    return this.chunks.join('');
  }
}
