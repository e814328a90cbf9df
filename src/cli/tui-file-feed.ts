import { basename } from 'node:path';
import type { Frame } from '../model/frame.js';
import { readCapture } from '../source/read-capture.js';
import type { TuiStatus } from '../tui/status.js';
import type { ReadArgs } from './args.js';
import { checkLinkTypes } from './read-command.js';
import { FeedStopped, type TuiFeed } from './tui-feed.js';
import { capturePipeline, type TuiIngest } from './tui-ingest.js';

/**
 * `read FILE --tui`: the capture read as fast as it goes into the store (which bounds memory: old
 * exchanges are evicted, counted), bodies kept up to --max-body. Reading yields to the event loop
 * between chunks, so the UI renders and takes keys meanwhile. The status shows how far it got.
 */
export async function startFileFeed(args: ReadArgs, ingest: TuiIngest, log: (line: string) => void): Promise<TuiFeed> {
  const { pipeline, containers } = await capturePipeline(args.input, args.containers, args.pipeline, ingest);
  let stopped = false;
  let finished = false;
  let bytesRead = 0;
  let totalBytes: number | undefined;
  const events = {
    ...pipeline.events,
    frame(frame: Frame) {
      // Quitting mid-file abandons the read from inside it (readCapture has no other way out).
      if (stopped) throw new FeedStopped();
      pipeline.events.frame(frame);
    },
  };
  const label = basename(args.input);
  const done = readCapture(args.input, events, pipeline.stats, (read, total) => {
    bytesRead = read;
    totalBytes = total;
  }).then(
    () => {
      checkLinkTypes(args.input, pipeline.interfaces);
      pipeline.finish();
      ingest.finish();
      for (const warning of pipeline.warnings) log(`hopscope: warning: ${warning.message}`);
      finished = true;
    },
    (error: unknown) => {
      finished = true;
      if (!(error instanceof FeedStopped)) throw error;
    },
  );
  // Observed by the caller through `done`; never an unhandled rejection meanwhile.
  done.catch(() => {});
  const resolver = containers === undefined ? 'addresses' : args.containers === undefined ? 'capture names' : `names from ${basename(args.containers)}`;
  return {
    done,
    status(): TuiStatus {
      const progress = finished || totalBytes === undefined || totalBytes === 0 ? '' : ` ${Math.floor((bytesRead / totalBytes) * 100)}%`;
      return {
        source: `file ${label}${progress}`,
        interfaces: pipeline.interfaces.map((i) => i.name ?? `#${i.id}`),
        packets: pipeline.stats.get('capture.frames'),
        kernelDrops: 0,
        queueDrops: 0,
        resolver,
        finished,
      };
    },
    async stop() {
      stopped = true;
      await done.catch(() => {});
      return 0;
    },
  };
}
