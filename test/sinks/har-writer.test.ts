import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createEntryConverter } from '../../src/sinks/entry-converter.js';
import { HarWriter } from '../../src/sinks/har-writer.js';
import { WritableTextOutput } from '../../src/sinks/text-output.js';
import { StringOutput } from './support/collect.js';
import { at, buildExchange, cappedBody, makeBody } from './support/exchange-builder.js';
import { assertValid, harValidators } from './support/har-schema.js';
import { decodeBody } from '../../src/http/index.js';

const validators = harValidators();
const convert = createEntryConverter({ maxBody: 64, decodeBody: decodeBody });

/** Every case the entry tests cover, in one HAR. */
function variety() {
  return [
    buildExchange({ seq: 0 }),
    buildExchange({ seq: 1, responseBody: makeBody(''), responseHeaders: [] }),
    buildExchange({ seq: 2, responseHeaders: [['Content-Type', 'image/png']], responseBody: makeBody(new Uint8Array([0x89, 0, 1, 2])) }),
    buildExchange({ seq: 3, responseHeaders: [['Content-Encoding', 'gzip']], responseBody: makeBody(new Uint8Array(gzipSync('hello hello hello'))) }),
    buildExchange({ seq: 4, responseBody: cappedBody('€'.repeat(100), 64) }),
    buildExchange({ seq: 5, status: 304, reason: 'Not Modified', responseBody: makeBody() }),
    buildExchange({ seq: 6, method: 'HEAD', responseBody: makeBody() }),
    buildExchange({ seq: 7, interim: [{ status: 100, at: 1 }], status: 200 }),
    buildExchange({ seq: 8, status: null }),
    buildExchange({ seq: 9, index: 1, handshake: { syn: at(-1), ack: at(-0.5) } }),
    buildExchange({ seq: 10, responseHeaders: [['Content-Type', 'text/plain; charset=latin1']], responseBody: makeBody(new Uint8Array([0x63, 0xe9])) }),
    buildExchange({ seq: 11, method: 'CONNECT', target: 'example.com:443' }),
    buildExchange({ seq: 12, requestHeaders: [], server: { ip: 'fd00::1', port: 8080 } }),
    buildExchange({ seq: 13, target: '/q?a=1&b=%20&token=x' }),
  ];
}

describe('HarWriter', () => {
  it('streams a valid HAR with one page per capture and pagerefs', () => {
    const out = new StringOutput();
    const writer = new HarWriter(out, { convert, creatorVersion: '0.1.0' });
    writer.startPage('first.pcap');
    const exchanges = variety();
    for (const exchange of exchanges.slice(0, 7)) writer.write(exchange);
    writer.startPage('empty.pcap');
    writer.startPage('second.pcapng');
    for (const exchange of exchanges.slice(7)) writer.write(exchange);
    writer.close();
    writer.close();
    writer.write(buildExchange());
    const har = JSON.parse(out.text);
    assertValid(validators.har, har);
    assert.equal(har.log.version, '1.2');
    assert.deepEqual(har.log.creator, { name: 'hopscope', version: '0.1.0' });
    assert.deepEqual(har.log.pages, [
      { id: 'page_1', title: 'first.pcap', startedDateTime: '2023-11-14T22:13:20.000000+00:00', pageTimings: {} },
      { id: 'page_2', title: 'second.pcapng', startedDateTime: '2023-11-14T22:13:20.000000+00:00', pageTimings: {} },
    ]);
    assert.equal(har.log.entries.length, exchanges.length);
    assert.deepEqual(
      har.log.entries.map((e: { pageref: string }) => e.pageref),
      [...Array(7).fill('page_1'), ...Array(exchanges.length - 7).fill('page_2')],
    );
    assert.equal(har.log.entries[13].request.url, 'http://api.example/q?a=1&b=%20&token=%5Bredacted%5D');
    assert.equal(writer.count, exchanges.length);
  });

  it('writes entries as they come, and a valid empty HAR when nothing came', () => {
    const out = new StringOutput();
    const writer = new HarWriter(out, { convert, creatorVersion: '9' });
    writer.write(buildExchange());
    const afterOne = out.text.length;
    assert.ok(afterOne > 0, 'the first entry is out before close');
    writer.write(buildExchange({ seq: 1 }));
    assert.ok(out.text.length > afterOne);
    assert.throws(() => JSON.parse(out.text), 'not valid before close');
    assert.doesNotThrow(() => JSON.parse(`${out.text}]}}`), 'the documented repair for a killed process');
    writer.close();
    const har = JSON.parse(out.text);
    assertValid(validators.har, har);
    assert.equal(har.log.entries[0].pageref, undefined);
    assert.deepEqual(har.log.pages, []);

    const empty = new StringOutput();
    new HarWriter(empty, { convert, creatorVersion: '9' }).close();
    assertValid(validators.har, JSON.parse(empty.text));
  });

  it('writes a file through a stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hopscope-har-'));
    try {
      const path = join(dir, 'out.har');
      const output = new WritableTextOutput(createWriteStream(path), path);
      const writer = new HarWriter(output, { convert, creatorVersion: '0.1.0' });
      writer.startPage('capture.pcap');
      for (let i = 0; i < 2000; i++) writer.write(buildExchange({ seq: i, target: `/item/${i}` }));
      writer.close();
      await output.close();
      const har = JSON.parse(readFileSync(path, 'utf8'));
      assertValid(validators.har, har);
      assert.equal(har.log.entries.length, 2000);
      assert.equal(har.log.entries[1999].request.url, 'http://api.example/item/1999');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
