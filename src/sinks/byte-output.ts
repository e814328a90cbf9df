import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { HopscopeError } from '../model/errors.js';

/**
 * Where binary sinks (the pcapng writer) put their bytes: the byte twin of TextOutput. A caller hands
 * over ownership of each chunk: the output may keep it until the bytes are written, so the caller never
 * writes into a chunk's memory again. Batching is the producer's job (it can encode straight into a
 * large buffer); drained() and close() are optional so that a plain collector fits in tests.
 */
export interface ByteOutput {
  write(bytes: Uint8Array): void;
  /** True while the destination's buffer is over its high-water mark. */
  readonly needsDrain?: boolean;
  /** Resolves when the destination can take more. */
  drained?(): Promise<void>;
  /** Waits until everything written has been handed on, and ends the destination. */
  close?(): Promise<void>;
}

/**
 * A ByteOutput over a Node stream (a file from fs.createWriteStream, stdout). Stream errors are kept
 * and surface as one HopscopeError('output-unwritable') from drained()/close(), never as an
 * unhandled 'error' event.
 */
export class WritableByteOutput implements ByteOutput {
  private failure: Error | undefined;

  constructor(
    private readonly stream: Writable,
    /** For error messages: a path or "stdout". */
    private readonly label = 'output',
    /** Whether close() ends the stream (not for stdout). */
    private readonly endOnClose = true,
  ) {
    stream.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  write(bytes: Uint8Array): void {
    if (this.failure === undefined) this.stream.write(bytes);
  }

  get needsDrain(): boolean {
    return this.stream.writableNeedDrain;
  }

  async drained(): Promise<void> {
    this.throwIfFailed();
    if (this.stream.writableNeedDrain) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'close')]);
    this.throwIfFailed();
  }

  async close(): Promise<void> {
    this.throwIfFailed();
    if (this.endOnClose) {
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
