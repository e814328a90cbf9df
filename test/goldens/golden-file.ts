import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** UPDATE_GOLDENS=1 rewrites goldens from the current output instead of comparing. */
export const updatingGoldens = process.env.UPDATE_GOLDENS === '1';

export function assertGolden(path: string, actual: string, what: string): void {
  if (updatingGoldens) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `no golden at ${path}: run the suite with UPDATE_GOLDENS=1 and review the diff`);
  assert.equal(actual, readFileSync(path, 'utf8'), `${what} differs from its golden ${path}`);
}
