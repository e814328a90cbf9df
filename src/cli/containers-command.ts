import { parseArgs } from 'node:util';
import { containerTableRows, formatContainerTable } from '../containers/container-table.js';
import { readDockerTimeline } from '../containers/docker-resolver.js';
import { saveLedger } from '../containers/ledger.js';
import { HopscopeError } from '../model/errors.js';

/**
 * `hopscope containers [--save FILE] [--json]`: the address → container table as the resolver sees it
 * now, from the Docker Engine API (DOCKER_HOST or /var/run/docker.sock; Podman's socket works too).
 * --save writes the timeline (with its metadata) for `hopscope read --containers FILE` on another machine.
 */
export async function runContainers(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { save: { type: 'string' }, json: { type: 'boolean' } } }));
  } catch (error) {
    throw new HopscopeError('usage', `${(error as Error).message} (see hopscope --help)`);
  }
  const result = await readDockerTimeline();
  if (!result.ok) {
    throw new HopscopeError(
      'docker-unavailable',
      `cannot read containers from Docker at ${result.endpoint}: ${result.reason}; start dockerd (or set DOCKER_HOST), or run as a user who may use its socket`,
    );
  }
  const rows = containerTableRows(result.timeline);
  if (values.save !== undefined) {
    await saveLedger(values.save, result.timeline, result.meta).catch((error: Error) => {
      throw new HopscopeError('output-unwritable', `cannot write ${values.save}: ${error.message}`);
    });
    process.stderr.write(`hopscope: saved ${rows.length} addresses to ${values.save} (use: hopscope read CAPTURE --containers ${values.save})\n`);
  }
  if (values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (values.save === undefined || process.stdout.isTTY) process.stdout.write(`${formatContainerTable(rows).join('\n')}\n`);
  return 0;
}
