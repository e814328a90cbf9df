import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exchange } from '../../src/model/exchange.js';
import { goldenName } from './catalogue.js';

const tsharkDir = new URL('./tshark/', import.meta.url).pathname;

/** What tshark 4.0.17 (default preferences) decoded, from goldens made by scripts/tshark-goldens.sh. */
export interface TsharkView {
  requests: string[];
  responses: string[];
}

export function tsharkView(file: string): TsharkView {
  const read = (kind: string) =>
    readFileSync(join(tsharkDir, `${goldenName(file)}.${kind}.txt`), 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  return { requests: read('requests'), responses: read('responses') };
}

/** Items of `wanted` (a multiset) that `have` lacks. */
export function missingFrom(have: string[], wanted: string[]): string[] {
  const counts = new Map<string, number>();
  for (const item of have) counts.set(item, (counts.get(item) ?? 0) + 1);
  const missing: string[] = [];
  for (const item of wanted) {
    const n = counts.get(item) ?? 0;
    if (n > 0) counts.set(item, n - 1);
    else missing.push(item);
  }
  return missing;
}

/** Our requests and responses in tshark's terms: "METHOD target" and every status line (1xx included). */
export function ourView(exchanges: Exchange[]): TsharkView {
  return {
    requests: exchanges.map((e) => `${e.request.head.method} ${e.request.head.target}`),
    responses: exchanges.flatMap((e) => [
      ...e.interim.map((m) => String(m.head.status)),
      ...(e.response ? [String(e.response.head.status)] : []),
    ]),
  };
}
