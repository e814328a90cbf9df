import type { Frame } from '../model/frame.js';

export interface FrameBacklogOptions {
  /** Longest stretch of processing before the event loop gets a turn (wall clock, ms). */
  sliceMs: number;
  /** Captured bytes that may wait here; batches beyond are dropped and counted. */
  maxBytes: number;
}

/**
 * Batches from the capture thread, processed in slices with a turn of the event loop between them.
 * Node hands a thread-safe function's queue over in runs of up to a thousand calls per loop turn, so
 * under heavy traffic processing every batch as it arrives keeps timers and stdin waiting for seconds:
 * the terminal UI would neither draw nor take keys while it is busiest. Bounded like the addon's own
 * queue: a batch that would pass `maxBytes` is dropped whole and counted (the status line and the
 * summary line report it with the queue drops). Wall-clock time only decides when to yield; frames
 * keep their capture timestamps and their order.
 */
export class FrameBacklog {
  /** Waiting batches with their sizes (summed once, on arrival). */
  private readonly pending: Array<{ batch: Frame[]; bytes: number }> = [];
  private head = 0;
  private bytes = 0;
  private scheduled = false;
  /** Frames dropped because the backlog was full. */
  droppedFrames = 0;

  constructor(
    private readonly process: (batch: Frame[]) => void,
    private readonly options: FrameBacklogOptions,
  ) {}

  push(batch: Frame[]): void {
    const size = batchBytes(batch);
    if (this.bytes + size > this.options.maxBytes && this.bytes > 0) {
      this.droppedFrames += batch.length;
      return;
    }
    this.pending.push({ batch, bytes: size });
    this.bytes += size;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drainSlice());
    }
  }

  /** Processes everything waiting now (the end of a capture). */
  flush(): void {
    while (this.head < this.pending.length) this.processNext();
    this.compact();
  }

  get waitingBatches(): number {
    return this.pending.length - this.head;
  }

  private drainSlice(): void {
    this.scheduled = false;
    const until = performance.now() + this.options.sliceMs;
    while (this.head < this.pending.length && performance.now() < until) this.processNext();
    this.compact();
    if (this.head < this.pending.length) {
      this.scheduled = true;
      setImmediate(() => this.drainSlice());
    }
  }

  private processNext(): void {
    const item = this.pending[this.head];
    this.pending[this.head++] = DONE;
    this.bytes -= item.bytes;
    this.process(item.batch);
  }

  /** Drops processed slots once they are the larger part of the array. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    } else if (this.head === this.pending.length) {
      this.pending.length = 0;
      this.head = 0;
    }
  }
}

/** Put in a processed slot so that the batch's memory can go before the array is compacted. */
const DONE = { batch: [] as Frame[], bytes: 0 };

function batchBytes(batch: Frame[]): number {
  let bytes = 0;
  for (let i = 0; i < batch.length; i++) bytes += batch[i].data.byteLength;
  return bytes;
}
