import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { attachContainers, withContainers } from '../../src/containers/attach.js';
import { CaptureContainers, CONTAINERS_BLOCK_KIND, timelineBlockPayload, timelineNameRecords } from '../../src/containers/capture-names.js';
import { containerRef, hostRef } from '../../src/containers/container-refs.js';
import { IpTimeline } from '../../src/containers/ip-timeline.js';
import { loadContainersFile } from '../../src/containers/ledger.js';
import type { Exchange } from '../../src/model/exchange.js';
import { Stats } from '../../src/model/stats.js';
import type { ByteOutput } from '../../src/sinks/byte-output.js';
import { PcapngWriter } from '../../src/sinks/pcapng-writer.js';
import { createCaptureReader } from '../../src/source/capture-reader.js';
import { ownCaptures } from '../support/paths.js';
import { runCapture } from '../support/run-capture.js';

class MemoryOutput implements ByteOutput {
  readonly chunks: Uint8Array[] = [];
  write(bytes: Uint8Array): void {
    this.chunks.push(bytes);
  }
  async close(): Promise<void> {}
}

function sampleTimeline(): IpTimeline {
  const tl = new IpTimeline();
  const a = containerRef({ id: 'a'.repeat(64), name: 'alpha', image: 'img:1', network: 'net' });
  const b = containerRef({ id: 'b'.repeat(64), name: 'beta', network: 'net' });
  tl.open('10.9.0.1', hostRef());
  tl.open('10.9.0.2', a, { sec: 1700000000, nsec: 123456789 });
  tl.close('10.9.0.2', a, { sec: 1700000100, nsec: 1 });
  tl.open('10.9.0.2', b, { sec: 1700000200, nsec: 0 });
  tl.open('fd00:9::2', a, { sec: 1700000000, nsec: 123456789 });
  return tl;
}

/** Reads a pcapng from memory, gathering what names addresses. */
function gather(bytes: Uint8Array): { found: CaptureContainers; stats: Stats } {
  const found = new CaptureContainers();
  const stats = new Stats();
  const reader = createCaptureReader(
    {
      frame() {},
      interface() {},
      warning() {},
      nameRecord: (record) => found.nameRecord(record),
      customBlock: (pen, data) => void found.customBlock(pen, data),
    },
    stats,
    'mem.pcapng',
  );
  reader.push(bytes);
  reader.end();
  return { found, stats };
}

describe('containers in a pcapng', () => {
  it('name records list each address with its owners, most recent first', () => {
    assert.deepEqual(timelineNameRecords(sampleTimeline()), [
      { address: '10.9.0.1', names: ['host'] },
      { address: '10.9.0.2', names: ['beta', 'alpha'] },
      { address: 'fd00:9::2', names: ['alpha'] },
    ]);
  });

  it('round-trips the timeline through a written capture: custom block intervals exactly, NRB for the rest', async () => {
    const tl = sampleTimeline();
    const out = new MemoryOutput();
    const writer = new PcapngWriter(out, { userAppl: 'hopscope test' });
    writer.writeNameRecords([...timelineNameRecords(tl), { address: '10.9.0.77', names: ['api.internal'] }]);
    // Written twice (as a live writer repeats it when the timeline changes): merging is idempotent.
    writer.writeJsonBlock(CONTAINERS_BLOCK_KIND, timelineBlockPayload(tl));
    writer.writeJsonBlock('something-else', { x: 1 });
    writer.writeJsonBlock(CONTAINERS_BLOCK_KIND, timelineBlockPayload(tl));
    await writer.close();
    const { found, stats } = gather(Buffer.concat(out.chunks));
    assert.equal(found.blocks, 2);
    assert.equal(stats.get('capture.unknown-block'), 0);
    const back = found.applyTo(new IpTimeline());
    assert.deepEqual(back.intervals().filter((i) => i.ip !== '10.9.0.77'), tl.intervals());
    assert.deepEqual(back.resolve('10.9.0.77', { sec: 0, nsec: 0 }), { kind: 'external', name: 'api.internal' });
  });

  it('a capture with only name records (another tool) names addresses without times', async () => {
    const { found } = gather(
      await (async () => {
        const out = new MemoryOutput();
        const writer = new PcapngWriter(out, { userAppl: 'other' });
        writer.writeNameRecords([{ address: '172.17.0.1', names: ['host'] }, { address: '172.17.0.3', names: ['web'] }]);
        await writer.close();
        return Buffer.concat(out.chunks);
      })(),
    );
    assert.equal(found.empty, false);
    const tl = found.applyTo(new IpTimeline());
    assert.deepEqual(tl.resolve('172.17.0.1', { sec: 5, nsec: 0 }), { kind: 'host', name: 'host' });
    assert.equal(tl.resolve('172.17.0.3', { sec: 5, nsec: 0 })?.name, 'web');
  });

  it('damaged or foreign custom blocks never throw and name nothing', () => {
    const found = new CaptureContainers();
    const junk = Buffer.from('{"hopscope":"containers","data":{"format":"hopscope-containers","version":99}}');
    assert.equal(found.customBlock(32473, junk), false);
    assert.equal(found.badBlocks, 1);
    assert.equal(found.customBlock(1234, Buffer.from('{}')), false);
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(JSON.stringify({ hopscope: 'containers', data: timelineBlockPayload(sampleTimeline()) }));
      const cut = bytes.subarray(0, (i * 7919) % bytes.length);
      if (i % 2 === 1) for (let j = 0; j < cut.length; j += 13) cut[j] = (cut[j] * 31 + i) & 0xff;
      found.customBlock(32473, cut);
    }
    found.applyTo(new IpTimeline());
  });
});

describe('naming exchanges', () => {
  it('names both ends of every demo exchange from captures/demo.containers.json', async () => {
    const { timeline } = await loadContainersFile(join(ownCaptures, 'demo.containers.json'));
    const named: Exchange[] = [];
    const { exchanges } = await runCapture(join(ownCaptures, 'demo.pcapng'));
    const stage = withContainers(timeline, (e) => named.push(e));
    for (const exchange of exchanges) stage(exchange);
    assert.equal(named.length, 247);
    const pairs = new Map<string, number>();
    for (const e of named) {
      assert.ok(e.clientContainer && e.serverContainer, `exchange ${e.seq} ${e.connection.client.ip} → ${e.connection.server.ip} unnamed`);
      const pair = `${e.clientContainer.name} → ${e.serverContainer.name}`;
      pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
    }
    // The demo's call graph, and nothing else.
    assert.deepEqual([...pairs.keys()].sort(), [
      'demo-client → demo-gateway',
      'demo-client → demo-web',
      'demo-gateway → demo-orders',
      'demo-gateway → demo-users',
      'demo-orders → demo-inventory',
    ]);
    const web = named.find((e) => e.serverContainer?.name === 'demo-web');
    assert.equal(web?.clientContainer?.network, 'bridge', 'the client reaches web over docker0');
    assert.equal(web?.connection.client.ip, '172.17.0.3');
  });

  it('leaves unknown ends unset so the sinks show the address', () => {
    const tl = new IpTimeline();
    tl.open('10.0.0.2', containerRef({ id: 'x', name: 'server' }));
    const exchange = {
      connection: { client: { ip: '192.0.2.9', port: 5000 }, server: { ip: '10.0.0.2', port: 80 } },
      request: { firstByte: { sec: 1, nsec: 0 } },
    } as unknown as Exchange;
    attachContainers(exchange, tl);
    assert.equal(exchange.clientContainer, undefined);
    assert.equal('clientContainer' in exchange, false);
    assert.equal(exchange.serverContainer?.name, 'server');
  });
});
