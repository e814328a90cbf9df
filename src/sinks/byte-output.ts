import type { Writable } from 'node:stream';
import { StreamOutput } from './stream-output.js';

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

/** A ByteOutput over a Node stream (a file from fs.createWriteStream, stdout). */
export class WritableByteOutput extends StreamOutput implements ByteOutput {
  constructor(
    stream: Writable,
    label = 'output',
    /** Whether close() ends the stream (not for stdout). */
    private readonly endOnClose = true,
  ) {
    super(stream, label);
  }

  write(bytes: Uint8Array): void {
    if (this.failure === undefined) this.stream.write(bytes);
  }

  async close(): Promise<void> {
    await this.finish(this.endOnClose);
  }
}
