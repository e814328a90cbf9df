import type { DockerResolverStatus } from '../containers/docker-resolver.js';
import type { TuiStatus } from '../tui/status.js';
import type { LiveArgs } from './live-args.js';
import { startLive, type LiveSession, type LiveSnapshot } from './live-session.js';
import type { TuiFeed } from './tui-feed.js';
import type { TuiIngest } from './tui-ingest.js';

/** The kernel's counters are read at most this often (the UI polls up to 10 times a second). */
const SNAPSHOT_MS = 500;

/** The resolver's state in a few words for the status line. */
export function resolverText(status: DockerResolverStatus | undefined): string {
  return status === undefined ? 'off' : `docker: ${status.state}`;
}

/**
 * Starts live capture as `args` say, every exchange (named, unfiltered: the UI filters) into the
 * store with its bodies. Throws like startLive when capture cannot start. Lines it would print go
 * to `log` (held while the UI is up); the summary line comes when stop() has flushed everything.
 */
export async function startLiveFeed(args: LiveArgs, ingest: TuiIngest, log: (line: string) => void): Promise<TuiFeed> {
  const session = await startLive(args, () => true, { log, deliver: (exchange) => ingest.add(exchange) });
  return liveFeed(session, ingest);
}

/** The feed over a started session (the no-argument path starts it itself to fall back on failure). */
export function liveFeed(session: LiveSession, ingest: TuiIngest): TuiFeed {
  const running = session.run().finally(() => ingest.finish());
  running.catch(() => {});
  let snapshot: LiveSnapshot | undefined;
  let snapshotAt = -Infinity;
  return {
    done: running.then(() => {}),
    status(): TuiStatus {
      const now = performance.now();
      if (snapshot === undefined || now - snapshotAt >= SNAPSHOT_MS) {
        snapshot = session.snapshot();
        snapshotAt = now;
      }
      let packets = 0;
      let kernelDrops = 0;
      let queueDrops = snapshot.backlogDrops;
      for (const d of snapshot.devices) {
        packets += d.delivered;
        if (d.kernelStats) kernelDrops += d.kernelDrops;
        queueDrops += d.queueDrops;
      }
      return {
        source: 'live',
        interfaces: snapshot.open,
        packets,
        kernelDrops,
        queueDrops,
        resolver: resolverText(snapshot.resolver),
        finished: snapshot.finished,
      };
    },
    async stop() {
      session.stop();
      return running;
    },
  };
}
