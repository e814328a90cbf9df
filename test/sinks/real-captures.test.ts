import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { createPipeline } from '../../src/cli/pipeline.js';
import { decodeBody } from '../../src/http/index.js';
import type { Exchange } from '../../src/model/exchange.js';
import { defaultPipelineOptions } from '../../src/model/options.js';
import { createEntryConverter } from '../../src/sinks/entry-converter.js';
import { HarWriter } from '../../src/sinks/har-writer.js';
import { JsonlSink } from '../../src/sinks/jsonl-sink.js';
import { renderSummaryJson, renderSummaryTable, SummaryCollector } from '../../src/sinks/summary.js';
import { TableSink } from '../../src/sinks/table-sink.js';
import { readCapture } from '../../src/source/read-capture.js';
import { ownCaptures, sharedCaptures, skipUnless } from '../support/paths.js';
import { StringOutput } from './support/collect.js';
import { assertValid, harValidators } from './support/har-schema.js';

function captureFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...captureFiles(path));
    else if (/\.(pcap|pcapng|cap)$/.test(name)) files.push(path);
  }
  return files.sort();
}

async function exchangesOf(file: string): Promise<Exchange[]> {
  const exchanges: Exchange[] = [];
  const pipeline = createPipeline(defaultPipelineOptions, (exchange) => exchanges.push(exchange));
  try {
    await readCapture(file, pipeline.events, pipeline.stats);
  } catch {
    // A damaged capture still delivered its frames up to the damage: export what came.
  }
  pipeline.finish();
  return exchanges;
}

const skip = skipUnless(sharedCaptures !== undefined, 'needs ../shared/captures');

describe('sinks over every capture: the project\'s own and the shared real-world ones', { skip }, () => {
  it('produce a schema-valid HAR, valid JSON lines, a table and a summary for every capture', async () => {
    const validators = harValidators();
    const convert = createEntryConverter({ maxBody: defaultPipelineOptions.maxBody, decodeBody });
    let total = 0;
    let withResponse = 0;
    for (const file of [...captureFiles(ownCaptures), ...captureFiles(sharedCaptures ?? '')]) {
      const exchanges = await exchangesOf(file);
      const har = new StringOutput();
      const writer = new HarWriter(har, { convert, creatorVersion: 'test' });
      writer.startPage(basename(file));
      const lines = new StringOutput();
      const jsonl = new JsonlSink(lines, convert);
      const table = new StringOutput();
      const tableSink = new TableSink(table);
      const summary = new SummaryCollector();
      for (const exchange of exchanges) {
        writer.write(exchange);
        jsonl.write(exchange);
        tableSink.write(exchange);
        summary.add(exchange);
      }
      writer.close();
      const parsed = JSON.parse(har.text);
      try {
        assertValid(validators.har, parsed);
      } catch (error) {
        throw new Error(`${file}: ${(error as Error).message}`);
      }
      assert.equal(parsed.log.entries.length, exchanges.length, file);
      const jsonLines = lines.text === '' ? [] : lines.text.trimEnd().split('\n');
      assert.equal(jsonLines.length, exchanges.length, file);
      for (const line of jsonLines) assertValid(validators.entry, JSON.parse(line));
      assert.equal(table.text === '' ? 0 : table.text.trimEnd().split('\n').length, exchanges.length === 0 ? 0 : exchanges.length + 2, file);
      assert.equal(/[\x00-\x08\x0b-\x1f]/.test(table.text), false, `${file}: control characters reach the terminal`);
      const result = summary.result();
      assert.equal(result.pairs.reduce((n, p) => n + p.requests, 0), exchanges.length, file);
      JSON.parse(renderSummaryJson(result));
      renderSummaryTable(result);
      total += exchanges.length;
      withResponse += exchanges.filter((e) => e.response !== undefined).length;
    }
    assert.ok(total > 1000, `only ${total} exchanges over all captures`);
    assert.ok(withResponse > total / 2, `${withResponse} of ${total} with a response`);
  });
});
