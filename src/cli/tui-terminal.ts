import { createElement, type ReactNode } from 'react';
import { render, useInput } from 'ink';
import { HopscopeError } from '../model/errors.js';
import type { ExchangeStore } from '../store/exchange-store.js';
import { App } from '../tui/app.js';
import type { TuiDiagnostics } from './tui-diagnostics.js';
import type { TuiFeed } from './tui-feed.js';
import type { TuiIngest } from './tui-ingest.js';
import type { TuiStatsRecorder } from './tui-stats.js';

/** The alternate screen: the UI gets a clean screen and the shell's screen comes back as it was. */
const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

export interface TerminalUiOptions {
  ingest: TuiIngest;
  feed: TuiFeed;
  diagnostics: TuiDiagnostics;
  onExport: (store: ExchangeStore) => Promise<string>;
  initialFilter?: string;
  /** A standing note for the hint line (why the demo shows); the latest diagnostic replaces it. */
  hint?: string;
  stats?: TuiStatsRecorder;
}

/** Ctrl-C quits like `q` (Ink is told not to exit on it, so that the session can stop cleanly). */
function CtrlCQuits({ onQuit, children }: { onQuit: () => void; children?: ReactNode }): ReactNode {
  useInput((input, key) => {
    if (key.ctrl && input === 'c') onQuit();
  });
  return children;
}

/**
 * Runs the UI until `q`, Ctrl-C, SIGTERM (or SIGINT/SIGHUP from outside): then unmounts Ink, gives
 * the terminal back, prints the lines held meanwhile, stops the feed (a live session prints its
 * summary line then) and resolves with the exit code. A feed that fails before anything arrived (a
 * file that is not a capture) closes the UI and rejects with its error; a later failure is shown in
 * the hint line and makes the exit code 1.
 */
export async function runTerminalUi(options: TerminalUiOptions): Promise<number> {
  const { ingest, feed, diagnostics, stats } = options;
  const store = ingest.store;
  let quit: () => void = () => {};
  const quitting = new Promise<void>((resolve) => {
    quit = resolve;
  });
  let failure: unknown;
  // Lines logged while starting (Docker's state) show until a newer one comes.
  let hint = options.hint ?? diagnostics.latest;
  const element = (): ReactNode =>
    createElement(
      CtrlCQuits,
      { onQuit: quit },
      createElement(App, {
        store,
        status: () => feed.status(),
        onExport: options.onExport,
        onQuit: quit,
        ...(options.initialFilter === undefined ? {} : { initialFilter: options.initialFilter }),
        ...(hint === undefined ? {} : { hint }),
      }),
    );

  process.stdout.write(ENTER_ALT_SCREEN);
  const instance = render(element(), {
    exitOnCtrlC: false,
    ...(stats === undefined ? {} : { onRender: stats.frame }),
  });
  diagnostics.onLine(() => {
    hint = diagnostics.latest;
    instance.rerender(element());
  });
  const onSignal = (): void => quit();
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  feed.done.then(
    () => stats?.feedDone(ingest, store),
    (error: unknown) => {
      failure = error;
      if (store.added === 0) quit();
      else {
        hint = `stopped: ${error instanceof Error ? error.message : String(error)}`;
        instance.rerender(element());
      }
    },
  );

  await quitting;
  for (const signal of signals) process.off(signal, onSignal);
  instance.unmount();
  await instance.waitUntilExit().catch(() => {});
  process.stdout.write(LEAVE_ALT_SCREEN);
  diagnostics.release();
  let code = await feed.stop().catch((error: unknown) => {
    failure ??= error;
    return 1;
  });
  stats?.write(ingest, store);
  if (failure !== undefined) {
    if (failure instanceof HopscopeError && store.added === 0) throw failure;
    process.stderr.write(`hopscope: ${failure instanceof Error ? failure.message : String(failure)}\n`);
    code = 1;
  }
  return code;
}
