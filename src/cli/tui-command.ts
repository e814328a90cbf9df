import { basename } from 'node:path';
import { HopscopeError } from '../model/errors.js';
import { defaultPipelineOptions } from '../model/options.js';
import { ExchangeStore } from '../store/exchange-store.js';
import type { ReadArgs } from './args.js';
import type { LiveArgs } from './live-args.js';
import { startDefaultLive } from './live-command.js';
import { compileUserFilter } from './user-filter.js';
import { TuiDiagnostics } from './tui-diagnostics.js';
import type { ExportChoice } from './export-converter.js';
import { exportVisible } from './tui-export.js';
import type { TuiFeed } from './tui-feed.js';
import { startFileFeed } from './tui-file-feed.js';
import { TuiIngest } from './tui-ingest.js';
import { liveFeed, startLiveFeed } from './tui-live-feed.js';
import { startReplayFeed } from './tui-replay-feed.js';
import { TUI_STATS_ENV, TuiStatsRecorder } from './tui-stats.js';

/** Whether the terminal UI can run here: it reads keys from stdin and draws on stdout. */
export function hasTerminal(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true;
}

/**
 * Ink, React and the components, loaded only when a UI opens (other commands do not pay for them).
 * Ink renders nothing but the final frame when it believes it runs in CI (CI or CONTINUOUS_INTEGRATION
 * set, read once as it loads); here a user asked for the UI on a terminal, so those are cleared first.
 * React runs its development build (several times slower per frame) unless NODE_ENV says production.
 */
async function loadTerminalUi(): Promise<typeof import('./tui-terminal.js').runTerminalUi> {
  process.env.NODE_ENV ??= 'production';
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  return (await import('./tui-terminal.js')).runTerminalUi;
}

function requireTerminal(): void {
  if (!hasTerminal()) throw new HopscopeError('usage', '--tui needs a terminal on stdin and stdout (without it, leave out --tui for the table)');
}

/** The export and redaction options of a command line, for `e`. */
/** How `e` writes, and the UI's first filter. */
interface UiChoice extends ExportChoice {
  filter?: string;
}

/** What every UI session shares: the store, the trace links, the held diagnostics, the bench figures. */
function session(order: 'start' | 'completion', idHeaders: readonly string[] = []) {
  const path = process.env[TUI_STATS_ENV];
  const stats = path === undefined || path === '' ? undefined : new TuiStatsRecorder(path);
  const store = new ExchangeStore();
  const ingest = new TuiIngest(store, order, stats?.added, idHeaders);
  return { store, ingest, stats, diagnostics: new TuiDiagnostics() };
}

async function show(
  parts: ReturnType<typeof session>,
  feed: TuiFeed,
  choice: UiChoice,
  title: string,
  hint?: string,
): Promise<number> {
  if (choice.redact === false) parts.diagnostics.log('hopscope: warning: --no-redact: exports carry credentials (Authorization, cookies, tokens) as captured');
  const runTerminalUi = await loadTerminalUi();
  return runTerminalUi({
    ingest: parts.ingest,
    feed,
    diagnostics: parts.diagnostics,
    onExport: (store) => exportVisible(store, { ...choice, title }),
    ...(choice.filter === undefined ? {} : { initialFilter: choice.filter }),
    ...(hint === undefined ? {} : { hint }),
    ...(parts.stats === undefined ? {} : { stats: parts.stats }),
  });
}

/** `read FILE --tui` and `demo --tui`: the capture read as fast as it goes into the UI. */
export async function runReadTui(args: ReadArgs): Promise<number> {
  if (args.input === '-') throw new HopscopeError('usage', '--tui cannot read a capture from stdin: stdin is the keyboard; give a file path');
  if (args.output !== 'table') throw new HopscopeError('usage', `--tui shows exchanges itself: leave out --${args.output}`);
  if (args.traces) throw new HopscopeError('usage', '--tui shows request trees itself (w on an exchange): leave out --traces');
  requireTerminal();
  compileUserFilter(args.filter); // a bad --filter is a usage error before the screen changes
  const parts = session('start', args.traceHeaders);
  const feed = await startFileFeed(args, parts.ingest, parts.diagnostics.log);
  return show(parts, feed, args, basename(args.input));
}

/** `live --tui`: live capture with the live options into the UI. */
export async function runLiveTui(args: LiveArgs): Promise<number> {
  if (args.output !== 'table') throw new HopscopeError('usage', `--tui shows exchanges itself: leave out --${args.output}`);
  requireTerminal();
  compileUserFilter(args.filter);
  const parts = session('completion', args.traceHeaders);
  const feed = await startLiveFeed(args, parts.ingest, parts.diagnostics.log);
  return show(parts, feed, args, 'live');
}

/**
 * `hopscope` with no arguments on a terminal: the UI on live capture of every Docker bridge, or,
 * when capture cannot run here, on the bundled demo replayed at its recorded pace, the hint line
 * saying why.
 */
export async function runDefaultTui(demo: { capture: string; containers: string }): Promise<number> {
  const live = session('completion');
  const started = await startDefaultLive({ log: live.diagnostics.log, deliver: (exchange) => live.ingest.add(exchange) });
  const defaults = { redact: true, redactPatterns: [], pipeline: defaultPipelineOptions };
  if ('session' in started) return show(live, liveFeed(started.session, live.ingest), defaults, 'live');
  const parts = session('start');
  const feed = await startReplayFeed(
    { input: demo.capture, containers: demo.containers, pipeline: defaultPipelineOptions, source: 'demo' },
    parts.ingest,
    parts.diagnostics.log,
  );
  // Said again on stderr after the UI, as without a terminal.
  parts.diagnostics.log(`hopscope: ${started.reason}; showed the bundled demo capture instead (hopscope read FILE --tui opens your own)`);
  return show(parts, feed, defaults, 'demo', `demo capture: ${started.reason}`);
}
