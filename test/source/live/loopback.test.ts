import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Frame } from '../../../src/model/frame.js';
import { compareTs } from '../../../src/model/time.js';
import { openLiveCapture } from '../../../src/source/live/index.js';
import { closeServer, get, needsLive, startServer, tcpOf, textOf } from './live-helpers.js';
import type { Server } from 'node:http';

const REQUESTS = 25;

describe('live capture on lo', { skip: needsLive }, () => {
  let a: { server: Server; port: number };
  let b: { server: Server; port: number };
  before(async () => {
    a = await startServer();
    b = await startServer();
  });
  after(async () => {
    await closeServer(a.server);
    await closeServer(b.server);
  });

  it('sees every HTTP request with kernel nanosecond timestamps and right lengths', async () => {
    const frames: Frame[] = [];
    let batches = 0;
    const startMs = Date.now();
    const capture = openLiveCapture({ devices: ['lo'], filter: `tcp port ${a.port}` }, {
      frames(batch) {
        batches += 1;
        for (const frame of batch) frames.push(frame);
      },
    });
    assert.equal(capture.interfaces.length, 1);
    assert.deepEqual(
      { id: capture.interfaces[0].id, name: capture.interfaces[0].name, linkType: capture.interfaces[0].linkType },
      { id: 0, name: 'lo', linkType: 1 },
    );
    assert.equal(capture.interfaces[0].precision, 'nano');
    for (let i = 0; i < REQUESTS; i++) assert.equal(await get(a.port, `/req-${i}`), `hello /req-${i}`);
    const live = capture.stats();
    await capture.stop();
    const endMs = Date.now();

    // Every request line and every response seen, once.
    const payloads = frames.map((f) => tcpOf(f)).filter((t) => t !== undefined && t.payload.length > 0).map((t) => textOf(t!.payload));
    for (let i = 0; i < REQUESTS; i++) {
      assert.equal(payloads.filter((p) => p.startsWith(`GET /req-${i} HTTP/1.1\r\n`)).length, 1, `request ${i}`);
      assert.equal(payloads.filter((p) => p.startsWith('HTTP/1.1 200 OK') && p.endsWith(`hello /req-${i}`)).length, 1, `response ${i}`);
    }
    assert.ok(batches < frames.length, `batched delivery: ${batches} calls for ${frames.length} frames`);

    let previous = frames[0].ts;
    let submicro = 0;
    for (const frame of frames) {
      const tcp = tcpOf(frame);
      assert.ok(tcp, 'only TCP on the filtered port');
      assert.ok(tcp.srcPort === a.port || tcp.dstPort === a.port);
      assert.equal(frame.interfaceId, 0);
      assert.equal(frame.wireLength, 14 + tcp.ipTotalLength, 'wire length = Ethernet + IP total length');
      assert.equal(frame.data.length, frame.wireLength, 'not truncated');
      assert.ok(Number.isInteger(frame.ts.nsec) && frame.ts.nsec >= 0 && frame.ts.nsec < 1e9);
      const ms = frame.ts.sec * 1000 + frame.ts.nsec / 1e6;
      assert.ok(ms >= startMs - 1000 && ms <= endMs + 1000, `timestamp ${ms} within the test's wall-clock window`);
      assert.ok(compareTs(frame.ts, previous) >= 0, 'timestamps never go back on one device');
      previous = frame.ts;
      if (frame.ts.nsec % 1000 !== 0) submicro += 1;
    }
    assert.ok(submicro > frames.length / 2, `nanosecond digits present (${submicro}/${frames.length})`);

    const [stats] = capture.stats();
    assert.equal(stats.name, 'lo');
    assert.equal(stats.open, false);
    assert.equal(stats.closedReason, 'stopped');
    assert.equal(stats.kernelStats, true);
    assert.equal(stats.delivered, frames.length);
    assert.equal(stats.captured, frames.length);
    assert.ok(stats.delivered >= 2 * REQUESTS);
    assert.ok(stats.received >= stats.captured, 'ps_recv counts what the filter passed');
    assert.equal(stats.queueDrops, 0);
    assert.equal(stats.kernelDrops, 0);
    assert.ok(live[0].open && live[0].captured > 0, 'stats while running');
  });

  it('restricts to one port with a BPF filter', async () => {
    const frames: Frame[] = [];
    const capture = openLiveCapture({ devices: ['lo'], filter: `tcp port ${b.port}` }, { frames: (batch) => frames.push(...batch) });
    for (let i = 0; i < 5; i++) {
      await get(a.port, `/other-${i}`);
      await get(b.port, `/wanted-${i}`);
    }
    await capture.stop();
    const views = frames.map((f) => tcpOf(f));
    assert.ok(views.length >= 5 * 2);
    for (const t of views) assert.ok(t && (t.srcPort === b.port || t.dstPort === b.port), 'only the filtered port');
    const texts = views.map((t) => textOf(t!.payload));
    for (let i = 0; i < 5; i++) assert.ok(texts.some((p) => p.startsWith(`GET /wanted-${i} `)), `wanted ${i}`);
    assert.ok(!texts.some((p) => p.includes('/other-')));
  });

  it('delivers the last batch before stop() resolves, and stop() twice is fine', async () => {
    let delivered = 0;
    const capture = openLiveCapture({ devices: ['lo'], filter: `tcp port ${a.port}`, flushIntervalMs: 10_000 }, {
      frames: (batch) => (delivered += batch.length),
    });
    await get(a.port, '/last');
    // With a 10 s flush interval the batch is still held by the capture thread here.
    const first = capture.stop();
    const second = capture.stop();
    await first;
    await second;
    assert.ok(delivered >= 2, `frames delivered by stop(): ${delivered}`);
    assert.equal(capture.stats()[0].captured, delivered);
  });
});
