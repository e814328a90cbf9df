import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeBody } from '../../src/http/decode-body.js';
import { createEntryConverter } from '../../src/sinks/entry-converter.js';
import { HarWriter } from '../../src/sinks/har-writer.js';
import { renderSummaryTable, SummaryCollector } from '../../src/sinks/summary.js';
import { assertValid, harValidators } from '../sinks/support/har-schema.js';
import { ownCaptures, sharedCaptures } from '../support/paths.js';
import { runCapture } from '../support/run-capture.js';
import { goldenName } from './catalogue.js';
import { assertGolden } from './golden-file.js';

/**
 * Staged goldens for a few captures: capture → HAR (as `--har` writes it, creator version pinned) →
 * report (as `--summary` prints it). The exchanges stage is in shared-captures.test.ts.
 */
const stagesDir = new URL('./stages/', import.meta.url).pathname;
const validators = harValidators();

const cases: Array<{ name: string; path: string | undefined }> = [
  { name: 'own_gzip.pcap', path: join(ownCaptures, 'gzip.pcap') },
  { name: 'own_continue-100.pcap', path: join(ownCaptures, 'continue-100.pcap') },
  { name: 'own_chunked-trailers.pcap', path: join(ownCaptures, 'chunked-trailers.pcap') },
  { name: 'own_gap.pcap', path: join(ownCaptures, 'gap.pcap') },
  ...['zeek/http__get-gzip.pcap', 'arkime/http-post-upload.pcap', 'zeek/http__pipelined-requests.pcap', 'pcapplusplus/http-packets2.pcap'].map(
    (file) => ({ name: goldenName(file), path: sharedCaptures && join(sharedCaptures, file) }),
  ),
];

describe('staged goldens', () => {
  for (const { name, path } of cases) {
    it(name, { skip: path === undefined ? 'no ../shared/captures' : undefined }, async () => {
      const { exchanges } = await runCapture(path!);
      let har = '';
      const writer = new HarWriter(
        { write: (text) => (har += text) },
        { convert: createEntryConverter({ decodeBody, maxBody: 1024 * 1024 }), creatorVersion: 'golden' },
      );
      writer.startPage(name);
      const summary = new SummaryCollector();
      for (const exchange of exchanges) {
        writer.write(exchange);
        summary.add(exchange);
      }
      writer.close();
      assertValid(validators.har, JSON.parse(har));
      assertGolden(join(stagesDir, `${name}.har`), har, 'HAR');
      assertGolden(join(stagesDir, `${name}.summary.txt`), renderSummaryTable(summary.result()), 'summary');
    });
  }
});
