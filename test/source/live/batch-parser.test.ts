import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBatch } from '../../../src/source/live/batch-parser.js';

/** Builds a batch the way native/src/batch.cc does: six uint32 in native order, bytes padded to 8. */
function batchOf(records: Array<{ dev: number; sec: number; nsec: number; bytes: number[]; wire: number }>): ArrayBuffer {
  const size = records.reduce((n, r) => n + 24 + ((r.bytes.length + 7) & ~7), 0);
  const buffer = new ArrayBuffer(size);
  const words = new Uint32Array(buffer);
  const bytes = new Uint8Array(buffer);
  let offset = 0;
  for (const r of records) {
    const w = offset / 4;
    words.set([r.dev, r.sec % 2 ** 32, Math.floor(r.sec / 2 ** 32), r.nsec, r.bytes.length, r.wire], w);
    bytes.set(r.bytes, offset + 24);
    offset += 24 + ((r.bytes.length + 7) & ~7);
  }
  return buffer;
}

describe('parseBatch', () => {
  it('reads every record into frames that are views of the batch', () => {
    const batch = batchOf([
      { dev: 0, sec: 1_732_650_000, nsec: 123_456_789, bytes: [1, 2, 3], wire: 3 },
      { dev: 1, sec: 2 ** 33 + 5, nsec: 999_999_999, bytes: [9, 8, 7, 6, 5, 4, 3, 2], wire: 1500 },
      { dev: 0, sec: 1_732_650_001, nsec: 0, bytes: [], wire: 60 },
    ]);
    const delivered = [0, 0];
    const frames = parseBatch(batch, 3, [1, 113], delivered);
    assert.equal(frames.length, 3);
    assert.deepEqual(frames[0].ts, { sec: 1_732_650_000, nsec: 123_456_789 });
    assert.deepEqual([...frames[0].data], [1, 2, 3]);
    assert.equal(frames[0].linkType, 1);
    assert.equal(frames[0].wireLength, 3);
    assert.deepEqual(frames[1].ts, { sec: 2 ** 33 + 5, nsec: 999_999_999 });
    assert.equal(frames[1].interfaceId, 1);
    assert.equal(frames[1].linkType, 113);
    assert.equal(frames[1].wireLength, 1500);
    assert.deepEqual([...frames[1].data], [9, 8, 7, 6, 5, 4, 3, 2]);
    assert.equal(frames[2].data.length, 0);
    for (const frame of frames) assert.equal(frame.data.buffer, batch, 'no copy');
    assert.equal(frames[1].data.byteOffset, 24 + 8 + 24);
    assert.deepEqual(delivered, [2, 1]);
  });

  it('stops at the end of the buffer even if the count says more', () => {
    const batch = batchOf([{ dev: 0, sec: 1, nsec: 2, bytes: [1], wire: 1 }]);
    const delivered = [0];
    assert.equal(parseBatch(batch, 5, [1], delivered).length, 1);
    assert.deepEqual(delivered, [1]);
  });
});
