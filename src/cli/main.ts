import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HopscopeError } from '../model/errors.js';
import { parseReadArgs, type ReadArgs } from './args.js';
import { runContainers } from './containers-command.js';
import { runInterfaces } from './interfaces-command.js';
import { parseLiveArgs } from './live-args.js';
import { runDefault, runLive } from './live-command.js';
import { runRead } from './read-command.js';
import { hasTerminal, runDefaultTui, runLiveTui, runReadTui } from './tui-command.js';
import { usage } from './usage.js';

/** The bundled demo capture, found from the installed program (dist/cli.js → ../captures). */
export function demoCapturePath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [resolve(here, '..', 'captures', 'demo.pcapng'), resolve(here, '..', '..', 'captures', 'demo.pcapng')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new HopscopeError('file-not-found', 'the bundled demo capture captures/demo.pcapng is missing: reinstall hopscope');
}

/** The names for the demo capture's addresses (captures/demo.containers.json, beside it). */
export function demoContainersPath(): string {
  return demoCapturePath().replace(/\.pcapng$/, '.containers.json');
}

/** `read` options for the bundled demo: its containers are named from the file recorded beside it. */
function demoReadArgs(argv: string[]): ReadArgs {
  const args = parseReadArgs(argv, demoCapturePath());
  return { ...args, containers: args.containers ?? demoContainersPath() };
}

/** Takes `--tui` out of a command line (the terminal UI instead of an output); true when it was there. */
function takeTui(argv: string[]): { tui: boolean; rest: string[] } {
  const end = argv.indexOf('--');
  const options = end === -1 ? argv : argv.slice(0, end);
  const rest = options.filter((arg) => arg !== '--tui');
  return { tui: rest.length !== options.length, rest: end === -1 ? rest : [...rest, ...argv.slice(end)] };
}

/** Runs one command line; returns the exit code. The only place that prints errors. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === '-h' || command === '--help' || command === 'help' || rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(usage);
      return 0;
    }
    const { tui, rest: withoutTui } = takeTui(rest);
    if (command === 'read') return tui ? await runReadTui(parseReadArgs(withoutTui)) : await runRead(parseReadArgs(rest));
    if (command === 'demo') {
      const args = demoReadArgs(tui ? withoutTui : rest);
      return tui ? await runReadTui(args) : await runRead(args);
    }
    if (command === 'live') return tui ? await runLiveTui(parseLiveArgs(withoutTui)) : await runLive(parseLiveArgs(rest));
    if (command === 'interfaces') return await runInterfaces(rest);
    if (command === 'containers') return await runContainers(rest);
    // No command: live capture on every Docker bridge, or the demo with a line saying why not; on a
    // terminal in the UI (the demo replayed at its recorded pace), else as the table.
    if (command === undefined) {
      if (hasTerminal()) return await runDefaultTui({ capture: demoCapturePath(), containers: demoContainersPath() });
      return await runDefault(() => runRead(demoReadArgs([])));
    }
    throw new HopscopeError('usage', `unknown command '${command}' (see hopscope --help)`);
  } catch (error) {
    if (error instanceof HopscopeError) {
      process.stderr.write(`hopscope: ${error.message}\n`);
      return error.code === 'usage' ? 2 : 1;
    }
    throw error;
  }
}
