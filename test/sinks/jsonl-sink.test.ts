import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { HopscopeError } from '../../src/model/errors.js';
import { createEntryConverter } from '../../src/sinks/entry-converter.js';
import { JsonlSink } from '../../src/sinks/jsonl-sink.js';
import { WritableTextOutput } from '../../src/sinks/text-output.js';
import { buildExchange, makeBody } from './support/exchange-builder.js';
import { SlowWritable, StringOutput } from './support/collect.js';
import { assertValid, harValidators } from './support/har-schema.js';

const validators = harValidators();
const convert = createEntryConverter({ maxBody: 1 << 20 });

describe('JsonlSink', () => {
  it('writes one valid, redacted HAR entry per line in arrival order', () => {
    const out = new StringOutput();
    const sink = new JsonlSink(out, convert);
    sink.write(buildExchange({ seq: 0, target: '/a?token=t' }));
    sink.write(buildExchange({ seq: 1, target: '/b', status: null }));
    sink.write(buildExchange({ seq: 2, target: '/c', responseBody: makeBody('line1\nline2') }));
    assert.equal(sink.count, 3);
    assert.ok(out.text.endsWith('\n'));
    const lines = out.text.slice(0, -1).split('\n');
    assert.equal(lines.length, 3);
    const entries = lines.map((line) => JSON.parse(line));
    for (const entry of entries) assertValid(validators.entry, entry);
    assert.deepEqual(
      entries.map((e) => e.request.url),
      ['http://api.example/a?token=%5Bredacted%5D', 'http://api.example/b', 'http://api.example/c'],
    );
    assert.equal(entries[2].response.content.text, 'line1\nline2');
  });

  it('batches into large writes and waits for drain when the stream is full', async () => {
    const stream = new SlowWritable(16 * 1024);
    const output = new WritableTextOutput(stream, 'test');
    const sink = new JsonlSink(output, convert);
    const big = 'x'.repeat(2000);
    for (let i = 0; i < 100; i++) sink.write(buildExchange({ seq: i, responseBody: makeBody(big) }));
    assert.equal(output.needsDrain, true, 'the slow stream filled up');
    const lineCount = (text: string): number => text.split('\n').length - 1;
    // Fewer writes than lines: lines were gathered into ~64 KiB chunks.
    assert.ok(stream.chunks.length > 0 && stream.chunks.length < 10, `${stream.chunks.length} writes`);
    let drained = false;
    const waiting = output.drained().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(drained, false, 'drained() waits while the consumer is stuck');
    while (!drained) {
      stream.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waiting;
    const closing = output.close();
    for (let i = 0; i < 10; i++) {
      stream.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await closing;
    assert.equal(lineCount(stream.text), 100);
    for (const line of stream.text.trim().split('\n')) assert.equal(JSON.parse(line).response.content.text, big);
  });

  it('flushes a small burst without waiting for 64 KiB (live output)', async () => {
    const stream = new PassThrough();
    const output = new WritableTextOutput(stream);
    new JsonlSink(output, convert).write(buildExchange());
    assert.equal(stream.readableLength, 0, 'gathered during the synchronous burst');
    await Promise.resolve();
    assert.ok(stream.readableLength > 0, 'handed on at the end of the burst');
  });

  it('turns a failing stream into output-unwritable', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    const output = new WritableTextOutput(failing, '/x.jsonl');
    new JsonlSink(output, convert).write(buildExchange());
    output.flush();
    await new Promise((resolve) => setImmediate(resolve));
    await assert.rejects(output.close(), (error) => error instanceof HopscopeError && error.code === 'output-unwritable' && /disk full/.test(error.message));
  });
});
