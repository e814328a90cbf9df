import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { containerTableRows, formatContainerTable } from '../../src/containers/container-table.js';
import { parseContainersDocument, timelineFromIntervals, timelineToLedger } from '../../src/containers/ledger.js';
import { HopscopeError } from '../../src/model/errors.js';
import { ownCaptures } from '../support/paths.js';

const demo = JSON.parse(readFileSync(join(ownCaptures, 'demo.containers.json'), 'utf8')) as unknown;

/** A deterministic pseudo-random sequence (no Math.random: failures must replay). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const oddValues: unknown[] = [null, 0, -1, 1e308, '', 'x', '::', '300.1.1.1', [], {}, [[]], { a: null }, true, '0001-01-01T00:00:00Z'];

/** Replaces `count` random nodes of a JSON tree with odd values. */
function mutate(value: unknown, random: () => number, count: number): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  for (let n = 0; n < count; n++) {
    let node = copy as Record<string, unknown>;
    for (let depth = 0; depth < 6; depth++) {
      if (typeof node !== 'object' || node === null) break;
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const key = keys[Math.floor(random() * keys.length)];
      const child = node[key];
      if (depth === 5 || typeof child !== 'object' || child === null || random() < 0.25) {
        node[key] = oddValues[Math.floor(random() * oddValues.length)];
        break;
      }
      node = child as Record<string, unknown>;
    }
  }
  return copy;
}

describe('containers documents from the wild', () => {
  it('damaged inspect JSON and ledgers never crash: they load what they can or fail with a HopscopeError', () => {
    const random = lcg(7);
    const ledger = timelineToLedger(timelineFromIntervals(parseContainersDocument(demo, 'demo').intervals));
    for (let i = 0; i < 600; i++) {
      const input = mutate(i % 2 === 0 ? demo : ledger, random, 1 + (i % 5));
      try {
        const doc = parseContainersDocument(input, 'fuzz.json');
        const timeline = timelineFromIntervals(doc.intervals);
        timeline.resolve('172.31.240.2', { sec: 1795721700, nsec: 0 });
        formatContainerTable(containerTableRows(timeline));
      } catch (error) {
        assert.ok(error instanceof HopscopeError, `case ${i}: ${(error as Error).stack}`);
      }
    }
  });

  it('prints the current address table of the demo', () => {
    const timeline = timelineFromIntervals(parseContainersDocument(demo, 'demo').intervals);
    const lines = formatContainerTable(containerTableRows(timeline));
    assert.equal(lines.length, 1 + 9, 'header, two gateways, seven container addresses');
    assert.match(lines[0], /^ADDRESS +CONTAINER +NETWORK +IMAGE +ID +COMPOSE +SINCE$/);
    assert.match(lines[1], /^172\.17\.0\.1 +host$/);
    assert.match(lines[2], /^172\.17\.0\.2 +demo-web +bridge +hopscope-testbed:1 +[0-9a-f]{12} +2026-11-26T19:34:42\.462246178Z$/);
    assert.ok(lines.every((line) => line === line.trimEnd()));
  });
});
