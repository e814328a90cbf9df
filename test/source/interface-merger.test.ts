import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Frame } from '../../src/model/frame.js';
import { Stats } from '../../src/model/stats.js';
import { InterfaceMerger } from '../../src/source/interface-merger.js';

function frame(interfaceId: number, ms: number, tag: number): Frame {
  return { ts: { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1e6 }, linkType: 1, data: new Uint8Array([tag]), wireLength: 1, interfaceId };
}

function run(frames: Frame[], windowSeconds = 1, maxFrames = 1000, declared = 2) {
  const stats = new Stats();
  const out: number[] = [];
  const merger = new InterfaceMerger((f) => out.push(f.data[0]), stats, windowSeconds, maxFrames);
  for (let i = 0; i < declared; i++) merger.addInterface();
  for (const f of frames) merger.push(f);
  merger.flush();
  return { out, stats };
}

test('one interface passes straight through, in file order', () => {
  const { out } = run([frame(0, 10, 1), frame(0, 5, 2), frame(0, 20, 3)], 1, 1000, 1);
  assert.deepEqual(out, [1, 2, 3]);
});

test('batches from two interfaces are put back in time order', () => {
  // As dumpcap writes them: interface 0's batch, then interface 1's, which started earlier.
  const frames = [frame(0, 100, 1), frame(0, 230, 3), frame(1, 110, 2), frame(1, 240, 4), frame(0, 2000, 5), frame(1, 3500, 6)];
  assert.deepEqual(run(frames).out, [1, 2, 3, 4, 5, 6]);
});

test('equal timestamps keep file order', () => {
  assert.deepEqual(run([frame(0, 100, 1), frame(1, 100, 2), frame(0, 100, 3)]).out, [1, 2, 3]);
});

test('a frame later than the window goes on as it is, counted', () => {
  const { out, stats } = run([frame(0, 100, 1), frame(1, 5000, 2), frame(0, 6200, 3), frame(1, 150, 4)]);
  assert.deepEqual(out, [1, 2, 4, 3]);
  assert.equal(stats.get('capture.out-of-order'), 1);
});

test('the number of waiting frames is bounded', () => {
  const frames = Array.from({ length: 50 }, (_, i) => frame(i % 2, 1000 + i, i));
  const { out, stats } = run(frames, 100, 10);
  assert.equal(out.length, 50);
  assert.equal(stats.get('capture.merge-overflow'), 50 - 10);
  assert.deepEqual(out, [...out].sort((a, b) => a - b));
});

test('an interface that was not declared switches merging on when it shows up', () => {
  const { out } = run([frame(0, 100, 1), frame(1, 90, 2), frame(0, 95, 3)], 1, 1000, 0);
  assert.deepEqual(out, [1, 2, 3]);
});
