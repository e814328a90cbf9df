import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The project's own purpose-built captures. */
export const ownCaptures = resolve(repoRoot, 'captures');

/** Public real-world captures beside the checkout (../shared/captures); undefined where absent. */
export const sharedCaptures: string | undefined = (() => {
  const dir = resolve(repoRoot, '..', 'shared', 'captures');
  return existsSync(resolve(dir, 'CATALOGUE.tsv')) ? dir : undefined;
})();

/** Under CI=true nothing may be skipped: tests that need an environment must fail without it. */
export const inCI = process.env.CI === 'true';

/**
 * Reason to skip a test that needs something this machine lacks, or undefined to run it.
 * Under CI the test runs anyway (and fails, showing what is missing).
 */
export function skipUnless(available: boolean, reason: string): string | undefined {
  return available || inCI ? undefined : reason;
}
