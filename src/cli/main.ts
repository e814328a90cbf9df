import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HopscopeError } from '../model/errors.js';
import { parseReadArgs } from './args.js';
import { runContainers } from './containers-command.js';
import { runInterfaces } from './interfaces-command.js';
import { parseLiveArgs } from './live-args.js';
import { runDefault, runLive } from './live-command.js';
import { runRead } from './read-command.js';
import { usage } from './usage.js';

/** The bundled demo capture, found from the installed program (dist/cli.js → ../captures). */
export function demoCapturePath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [resolve(here, '..', 'captures', 'demo.pcapng'), resolve(here, '..', '..', 'captures', 'demo.pcapng')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new HopscopeError('file-not-found', 'the bundled demo capture captures/demo.pcapng is missing: reinstall hopscope');
}

/** Runs one command line; returns the exit code. The only place that prints errors. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === '-h' || command === '--help' || command === 'help' || rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(usage);
      return 0;
    }
    if (command === 'read') return await runRead(parseReadArgs(rest));
    if (command === 'demo') return await runRead(parseReadArgs(rest, demoCapturePath()));
    if (command === 'live') return await runLive(parseLiveArgs(rest));
    if (command === 'interfaces') return await runInterfaces(rest);
    if (command === 'containers') return await runContainers(rest);
    // No command: live capture on every Docker bridge, or the demo with a line saying why not.
    if (command === undefined) return await runDefault(() => runRead(parseReadArgs([], demoCapturePath())));
    throw new HopscopeError('usage', `unknown command '${command}' (see hopscope --help)`);
  } catch (error) {
    if (error instanceof HopscopeError) {
      process.stderr.write(`hopscope: ${error.message}\n`);
      return error.code === 'usage' ? 2 : 1;
    }
    throw error;
  }
}
