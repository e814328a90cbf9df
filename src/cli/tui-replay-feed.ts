import { basename } from 'node:path';
import type { CaptureInterface, Frame } from '../model/frame.js';
import { compareTs, diffMs } from '../model/time.js';
import { Stats } from '../model/stats.js';
import type { PipelineOptions } from '../model/options.js';
import { readCapture } from '../source/read-capture.js';
import type { TuiStatus } from '../tui/status.js';
import type { TuiFeed } from './tui-feed.js';
import { capturePipeline, type TuiIngest } from './tui-ingest.js';

/** Longest a replay waits in one timer: a long quiet stretch in the capture still lets stop() act soon. */
const MAX_WAIT_MS = 250;

export interface ReplayOptions {
  /** The capture (small: its frames are held in memory for the replay). */
  input: string;
  /** A containers file naming its addresses (the demo's demo.containers.json). */
  containers?: string;
  pipeline: PipelineOptions;
  /** Shown as the status line's source. */
  source: string;
}

/**
 * The demo when live capture cannot run: a capture replayed at its recorded pace, each frame handed to
 * the pipeline when as much wall-clock time has passed since the start as capture time had since the
 * first frame, so exchanges appear as they happened. Wall clock only paces the replay; every
 * timestamp in the exchanges is still the capture's. Stops (and says finished) at the end.
 */
export async function startReplayFeed(options: ReplayOptions, ingest: TuiIngest, log: (line: string) => void): Promise<TuiFeed> {
  const frames: Frame[] = [];
  const interfaces: CaptureInterface[] = [];
  const readStats = new Stats();
  await readCapture(
    options.input,
    { frame: (f) => frames.push(f), interface: (i) => interfaces.push(i), nameRecord: () => {}, warning: (w) => log(`hopscope: warning: ${w.message}`) },
    readStats,
  );
  // Interfaces of a multi-interface capture are written in batches: replay in capture-time order.
  frames.sort((a, b) => compareTs(a.ts, b.ts));
  const { pipeline, containers } = await capturePipeline(options.input, options.containers, options.pipeline, ingest);
  for (const info of interfaces) pipeline.events.interface(info);

  let next = 0;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const started = performance.now();
  const end = (): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    pipeline.finish();
    ingest.finish();
    resolveDone();
  };
  const tick = (): void => {
    const elapsed = performance.now() - started;
    const first = frames[0];
    while (next < frames.length && diffMs(frames[next].ts, first.ts) <= elapsed) pipeline.events.frame(frames[next++]);
    // Frames go in sorted: nothing older can follow, so the merge window need not hold any back.
    pipeline.releaseHeldFrames();
    if (next >= frames.length) {
      end();
      return;
    }
    const wait = diffMs(frames[next].ts, first.ts) - (performance.now() - started);
    timer = setTimeout(tick, Math.min(Math.max(wait, 0), MAX_WAIT_MS));
  };
  if (frames.length === 0) end();
  else tick();

  return {
    done,
    status(): TuiStatus {
      return {
        source: options.source,
        interfaces: interfaces.map((i) => i.name ?? `#${i.id}`),
        packets: next,
        kernelDrops: 0,
        queueDrops: 0,
        resolver: containers === undefined ? 'addresses' : `names from ${basename(options.containers ?? options.input)}`,
        finished,
      };
    },
    async stop() {
      end();
      return 0;
    },
  };
}
