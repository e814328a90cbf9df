/** Every bound the pipeline keeps, with its default. Hitting one degrades the output and is counted. */
export interface PipelineOptions {
  /** Body bytes kept per message (--max-body). */
  maxBody: number;
  /** Out-of-order bytes buffered per connection direction before a gap is declared. */
  maxBufferedBytes: number;
  /** Connections tracked at once; the least recently active is flushed when full. */
  maxConnections: number;
  /** A connection with no packet for this long (capture time) is flushed as idle. */
  idleTimeoutSeconds: number;
  /** Bytes of an HTTP head before it is declared malformed. */
  maxHeadBytes: number;
  /**
   * Frames from several interfaces are put back in capture-time order within this window: capture
   * tools write each interface's packets in batches, so a file's order is not time order.
   */
  interfaceMergeWindowSeconds: number;
  /** Frames held for that reordering at most; past it the oldest go on (counted). */
  maxMergeFrames: number;
}

export const defaultPipelineOptions: PipelineOptions = {
  maxBody: 1024 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxConnections: 100_000,
  idleTimeoutSeconds: 300,
  maxHeadBytes: 64 * 1024,
  interfaceMergeWindowSeconds: 2,
  maxMergeFrames: 200_000,
};
