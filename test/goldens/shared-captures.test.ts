import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sharedCaptures, skipUnless } from '../support/paths.js';
import { runCapture } from '../support/run-capture.js';
import { goldenName, readCatalogue } from './catalogue.js';
import { exchangeLine } from './exchange-lines.js';
import { assertGolden } from './golden-file.js';
import { knownDifferences } from './known-differences.js';
import { missingFrom, ourView, tsharkView } from './tshark-comparison.js';

/**
 * Every public capture in ../shared/captures: hopscope reads it without an error, its exchanges match
 * the golden (staged: capture → exchanges), and it finds at least every HTTP request and response that
 * tshark finds, except where known-differences.ts says why hopscope deliberately differs.
 */
const skip = skipUnless(sharedCaptures !== undefined, 'no ../shared/captures beside this checkout');
const rows = sharedCaptures ? readCatalogue(sharedCaptures) : [];
const goldenDir = new URL('./exchanges/', import.meta.url).pathname;

describe('shared captures', { skip }, () => {
  it('lists the catalogue', () => {
    assert.ok(rows.length >= 200, `catalogue has ${rows.length} rows`);
  });

  for (const row of rows) {
    it(row.file, async () => {
      const run = await runCapture(join(sharedCaptures!, row.file));
      const lines = run.exchanges.map(exchangeLine);
      assertGolden(join(goldenDir, `${goldenName(row.file)}.txt`), lines.join('\n') + (lines.length ? '\n' : ''), 'exchanges');

      const theirs = tsharkView(row.file);
      const ours = ourView(run.exchanges);
      const missingRequests = missingFrom(ours.requests, theirs.requests).length;
      const missingResponses = missingFrom(ours.responses, theirs.responses).length;
      const known = knownDifferences[row.file] ?? { requests: 0, responses: 0 };
      assert.deepEqual(
        { missingRequests, missingResponses },
        { missingRequests: known.requests, missingResponses: known.responses },
        `compared with tshark, ${row.file} misses ${missingRequests} requests and ${missingResponses} responses; ` +
          `known-differences.ts expects ${known.requests} and ${known.responses}`,
      );
    });
  }
});
