import { readFileSync } from 'node:fs';

/** hopscope's version from package.json (dist/cli/ and src/cli/ are both two levels below it). */
export function hopscopeVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
