import { HopscopeError } from '../model/errors.js';
import { captureInterfaces, discoverCapturePlan } from '../source/docker-interfaces.js';
import { loadAddon } from '../source/live/index.js';
import { parseLiveArgs, type LiveArgs } from './live-args.js';
import { NO_BRIDGES_MESSAGE, startLive, type LiveSession, type LiveSessionOptions } from './live-session.js';
import { compileUserFilter } from './user-filter.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** `hopscope live`: captures until Ctrl-C/SIGTERM, then flushes and prints the summary line. Returns the exit code. */
export async function runLive(args: LiveArgs): Promise<number> {
  const keep = compileUserFilter(args.filter);
  if (args.output === 'har' && !args.redact) {
    log('hopscope: warning: --no-redact exports credentials (Authorization, cookies, tokens) as captured');
  }
  return runSession(await startLive(args, keep, { log }), args);
}

/**
 * `hopscope` with no arguments: live capture on every Docker bridge when that can work here, else
 * the bundled demo through `runDemo`, after one line on stderr saying why (addon not built, no
 * permission, no Docker bridges). Any other failure is reported as usual.
 */
export async function runDefault(runDemo: () => Promise<number>): Promise<number> {
  const started = await startDefaultLive({ log });
  if ('reason' in started) {
    log(`hopscope: ${started.reason}; showing the bundled demo capture instead (hopscope read FILE analyses your own)`);
    return runDemo();
  }
  return runSession(started.session, started.args);
}

/**
 * Live capture on every Docker bridge, or the reason it cannot run here (addon not built, no
 * permission, no Docker bridges) for the caller to fall back on the demo. Other failures throw.
 */
export async function startDefaultLive(options: LiveSessionOptions): Promise<{ session: LiveSession; args: LiveArgs } | { reason: string }> {
  try {
    loadAddon();
  } catch (error) {
    if (error instanceof HopscopeError) return { reason: error.message };
    throw error;
  }
  if (captureInterfaces(await discoverCapturePlan()).length === 0) return { reason: NO_BRIDGES_MESSAGE };
  const args = parseLiveArgs([]);
  try {
    return { session: await startLive(args, () => true, options), args };
  } catch (error) {
    if (error instanceof HopscopeError && (error.code === 'permission' || error.code === 'no-such-device' || error.code === 'live-unavailable')) {
      return { reason: error.message };
    }
    throw error;
  }
}

/**
 * Runs a started session: the first SIGINT/SIGTERM stops it cleanly (outputs flushed and closed, the
 * HAR footer written, the summary line printed); a second one exits at once.
 */
async function runSession(session: LiveSession, args: LiveArgs): Promise<number> {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      log(`hopscope: ${signal} again: exiting without flushing`);
      process.exit(130);
    }
    session.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (!args.quiet) {
      const filter = args.captureFilter === undefined ? '' : ` with filter ${JSON.stringify(args.captureFilter)}`;
      const watching = args.interfaces.length === 0 ? ' and new Docker bridges as they appear' : '';
      log(`hopscope: capturing on ${session.devices.join(', ')}${watching}${filter} (Ctrl-C stops)`);
    }
    return await session.run();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

