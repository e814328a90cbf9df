import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameBacklog } from '../../src/cli/frame-backlog.js';
import type { Frame } from '../../src/model/frame.js';

function batch(id: number, frames = 4, bytes = 100): Frame[] {
  return Array.from({ length: frames }, (_, i) => ({
    ts: { sec: id, nsec: i },
    linkType: 1,
    data: new Uint8Array(bytes),
    wireLength: bytes,
    interfaceId: 0,
  }));
}

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

test('batches are processed in order, in slices with turns of the event loop between them', async () => {
  const seen: number[] = [];
  let ticksWhileBusy = 0;
  const backlog = new FrameBacklog(
    (frames) => {
      seen.push(frames[0].ts.sec);
      busy(2);
    },
    { sliceMs: 10, maxBytes: 1 << 30 },
  );
  // All pushed at once, as Node hands over a thread-safe function's queue in one loop turn.
  for (let id = 0; id < 60; id++) backlog.push(batch(id));
  const timer = setInterval(() => {
    if (backlog.waitingBatches > 0) ticksWhileBusy++;
  }, 1);
  while (backlog.waitingBatches > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(timer);
  assert.deepEqual(seen, Array.from({ length: 60 }, (_, id) => id));
  // 60 batches of 2 ms are ~120 ms of work: processed in one go, no timer could have run meanwhile.
  assert.ok(ticksWhileBusy >= 3, `timers ran ${ticksWhileBusy} times while batches waited`);
  assert.equal(backlog.droppedFrames, 0);
});

test('beyond maxBytes whole batches are dropped and counted; flush processes what waits', () => {
  const seen: number[] = [];
  const backlog = new FrameBacklog((frames) => seen.push(frames[0].ts.sec), { sliceMs: 10, maxBytes: 1000 });
  for (let id = 0; id < 5; id++) backlog.push(batch(id, 4, 100)); // 400 bytes each: two fit
  assert.equal(backlog.waitingBatches, 2);
  assert.equal(backlog.droppedFrames, 12);
  backlog.flush();
  assert.deepEqual(seen, [0, 1]);
  assert.equal(backlog.waitingBatches, 0);
  // Room again once processed.
  backlog.push(batch(9));
  backlog.flush();
  assert.deepEqual(seen, [0, 1, 9]);
});

test('a single batch larger than the bound is still taken when nothing waits', () => {
  const seen: number[] = [];
  const backlog = new FrameBacklog((frames) => seen.push(frames[0].ts.sec), { sliceMs: 10, maxBytes: 100 });
  backlog.push(batch(1, 4, 100));
  backlog.flush();
  assert.deepEqual(seen, [1]);
  assert.equal(backlog.droppedFrames, 0);
});
