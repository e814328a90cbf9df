/**
 * What the program around the UI reports about capture, polled by the App with its render throttle.
 * The store's own counts (kept, evicted) and the paused state are added by the status line itself.
 */
export interface TuiStatus {
  /** 'live', 'file NAME' or 'demo (reason)'. */
  source: string;
  /** Interfaces captured on (empty for a file). */
  interfaces: string[];
  /** Packets seen so far. */
  packets: number;
  /** Packets the kernel dropped (live only; 0 otherwise). */
  kernelDrops: number;
  /** Packets dropped between the capture thread and the pipeline (live only). */
  queueDrops: number;
  /** How ends are named: 'docker: connected', 'reconnecting', 'off', 'capture names'. */
  resolver: string;
  /** True once a file has been read to its end (always false for live capture). */
  finished: boolean;
}

/** Two statuses show the same thing (the throttle re-renders only when something changed). */
export function sameStatus(a: TuiStatus, b: TuiStatus): boolean {
  return (
    a.source === b.source &&
    a.packets === b.packets &&
    a.kernelDrops === b.kernelDrops &&
    a.queueDrops === b.queueDrops &&
    a.resolver === b.resolver &&
    a.finished === b.finished &&
    a.interfaces.length === b.interfaces.length &&
    a.interfaces.every((name, i) => name === b.interfaces[i])
  );
}
