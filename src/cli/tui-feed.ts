import type { TuiStatus } from '../tui/status.js';

/**
 * What feeds the UI's store: a file read at full speed, the demo replayed at its recorded pace, or a
 * live capture. The UI polls `status()`; quitting calls `stop()`.
 */
export interface TuiFeed {
  status(): TuiStatus;
  /**
   * Settles when the feed ends by itself: a file read to its end, a replay done (resolves), or a
   * failure (rejects). Live capture only ends by itself on failure or when its devices are gone.
   */
  readonly done: Promise<void>;
  /** Stops feeding (if still running) and releases everything; resolves with the exit code. */
  stop(): Promise<number>;
}

/** Thrown from inside a frame callback to abandon a read the user quit; never leaves the feed. */
export class FeedStopped extends Error {
  constructor() {
    super('feed stopped');
  }
}
