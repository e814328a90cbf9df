import { parseArgs } from 'node:util';
import { HopscopeError } from '../model/errors.js';
import { captureInterfaces, discoverCapturePlan, formatCapturePlan } from '../source/docker-interfaces.js';
import { NO_BRIDGES_MESSAGE } from './live-session.js';

/**
 * `hopscope interfaces [--json]`: every network interface, whether `hopscope live` (without -i) would
 * capture on it, and why. Needs neither root nor the addon: it reads /sys/class/net.
 */
export async function runInterfaces(argv: string[]): Promise<number> {
  let json = false;
  try {
    const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
    json = values.json ?? false;
  } catch (error) {
    throw new HopscopeError('usage', `${(error as Error).message} (see hopscope --help)`);
  }
  const plan = await discoverCapturePlan();
  if (json) {
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  } else {
    const lines = formatCapturePlan(plan);
    process.stdout.write(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    if (captureInterfaces(plan).length === 0) process.stderr.write(`hopscope: ${NO_BRIDGES_MESSAGE}\n`);
  }
  return 0;
}
