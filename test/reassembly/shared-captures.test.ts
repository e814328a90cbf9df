import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FrameDecoder } from '../../src/decode/frame-decoder.js';
import { defaultPipelineOptions } from '../../src/model/options.js';
import { Stats } from '../../src/model/stats.js';
import { Reassembler } from '../../src/reassembly/reassembler.js';
import { readCapture } from '../../src/source/read-capture.js';
import { sharedCaptures, skipUnless } from '../support/paths.js';
import { Recording } from './recording-handler.js';

const skip = skipUnless(sharedCaptures !== undefined, 'shared captures (../shared/captures) are absent');

/**
 * Every real-world capture through decode → reassembly: nothing throws, the handler contract holds
 * (the recording handler checks end-once and ts order as calls arrive), reassembly never hands
 * out more bytes than the captured payload, and no gap is implausibly large.
 */
test('shared captures: reassembly keeps the stream contract on real traffic', { skip }, async () => {
  const dir = sharedCaptures as string;
  const lines = readFileSync(join(dir, 'CATALOGUE.tsv'), 'utf8').trimEnd().split('\n');
  const fileCol = lines[0].split('\t').indexOf('file');
  let connections = 0;
  for (const line of lines.slice(1)) {
    const file = line.split('\t')[fileCol];
    const stats = new Stats();
    const recording = new Recording();
    const reassembler = new Reassembler(recording.factory, stats, defaultPipelineOptions);
    const decoder = new FrameDecoder(stats);
    await readCapture(
      join(dir, file),
      {
        frame(frame) {
          const segment = decoder.decode(frame);
          if (segment !== undefined) reassembler.segment(segment);
        },
        interface() {},
        nameRecord() {},
        warning() {},
      },
      stats,
    ).catch(() => undefined); // damaged captures: what was read before the damage still counts
    reassembler.finish();
    recording.assertEveryDirectionEndedOnce();
    let delivered = 0;
    for (const h of recording.handlers) {
      for (const e of h.events) {
        if (e.kind === 'data') delivered += e.bytes.length;
        // No capture here loses anywhere near this much at once: a gap this big is a misread ACK.
        else if (e.kind === 'gap') assert.ok(e.lost < 16 * 1024 * 1024, `${file} ${h.info.id}: gap of ${e.lost}`);
      }
    }
    assert.ok(delivered <= stats.get('tcp.payload-bytes'), `${file}: delivered more than captured`);
    assert.equal(recording.handlers.length, stats.get('tcp.connections'), file);
    connections += recording.handlers.length;
  }
  assert.ok(connections > 100, `only ${connections} connections in all shared captures`);
});
