import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isLiveCaptureAvailable } from '../../../src/source/live/index.js';
import { skipUnless } from '../../support/paths.js';
import { cliPath } from './live-process.js';

const installed = (command: string, versionFlag = '--version') =>
  spawnSync(command, [versionFlag], { stdio: 'ignore' }).status === 0;

export const isRoot = process.getuid?.() === 0;
export const hasDocker = installed('docker') && installed('dockerd');
export const hasAddon = isLiveCaptureAvailable();
export const hasCli = existsSync(cliPath);
export const hasTcpdump = installed('tcpdump');
export const hasTshark = installed('tshark');

/**
 * Skip reason for a live end-to-end test (undefined: run it). Needs root, docker, the built addon and
 * the built CLI, plus any extra tools named; under CI=true nothing is skipped and a missing piece fails.
 */
export function liveSkip(extra: Record<string, boolean> = {}): string | undefined {
  const needs: Record<string, boolean> = {
    root: isRoot,
    docker: hasDocker,
    'native addon (npm run build:native)': hasAddon,
    'dist/cli.js (npm run build)': hasCli,
    ...extra,
  };
  const missing = Object.entries(needs)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  return skipUnless(missing.length === 0, `needs ${missing.join(', ')}`);
}
