import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openLiveCapture, type LiveCaptureOptions } from '../../../src/source/live/index.js';
import { needsLive, sleep } from './live-helpers.js';

const blaster = join(import.meta.dirname, 'fixtures', 'blast.mjs');

/** Blocks this thread (the JavaScript side of the capture) without spinning. */
function blockJs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Captures a loopback burst of `megabytes` MiB sent by a child process; while it runs, the
 * JavaScript thread is blocked for `blockMs` (0: not at all). Returns the stats after stop().
 */
async function captureBurst(options: Omit<LiveCaptureOptions, 'devices' | 'filter'>, megabytes: number, blockMs: number) {
  const child = spawn(process.execPath, [blaster, String(megabytes)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  let delivered = 0;
  let errors = 0;
  const capture = openLiveCapture({ ...options, devices: ['lo'], filter: `tcp port ${port}` }, {
    frames: (frames) => (delivered += frames.length),
    error: () => (errors += 1),
  });
  const exited = once(child, 'exit');
  child.stdin.write('go\n');
  if (blockMs > 0) {
    await sleep(20);
    blockJs(blockMs);
  }
  const [code] = (await exited) as [number];
  assert.equal(code, 0, 'the burst ran');
  await sleep(50);
  await capture.stop();
  const [stats] = capture.stats();
  assert.equal(errors, 0);
  assert.equal(stats.delivered, delivered);
  assert.equal(stats.captured, delivered, 'everything captured is delivered, even past the queue bound');
  return stats;
}

describe('bounds', { skip: needsLive }, () => {
  it('drops and counts packets beyond maxQueuedBytes while JavaScript is busy, without a crash', async () => {
    const stats = await captureBurst({ maxQueuedBytes: 1024 * 1024, batchBytes: 256 * 1024 }, 200, 1000);
    assert.ok(stats.queueDrops > 0, `queue drops: ${stats.queueDrops}`);
    assert.ok(stats.delivered > 0);
  });

  it('wires the kernel drop counters: a tiny kernel buffer under a large burst loses packets', async () => {
    const stats = await captureBurst({ bufferBytes: 1 }, 200, 0);
    assert.equal(stats.kernelStats, true);
    for (const n of [stats.received, stats.kernelDrops, stats.interfaceDrops]) assert.ok(Number.isInteger(n) && n >= 0);
    assert.ok(stats.kernelDrops + stats.queueDrops > 0, `kernel drops ${stats.kernelDrops}, queue drops ${stats.queueDrops}`);
    assert.ok(stats.received > stats.captured, 'ps_recv counts packets the ring had no room for');
  });
});
