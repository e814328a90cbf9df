import { execFileSync, spawnSync } from 'node:child_process';

/** Whether tmux is installed (the UI tests drive the real program in a tmux pane). */
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Each pane runs on its own tmux server (-L): a shared default server exits when its last session is
 * killed, and a session started at that moment elsewhere fails with "server exited unexpectedly".
 */
function tmux(socket: string, ...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

/** Single-quotes a word for the shell tmux runs the command in. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * One detached tmux session of a given size running a shell command, for driving the real program:
 * keys go in with send-keys, the screen comes back with capture-pane. The command is followed by
 * `echo exit-$?` and a sleep, so the pane stays to show the exit code and the restored terminal.
 */
export class TmuxPane {
  private constructor(readonly session: string) {}

  static start(command: string, options: { width?: number; height?: number; cwd?: string; name?: string } = {}): TmuxPane {
    const session = `hopscope-${options.name ?? 'tui'}-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
    const args = ['new-session', '-d', '-s', session, '-x', String(options.width ?? 160), '-y', String(options.height ?? 45)];
    if (options.cwd !== undefined) args.push('-c', options.cwd);
    tmux(session, ...args, `${command}; echo "exit-$?"; sleep 120`);
    return new TmuxPane(session);
  }

  screen(): string {
    return tmux(this.session, 'capture-pane', '-p', '-t', this.session);
  }

  /** send-keys: tmux key names ('Enter', 'Escape', 'Tab', 'C-c') or literal text with literal=true. */
  keys(keys: string[], literal = false): void {
    tmux(this.session, 'send-keys', '-t', this.session, ...(literal ? ['-l'] : []), ...keys);
  }

  /** Types text literally (a filter expression). */
  type(text: string): void {
    this.keys([text], true);
  }

  /** Polls the screen until `expected` matches it; throws with the last screen on timeout. */
  async waitFor(expected: RegExp | ((screen: string) => boolean), what: string, timeoutMs = 15_000): Promise<string> {
    const test = typeof expected === 'function' ? expected : (screen: string) => expected.test(screen);
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    for (;;) {
      screen = this.screen();
      if (test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen was:\n${screen}`);
      await sleep(100);
    }
  }

  /** Gives the program a moment to take keys it was just sent (then poll with waitFor). */
  static settle(ms = 300): Promise<void> {
    return sleep(ms);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.session, 'kill-server']);
  }
}
